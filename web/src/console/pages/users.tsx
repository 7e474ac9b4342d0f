// Users: search and page through them, create one (with the API's validation errors next to the
// field named), import many from CSV with progress; /users/:id is the user's own page.
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { withQuery } from '../../common/api.js';
import { PageHeader } from '../../common/layout.js';
import { CheckField, ErrorText, FormError, TextField, graph, useCan, useForm, Pager, TableWrap, usePages } from './admin-kit.js';
import { UserImport } from './user-import.js';
import UserDetail from './user-detail.js';
import { STEWARD_SKU, type User } from './directory-types.js';


export default function UsersPage() {
  const { id } = useParams();
  return id ? <UserDetail key={id} id={id} /> : <UserList />;
}

function searchOf(text: string): string | undefined {
  const t = text.trim().replace(/["\\]/g, '');
  return t ? `"displayName:${t}" OR "userPrincipalName:${t}" OR "mail:${t}"` : undefined;
}

function UserList() {
  const can = useCan();
  const [search, setSearch] = useState('');
  const [applied, setApplied] = useState('');
  const [panel, setPanel] = useState<'none' | 'create' | 'import'>('none');
  const [tick, setTick] = useState(0);
  const { page, error, pager, reset } = usePages<User>(withQuery('/beta/users', { $top: 25, $orderby: 'displayName', $count: 'true', $search: searchOf(applied) }), tick);

  return (
    <section>
      <PageHeader title="Users">
        {can('Microsoft.Intune_Users_Create') ? (
          <>
            <button type="button" className="primary" aria-expanded={panel === 'create'} onClick={() => { setPanel(panel === 'create' ? 'none' : 'create'); }}>New user</button>
            <button type="button" aria-expanded={panel === 'import'} onClick={() => { setPanel(panel === 'import' ? 'none' : 'import'); }}>Import CSV</button>
          </>
        ) : null}
      </PageHeader>
      {panel === 'create' ? <CreateUser onCreated={() => { setPanel('none'); setTick((n) => n + 1); }} onCancel={() => { setPanel('none'); }} /> : null}
      {panel === 'import' ? <UserImport onDone={() => { setTick((n) => n + 1); }} /> : null}
      <form role="search" className="filters" onSubmit={(e) => { e.preventDefault(); setApplied(search); reset(); }}>
        <div className="field">
          <label htmlFor="user-search">Search by name, user name or e-mail</label>
          <input id="user-search" type="search" value={search} onChange={(e) => { setSearch(e.target.value); }} />
        </div>
        <div className="buttons"><button type="submit">Search</button></div>
      </form>
      <ErrorText error={error} />
      {page ? (
        <>
          <p role="status" className="muted">{page['@odata.count'] ?? page.value.length} user{page['@odata.count'] === 1 ? '' : 's'}{applied ? ` match “${applied}”` : ''}.</p>
          <TableWrap label="Users">
            <table>
              <caption className="sr-only">Users</caption>
              <thead><tr><th scope="col">Name</th><th scope="col">User name</th><th scope="col">Department</th><th scope="col">Licensed</th><th scope="col">Account</th></tr></thead>
              <tbody>
                {page.value.map((u) => (
                  <tr key={u.id}>
                    <td><Link to={`/users/${u.id}`}>{u.displayName}</Link></td>
                    <td>{u.userPrincipalName}</td>
                    <td>{u.department ?? '—'}</td>
                    <td>{u.assignedLicenses.some((l) => l.skuId === STEWARD_SKU) ? 'Yes' : 'No'}</td>
                    <td>{u.accountEnabled ? 'Enabled' : 'Disabled'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
          <Pager {...pager} />
        </>
      ) : !error ? <p role="status" className="muted">Loading users…</p> : null}
    </section>
  );
}

function CreateUser({ onCreated, onCancel }: { onCreated: () => void; onCancel: () => void }) {
  const form = useForm({ displayName: '', userPrincipalName: '', passwordProfile: '', forceChange: true, accountEnabled: true, department: '', jobTitle: '', usageLocation: '' });
  const [busy, setBusy] = useState(false);
  async function submit() {
    setBusy(true); form.setError(undefined);
    const v = form.values;
    const upn = String(v.userPrincipalName);
    try {
      await graph('POST', '/users', {
        displayName: v.displayName, userPrincipalName: upn, accountEnabled: v.accountEnabled === true,
        mailNickname: upn.split('@')[0]?.replace(/[^A-Za-z0-9._-]/g, '') || 'user',
        passwordProfile: { password: v.passwordProfile, forceChangePasswordNextSignIn: v.forceChange === true },
        ...(v.department ? { department: v.department } : {}),
        ...(v.jobTitle ? { jobTitle: v.jobTitle } : {}),
        ...(typeof v.usageLocation === 'string' && v.usageLocation ? { usageLocation: v.usageLocation.toUpperCase() } : {}),
      });
      onCreated();
    } catch (e) {
      // The password is in passwordProfile: its errors are shown on the password field.
      form.setError(e);
    } finally {
      setBusy(false);
    }
  }
  return (
    <form className="card editor" aria-label="New user" onSubmit={(e) => { e.preventDefault(); void submit(); }}>
      <h2>New user</h2>
      <TextField form={form} name="displayName" label="Display name" required />
      <TextField form={form} name="userPrincipalName" label="User name (user@domain)" required autoComplete="off" />
      <TextField form={form} name="passwordProfile" label="Initial password" type="password" required autoComplete="new-password" hint="Checked against the password policy." />
      <CheckField form={form} name="forceChange" label="Must change the password at first sign-in" />
      <CheckField form={form} name="accountEnabled" label="Account enabled" />
      <TextField form={form} name="department" label="Department" />
      <TextField form={form} name="jobTitle" label="Job title" />
      <TextField form={form} name="usageLocation" label="Usage location (two-letter country code)" />
      <FormError error={form.error} fields={['displayName', 'userPrincipalName', 'passwordProfile', 'department', 'jobTitle', 'usageLocation', 'mailNickname']} />
      <div className="buttons">
        <button type="submit" className="primary" disabled={busy}>{busy ? 'Creating…' : 'Create user'}</button>
        <button type="button" onClick={onCancel}>Cancel</button>
      </div>
    </form>
  );
}
