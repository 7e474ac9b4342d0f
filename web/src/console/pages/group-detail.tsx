// One group (/groups/:id): its properties, the membership rule of a dynamic group (the API's
// errors in words under the rule), its members (added and removed by hand for an assigned group)
// and delete.
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { withQuery } from '../../common/api.js';
import { ConfirmDialog } from '../../common/dialog.js';
import { PageHeader } from '../../common/layout.js';
import { ErrorText, Field, FormError, SelectField, TextField, graph, useCan, useData, useForm, type Bound, type GraphCollection } from './admin-kit.js';
import type { Group, User } from './directory-types.js';

interface Member { id: string; '@odata.type': string; displayName: string | null; userPrincipalName?: string; operatingSystem?: string }

const RULE_HINT = 'Entra\'s rule syntax, such as user.department -eq "Sales" -and user.accountEnabled -eq true, or device.deviceOSType -eq "iOS".';

/** The membership rule, with its error (which names the problem and its position) under it. */
export function RuleField({ form }: { form: Bound }) {
  const v = form.values.membershipRule;
  return (
    <Field label="Membership rule" name="membershipRule" error={form.error} hint={RULE_HINT}>
      {({ id, describedBy, invalid }) => (
        <textarea id={id} rows={3} className="code" spellCheck={false} value={typeof v === 'string' ? v : ''} disabled={form.disabled}
          aria-describedby={describedBy} aria-invalid={invalid || undefined} onChange={(e) => { form.set('membershipRule', e.target.value); }} />
      )}
    </Field>
  );
}

export default function GroupDetail({ id }: { id: string }) {
  const can = useCan();
  const navigate = useNavigate();
  const [tick, setTick] = useState(0);
  const group = useData(() => graph<Group>('GET', `/groups/${id}`), [id, tick]);
  const members = useData(() => graph<GraphCollection<Member>>('GET', `/groups/${id}/members?$top=999`), [id, tick]);
  const [confirm, setConfirm] = useState(false);
  const [error, setError] = useState<unknown>();
  const g = group.data;
  const dynamic = g?.groupTypes.includes('DynamicMembership') ?? false;
  const canUpdate = can('Microsoft.Intune_Groups_Update');

  async function removeMember(m: Member) {
    setError(undefined);
    try { await graph('DELETE', `/groups/${id}/members/${m.id}/$ref`); setTick((n) => n + 1); } catch (e) { setError(e); }
  }
  async function remove() {
    try { await graph('DELETE', `/groups/${id}`); void navigate('/groups'); } catch (e) { setError(e); setConfirm(false); }
  }

  return (
    <section>
      <PageHeader title={g?.displayName ?? 'Group'} />
      <p><Link to="/groups">← All groups</Link></p>
      <ErrorText error={group.error} />
      {g ? (
        <>
          <p>{dynamic ? 'Dynamic group: its members come from the rule and are recomputed whenever a user or device changes.' : 'Assigned group: members are added by hand.'}</p>
          <EditGroup key={`${g.id}-${tick}`} group={g} readOnly={!canUpdate} onSaved={() => { setTick((n) => n + 1); }} />
          <section aria-labelledby="members-h">
            <h2 id="members-h">Members {members.data ? `(${members.data.value.length})` : ''}</h2>
            <ErrorText error={members.error} />
            {!dynamic && canUpdate ? <AddMember groupId={id} onAdded={() => { setTick((n) => n + 1); }} /> : null}
            {members.data && members.data.value.length === 0 ? <p>No members{dynamic ? ' match the rule' : ''}.</p> : null}
            <ul className="member-list" data-testid="group-members">
              {(members.data?.value ?? []).map((m) => (
                <li key={m.id}>
                  {m['@odata.type'].endsWith('.user') ? <Link to={`/users/${m.id}`}>{m.displayName}</Link>
                    : m['@odata.type'].endsWith('.group') ? <Link to={`/groups/${m.id}`}>{m.displayName}</Link>
                      : <Link to={`/devices/${m.id}`}>{m.displayName}</Link>}
                  {' '}<span className="muted">{m.userPrincipalName ?? m.operatingSystem ?? (m['@odata.type'].endsWith('.group') ? 'group' : '')}</span>
                  {!dynamic && canUpdate ? <button type="button" className="link" aria-label={`Remove ${m.displayName ?? m.id} from the group`} onClick={() => { void removeMember(m); }}>Remove</button> : null}
                </li>
              ))}
            </ul>
          </section>
          <ErrorText error={error} />
          {can('Microsoft.Intune_Groups_Delete') ? <p><button type="button" className="danger" onClick={() => { setConfirm(true); }}>Delete group</button></p> : null}
          <ConfirmDialog open={confirm} danger title={`Delete ${g.displayName}?`} confirmLabel="Delete group" onConfirm={() => { void remove(); }} onCancel={() => { setConfirm(false); }}>
            <p>Policies, profiles and roles assigned to this group stop reaching its members.</p>
          </ConfirmDialog>
        </>
      ) : null}
    </section>
  );
}

function EditGroup({ group, readOnly, onSaved }: { group: Group; readOnly: boolean; onSaved: () => void }) {
  const dynamic = group.groupTypes.includes('DynamicMembership');
  const form = useForm({ displayName: group.displayName, description: group.description ?? '', membershipRule: group.membershipRule ?? '', membershipRuleProcessingState: group.membershipRuleProcessingState ?? 'On' });
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  const bound = { ...form, disabled: readOnly };
  async function submit() {
    setBusy(true); form.setError(undefined); setSaved(false);
    const v = form.values;
    try {
      await graph('PATCH', `/groups/${group.id}`, {
        displayName: v.displayName, description: v.description === '' ? null : v.description,
        ...(dynamic ? { membershipRule: v.membershipRule, membershipRuleProcessingState: v.membershipRuleProcessingState } : {}),
      });
      setSaved(true);
      onSaved();
    } catch (e) { form.setError(e); } finally { setBusy(false); }
  }
  return (
    <form className="editor" aria-label="Group properties" onSubmit={(e) => { e.preventDefault(); void submit(); }}>
      <h2>Properties</h2>
      <TextField form={bound} name="displayName" label="Name" required />
      <TextField form={bound} name="description" label="Description" />
      {dynamic ? (
        <>
          <RuleField form={bound} />
          <SelectField form={bound} name="membershipRuleProcessingState" label="Rule processing" options={[['On', 'On'], ['Paused', 'Paused: members stay as they are']]} />
        </>
      ) : null}
      <FormError error={form.error} fields={['displayName', 'description', 'membershipRule', 'membershipRuleProcessingState']} />
      {!readOnly ? (
        <div className="buttons">
          <button type="submit" className="primary" disabled={busy}>{busy ? 'Saving…' : 'Save changes'}</button>
          <span role="status">{saved ? 'Saved.' : ''}</span>
        </div>
      ) : <p className="muted">Your role allows reading this group, not changing it.</p>}
    </form>
  );
}

/** Finds users (or groups) by name and adds the one chosen. */
function AddMember({ groupId, onAdded }: { groupId: string; onAdded: () => void }) {
  const [text, setText] = useState('');
  const [found, setFound] = useState<(User | Group)[] | undefined>();
  const [error, setError] = useState<unknown>();
  async function find() {
    setError(undefined);
    const t = text.trim().replace(/["\\]/g, '');
    if (!t) return;
    try {
      const [users, groups] = await Promise.all([
        graph<GraphCollection<User>>('GET', withQuery('/users', { $top: 10, $search: `"displayName:${t}" OR "userPrincipalName:${t}"` })),
        graph<GraphCollection<Group>>('GET', withQuery('/groups', { $top: 5, $search: `"displayName:${t}"` })),
      ]);
      setFound([...users.value, ...groups.value.filter((g) => g.id !== groupId)]);
    } catch (e) { setError(e); }
  }
  async function add(id: string) {
    setError(undefined);
    try {
      await graph('POST', `/groups/${groupId}/members/$ref`, { '@odata.id': `${window.location.origin}/v1.0/directoryObjects/${id}` });
      setFound(undefined); setText('');
      onAdded();
    } catch (e) { setError(e); }
  }
  return (
    <div className="card">
      <form role="search" className="filters" onSubmit={(e) => { e.preventDefault(); void find(); }}>
        <div className="field">
          <label htmlFor="add-member">Add a member: user or group name</label>
          <input id="add-member" type="search" value={text} onChange={(e) => { setText(e.target.value); }} />
        </div>
        <div className="buttons"><button type="submit">Find</button></div>
      </form>
      <ErrorText error={error} />
      {found ? (found.length === 0 ? <p role="status">Nothing found.</p> : (
        <ul aria-label="Found">
          {found.map((o) => (
            <li key={o.id}>
              {o.displayName} <span className="muted">{'userPrincipalName' in o ? o.userPrincipalName : 'group'}</span>{' '}
              <button type="button" onClick={() => { void add(o.id); }} aria-label={`Add ${o.displayName}`}>Add</button>
            </li>
          ))}
        </ul>
      )) : null}
    </div>
  );
}
