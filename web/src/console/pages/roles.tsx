// Roles and scope: role definitions (built-in and custom, with their permissions), role assignments
// (admin groups as members, scope groups or all, scope tags) and scope tags.
import { useState } from 'react';
import { ConfirmDialog } from '../../common/dialog.js';
import { PageHeader } from '../../common/layout.js';
import { ErrorText, FormError, SelectField, TextField, graph, graphAll, useCan, useData, useForm, type GraphCollection, TableWrap } from './admin-kit.js';
import type { Group } from './directory-types.js';

interface Role { id: string; displayName: string; description: string | null; isBuiltIn: boolean; rolePermissions: { resourceActions: { allowedResourceActions: string[] }[] }[] }
interface Assignment { id: string; displayName: string; description: string | null; members: string[]; resourceScopes: string[]; scopeType: string; roleScopeTagIds: string[] }
interface Tag { id: string; displayName: string; description: string | null; isBuiltIn: boolean }
interface Operation { id: string; resourceName: string; actionName: string; description: string }

const allowedOf = (r: Role) => r.rolePermissions.flatMap((p) => p.resourceActions.flatMap((a) => a.allowedResourceActions));
const SCOPE_TYPES = [['allDevicesAndLicensedUsers', 'All users and devices'], ['allDevices', 'All devices'], ['allLicensedUsers', 'All licensed users'], ['resourceScope', 'Members of chosen groups']] as const;

type Pending = { what: string; path: string; words: string };

export default function RolesPage() {
  const can = useCan();
  const [tick, setTick] = useState(0);
  const data = useData(async () => {
    const [roles, assignments, tags, groups] = await Promise.all([
      graph<GraphCollection<Role>>('GET', '/deviceManagement/roleDefinitions'),
      graph<GraphCollection<Assignment>>('GET', '/deviceManagement/roleAssignments'),
      graph<GraphCollection<Tag>>('GET', '/deviceManagement/roleScopeTags'),
      can('Microsoft.Intune_Groups_Read') ? graphAll<Group>('/groups?$top=999') : Promise.resolve([] as Group[]),
    ]);
    // Graph gives an assignment's role as a relationship: read each role's assignments.
    const roleOfAssignment = new Map<string, Role>();
    await Promise.all(roles.value.map(async (r) => {
      const of = await graph<GraphCollection<Assignment>>('GET', `/deviceManagement/roleDefinitions/${r.id}/roleAssignments`);
      for (const a of of.value) roleOfAssignment.set(a.id, r);
    }));
    return { roles: roles.value, assignments: assignments.value, tags: tags.value, groups, roleOfAssignment };
  }, [tick]);
  const [open, setOpen] = useState<'role' | 'assignment' | 'tag' | undefined>();
  const [editing, setEditing] = useState<Assignment | undefined>();
  const [pending, setPending] = useState<Pending | undefined>();
  const [error, setError] = useState<unknown>();
  const reload = () => { setTick((n) => n + 1); setOpen(undefined); setEditing(undefined); };

  async function remove() {
    if (!pending) return;
    setError(undefined);
    try { await graph('DELETE', pending.path); reload(); } catch (e) { setError(e); } finally { setPending(undefined); }
  }

  const d = data.data;
  const groupName = (id: string) => d?.groups.find((g) => g.id === id)?.displayName ?? id;
  const tagName = (id: string) => (id === '0' ? 'Default' : d?.tags.find((t) => t.id === id)?.displayName ?? id);
  const roleOf = (a: Assignment) => d?.roleOfAssignment.get(a.id);

  return (
    <section>
      <PageHeader title="Roles and scope" />
      <ErrorText error={data.error} />
      <ErrorText error={error} />
      {d ? (
        <>
          <section aria-labelledby="roles-h">
            <div className="section-head">
              <h2 id="roles-h">Role definitions</h2>
              {can('Microsoft.Intune_Roles_Create') ? <button type="button" aria-expanded={open === 'role'} onClick={() => { setOpen(open === 'role' ? undefined : 'role'); }}>New custom role</button> : null}
            </div>
            {open === 'role' ? <CreateRole tags={d.tags} onCreated={reload} /> : null}
            <ul className="role-list">
              {d.roles.map((r) => (
                <li key={r.id}>
                  <details>
                    <summary><strong>{r.displayName}</strong> {r.isBuiltIn ? '(built-in)' : '(custom)'} · {allowedOf(r).length} permissions</summary>
                    {r.description ? <p>{r.description}</p> : null}
                    <ul className="columns">{allowedOf(r).map((op) => <li key={op}><code>{op.replace('Microsoft.Intune_', '')}</code></li>)}</ul>
                    {!r.isBuiltIn && can('Microsoft.Intune_Roles_Delete') ? (
                      <button type="button" className="danger" onClick={() => { setPending({ what: `the role ${r.displayName}`, path: `/deviceManagement/roleDefinitions/${r.id}`, words: 'Its assignments must be deleted first.' }); }}>Delete role</button>
                    ) : null}
                  </details>
                </li>
              ))}
            </ul>
          </section>

          <section aria-labelledby="assign-h">
            <div className="section-head">
              <h2 id="assign-h">Role assignments</h2>
              {can('Microsoft.Intune_Roles_Assign') ? <button type="button" aria-expanded={open === 'assignment'} onClick={() => { setOpen(open === 'assignment' ? undefined : 'assignment'); }}>New assignment</button> : null}
            </div>
            {open === 'assignment' ? <CreateAssignment roles={d.roles} tags={d.tags} groups={d.groups} onCreated={reload} /> : null}
            {editing ? <CreateAssignment key={editing.id} existing={editing} roleId={roleOf(editing)?.id} roles={d.roles} tags={d.tags} groups={d.groups} onCreated={reload} onCancel={() => { setEditing(undefined); }} /> : null}
            {d.assignments.length === 0 ? <p>No role assignments.</p> : (
              <TableWrap label="Role assignments">
                <table>
                  <caption className="sr-only">Role assignments</caption>
                  <thead><tr><th scope="col">Name</th><th scope="col">Role</th><th scope="col">Admins (groups)</th><th scope="col">Scope</th><th scope="col">Scope tags</th><th scope="col"><span className="sr-only">Actions</span></th></tr></thead>
                  <tbody>
                    {d.assignments.map((a) => (
                      <tr key={a.id}>
                        <td>{a.displayName}</td>
                        <td>{roleOf(a)?.displayName ?? '—'}</td>
                        <td>{a.members.map(groupName).join(', ') || '—'}</td>
                        <td>{a.scopeType === 'resourceScope' ? a.resourceScopes.map(groupName).join(', ') : SCOPE_TYPES.find(([v]) => v === a.scopeType)?.[1] ?? a.scopeType}</td>
                        <td>{a.roleScopeTagIds.map(tagName).join(', ')}</td>
                        <td className="row-actions">{can('Microsoft.Intune_Roles_Assign') ? <button type="button" aria-label={`Edit assignment ${a.displayName}`} onClick={() => { setEditing(a); setOpen(undefined); }}>Edit</button> : null}{can('Microsoft.Intune_Roles_Assign') ? <button type="button" className="danger" aria-label={`Delete assignment ${a.displayName}`} onClick={() => { setPending({ what: `the assignment ${a.displayName}`, path: `/deviceManagement/roleAssignments/${a.id}`, words: 'Its members lose the role at once.' }); }}>Delete</button> : null}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableWrap>
            )}
          </section>

          <section aria-labelledby="tags-h">
            <div className="section-head">
              <h2 id="tags-h">Scope tags</h2>
              {can('Microsoft.Intune_Roles_Create') ? <button type="button" aria-expanded={open === 'tag'} onClick={() => { setOpen(open === 'tag' ? undefined : 'tag'); }}>New scope tag</button> : null}
            </div>
            <p>A device carries scope tags; an assignment reaches only devices with one of its tags (Default: "0").</p>
            {open === 'tag' ? <CreateTag onCreated={reload} /> : null}
            <ul>
              {d.tags.map((t) => (
                <li key={t.id}>
                  <strong>{t.displayName}</strong> <code>{t.id}</code> {t.description ? `· ${t.description}` : ''}{' '}
                  {!t.isBuiltIn && can('Microsoft.Intune_Roles_Delete') ? <button type="button" className="link" aria-label={`Delete scope tag ${t.displayName}`} onClick={() => { setPending({ what: `the scope tag ${t.displayName}`, path: `/deviceManagement/roleScopeTags/${t.id}`, words: 'A tag still carried by a role, an assignment or a device cannot be deleted.' }); }}>Delete</button> : null}
                </li>
              ))}
            </ul>
          </section>
        </>
      ) : data.loading ? <p role="status" className="muted">Loading…</p> : null}
      <ConfirmDialog open={pending !== undefined} danger title={`Delete ${pending?.what ?? ''}?`} confirmLabel="Delete" onConfirm={() => { void remove(); }} onCancel={() => { setPending(undefined); }}>
        <p>{pending?.words}</p>
      </ConfirmDialog>
    </section>
  );
}

function Checklist({ legend, items, chosen, setChosen }: { legend: string; items: { id: string; label: string }[]; chosen: string[]; setChosen: (v: string[]) => void }) {
  return (
    <fieldset>
      <legend>{legend}</legend>
      {items.length === 0 ? <p className="muted">None yet.</p> : null}
      <ul className="pick-list">
        {items.map((i) => (
          <li key={i.id}><label><input type="checkbox" checked={chosen.includes(i.id)} onChange={(e) => { setChosen(e.target.checked ? [...chosen, i.id] : chosen.filter((x) => x !== i.id)); }} /> {i.label}</label></li>
        ))}
      </ul>
    </fieldset>
  );
}

function CreateRole({ tags, onCreated }: { tags: Tag[]; onCreated: () => void }) {
  const ops = useData(() => graph<GraphCollection<Operation>>('GET', '/deviceManagement/resourceOperations'), []);
  const form = useForm({ displayName: '', description: '' });
  const [chosen, setChosen] = useState<string[]>([]);
  const [tagIds, setTagIds] = useState<string[]>([]);
  async function submit() {
    form.setError(undefined);
    try {
      await graph('POST', '/deviceManagement/roleDefinitions', {
        displayName: form.values.displayName, ...(form.values.description ? { description: form.values.description } : {}),
        rolePermissions: [{ resourceActions: [{ allowedResourceActions: chosen }] }],
        ...(tagIds.length > 0 ? { roleScopeTagIds: tagIds } : {}),
      });
      onCreated();
    } catch (e) { form.setError(e); }
  }
  const byResource = new Map<string, Operation[]>();
  for (const o of ops.data?.value ?? []) byResource.set(o.resourceName, [...(byResource.get(o.resourceName) ?? []), o]);
  return (
    <form className="card editor" aria-label="New custom role" onSubmit={(e) => { e.preventDefault(); void submit(); }}>
      <h3>New custom role</h3>
      <TextField form={form} name="displayName" label="Name" required />
      <TextField form={form} name="description" label="Description" />
      <ErrorText error={ops.error} />
      <fieldset>
        <legend>Permissions</legend>
        {[...byResource.entries()].map(([resource, list]) => (
          <fieldset key={resource} className="compact">
            <legend>{resource}</legend>
            {list.map((o) => (
              <label key={o.id} title={o.description}><input type="checkbox" checked={chosen.includes(o.id)} onChange={(e) => { setChosen(e.target.checked ? [...chosen, o.id] : chosen.filter((x) => x !== o.id)); }} /> {o.actionName}</label>
            ))}
          </fieldset>
        ))}
      </fieldset>
      <Checklist legend="Scope tags of the role" items={tags.map((t) => ({ id: t.id, label: t.displayName }))} chosen={tagIds} setChosen={setTagIds} />
      <FormError error={form.error} fields={['displayName', 'description']} />
      <button type="submit" className="primary">Create role</button>
    </form>
  );
}

/** A new role assignment, or changes to one (PATCH) when `existing` is given. */
function CreateAssignment({ existing, roleId, roles, tags, groups, onCreated, onCancel }: {
  existing?: Assignment; roleId?: string | undefined; roles: Role[]; tags: Tag[]; groups: Group[]; onCreated: () => void; onCancel?: () => void;
}) {
  const form = useForm({
    displayName: existing?.displayName ?? '', description: existing?.description ?? '',
    roleId: roleId ?? roles[0]?.id ?? '', scopeType: existing?.scopeType ?? 'allDevicesAndLicensedUsers',
  });
  const [members, setMembers] = useState<string[]>(existing?.members ?? []);
  const [scopes, setScopes] = useState<string[]>(existing?.resourceScopes ?? []);
  const [tagIds, setTagIds] = useState<string[]>(existing?.roleScopeTagIds.filter((t) => t !== '0') ?? []);
  const groupItems = groups.map((g) => ({ id: g.id, label: g.displayName }));
  async function submit() {
    form.setError(undefined);
    const scoped = form.values.scopeType === 'resourceScope';
    const body = {
      displayName: form.values.displayName, description: form.values.description === '' ? null : form.values.description,
      'roleDefinition@odata.bind': `${window.location.origin}/beta/deviceManagement/roleDefinitions('${String(form.values.roleId)}')`,
      members, scopeType: form.values.scopeType, resourceScopes: scoped ? scopes : [], roleScopeTagIds: tagIds.length > 0 ? tagIds : ['0'],
    };
    try {
      if (existing) await graph('PATCH', `/deviceManagement/roleAssignments/${existing.id}`, body);
      else await graph('POST', '/deviceManagement/roleAssignments', body);
      onCreated();
    } catch (e) { form.setError(e); }
  }
  const title = existing ? `Change the assignment ${existing.displayName}` : 'New role assignment';
  return (
    <form className="card editor" aria-label={title} onSubmit={(e) => { e.preventDefault(); void submit(); }}>
      <h3>{title}</h3>
      <TextField form={form} name="displayName" label="Name" required />
      <TextField form={form} name="description" label="Description" />
      <SelectField form={form} name="roleId" label="Role" options={roles.map((r) => [r.id, r.displayName] as const)} />
      <Checklist legend="Admins: members of these groups get the role" items={groupItems} chosen={members} setChosen={setMembers} />
      <SelectField form={form} name="scopeType" label="Scope: which users and devices they manage" options={SCOPE_TYPES} />
      {form.values.scopeType === 'resourceScope' ? <Checklist legend="Scope groups" items={groupItems} chosen={scopes} setChosen={setScopes} /> : null}
      <Checklist legend="Scope tags (none: Default)" items={tags.filter((t) => t.id !== '0').map((t) => ({ id: t.id, label: t.displayName }))} chosen={tagIds} setChosen={setTagIds} />
      <FormError error={form.error} fields={['displayName', 'description', 'scopeType']} />
      <div className="buttons">
        <button type="submit" className="primary">{existing ? 'Save assignment' : 'Create assignment'}</button>
        {onCancel ? <button type="button" onClick={onCancel}>Cancel</button> : null}
      </div>
    </form>
  );
}

function CreateTag({ onCreated }: { onCreated: () => void }) {
  const form = useForm({ displayName: '', description: '' });
  async function submit() {
    form.setError(undefined);
    try {
      await graph('POST', '/deviceManagement/roleScopeTags', { displayName: form.values.displayName, ...(form.values.description ? { description: form.values.description } : {}) });
      onCreated();
    } catch (e) { form.setError(e); }
  }
  return (
    <form className="card editor" aria-label="New scope tag" onSubmit={(e) => { e.preventDefault(); void submit(); }}>
      <TextField form={form} name="displayName" label="Tag name" required />
      <TextField form={form} name="description" label="Description" />
      <FormError error={form.error} fields={['displayName', 'description']} />
      <button type="submit" className="primary">Create scope tag</button>
    </form>
  );
}
