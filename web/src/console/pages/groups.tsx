// Groups: the list with search, a new assigned or dynamic group (the membership rule's errors in
// words under the rule), and /groups/:id for one group.
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { withQuery } from '../../common/api.js';
import { PageHeader } from '../../common/layout.js';
import { ErrorText, FormError, SelectField, TextField, graph, useCan, useForm, Pager, TableWrap, usePages } from './admin-kit.js';
import GroupDetail, { RuleField } from './group-detail.js';
import type { Group } from './directory-types.js';

export default function GroupsPage() {
  const { id } = useParams();
  return id ? <GroupDetail key={id} id={id} /> : <GroupList />;
}

function GroupList() {
  const can = useCan();
  const navigate = useNavigate();
  const [search, setSearch] = useState('');
  const [applied, setApplied] = useState('');
  const [creating, setCreating] = useState(false);

  const t = applied.trim().replace(/["\\]/g, '');
  const { page, error, pager, reset } = usePages<Group>(withQuery('/beta/groups', { $top: 50, $orderby: 'displayName', $search: t ? `"displayName:${t}" OR "description:${t}"` : undefined }));

  return (
    <section>
      <PageHeader title="Groups">
        {can('Microsoft.Intune_Groups_Create') ? <button type="button" className="primary" aria-expanded={creating} onClick={() => { setCreating(!creating); }}>New group</button> : null}
      </PageHeader>
      {creating ? <CreateGroup onCreated={(g) => { void navigate(`/groups/${g.id}`); }} onCancel={() => { setCreating(false); }} /> : null}
      <form role="search" className="filters" onSubmit={(e) => { e.preventDefault(); setApplied(search); reset(); }}>
        <div className="field">
          <label htmlFor="group-search">Search by name or description</label>
          <input id="group-search" type="search" value={search} onChange={(e) => { setSearch(e.target.value); }} />
        </div>
        <div className="buttons"><button type="submit">Search</button></div>
      </form>
      <ErrorText error={error} />
      {page ? (
        <>
          {page.value.length === 0 ? <p>No groups{applied ? ` match “${applied}”` : ' yet'}.</p> : (
            <TableWrap label="Groups">
              <table>
                <caption className="sr-only">Groups</caption>
                <thead><tr><th scope="col">Name</th><th scope="col">Membership</th><th scope="col">Description</th></tr></thead>
                <tbody>
                  {page.value.map((g) => (
                    <tr key={g.id}>
                      <td><Link to={`/groups/${g.id}`}>{g.displayName}</Link></td>
                      <td>{g.groupTypes.includes('DynamicMembership') ? `Dynamic${g.membershipRuleProcessingState === 'Paused' ? ' (paused)' : ''}` : 'Assigned'}</td>
                      <td>{g.description ?? '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          )}
          <Pager {...pager} />
        </>
      ) : !error ? <p role="status" className="muted">Loading groups…</p> : null}
    </section>
  );
}

function CreateGroup({ onCreated, onCancel }: { onCreated: (g: Group) => void; onCancel: () => void }) {
  const form = useForm({ displayName: '', description: '', membership: 'assigned', membershipRule: '' });
  const [busy, setBusy] = useState(false);
  const dynamic = form.values.membership === 'dynamic';
  async function submit() {
    setBusy(true); form.setError(undefined);
    const v = form.values;
    const nickname = String(v.displayName).toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'group';
    try {
      onCreated(await graph<Group>('POST', '/groups', {
        displayName: v.displayName, mailNickname: nickname, mailEnabled: false, securityEnabled: true,
        ...(v.description ? { description: v.description } : {}),
        ...(dynamic ? { groupTypes: ['DynamicMembership'], membershipRule: v.membershipRule, membershipRuleProcessingState: 'On' } : { groupTypes: [] }),
      }));
    } catch (e) { form.setError(e); } finally { setBusy(false); }
  }
  return (
    <form className="card editor" aria-label="New group" onSubmit={(e) => { e.preventDefault(); void submit(); }}>
      <h2>New group</h2>
      <TextField form={form} name="displayName" label="Name" required />
      <TextField form={form} name="description" label="Description" />
      <SelectField form={form} name="membership" label="Membership" options={[['assigned', 'Assigned: members added by hand'], ['dynamic', 'Dynamic: members from a rule']]} />
      {dynamic ? <RuleField form={form} /> : null}
      <FormError error={form.error} fields={['displayName', 'description', 'membershipRule', 'mailNickname']} />
      <div className="buttons">
        <button type="submit" className="primary" disabled={busy}>{busy ? 'Creating…' : 'Create group'}</button>
        <button type="button" onClick={onCancel}>Cancel</button>
      </div>
    </form>
  );
}
