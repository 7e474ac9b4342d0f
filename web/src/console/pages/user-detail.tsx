// One user (/users/:id): edit, licence (assignLicense), password reset, group memberships, devices
// and delete, each shown only when the admin's roles allow it.
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { ConfirmDialog } from '../../common/dialog.js';
import { PageHeader } from '../../common/layout.js';
import { CheckField, ErrorText, FormError, TextField, formatDate, graph, useCan, useData, useForm, type GraphCollection } from './admin-kit.js';
import { STEWARD_SKU, type User } from './directory-types.js';

interface Group { id: string; displayName: string; groupTypes: string[] }
interface Device { id: string; deviceName: string; operatingSystem: string; complianceState: string }

export default function UserDetail({ id }: { id: string }) {
  const can = useCan();
  const navigate = useNavigate();
  const user = useData(() => graph<User>('GET', `/users/${encodeURIComponent(id)}`), [id]);
  const groups = useData(() => graph<GraphCollection<Group>>('GET', `/users/${encodeURIComponent(id)}/memberOf`), [id]);
  const devices = useData(async () => (can('Microsoft.Intune_ManagedDevices_Read')
    ? graph<GraphCollection<Device>>('GET', `/users/${encodeURIComponent(id)}/managedDevices`) : { value: [] }), [id]);
  const [confirm, setConfirm] = useState(false);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string | undefined>();

  const u = user.data;
  const licensed = u?.assignedLicenses.some((l) => l.skuId === STEWARD_SKU) ?? false;

  async function toggleLicense() {
    setBusy(true); setError(undefined); setNotice(undefined);
    try {
      await graph('POST', `/users/${id}/assignLicense`, licensed
        ? { addLicenses: [], removeLicenses: [STEWARD_SKU] }
        : { addLicenses: [{ skuId: STEWARD_SKU, disabledPlans: [] }], removeLicenses: [] });
      setNotice(licensed ? 'Licence removed.' : 'Licence assigned: the user may enroll devices.');
      user.reload();
    } catch (e) { setError(e); } finally { setBusy(false); }
  }

  async function remove() {
    setBusy(true);
    try { await graph('DELETE', `/users/${id}`); void navigate('/users'); } catch (e) { setError(e); setConfirm(false); } finally { setBusy(false); }
  }

  return (
    <section>
      <PageHeader title={u?.displayName ?? 'User'} />
      <p><Link to="/users">← All users</Link></p>
      <ErrorText error={user.error} />
      {u ? (
        <>
          <p>{u.userPrincipalName} · created {formatDate(u.createdDateTime)} · {u.accountEnabled ? 'account enabled' : 'account disabled'}</p>
          <EditUser user={u} readOnly={!can('Microsoft.Intune_Users_Update')} onSaved={user.reload} />
          <section aria-labelledby="lic-h">
            <h2 id="lic-h">Licence</h2>
            <p data-testid="licence-state">{licensed ? 'Steward device management: assigned. The user may enroll devices.' : 'No licence: the user cannot enroll devices.'}</p>
            {can('Microsoft.Intune_Licenses_Assign') ? (
              <button type="button" onClick={() => { void toggleLicense(); }} disabled={busy}>{licensed ? 'Remove licence' : 'Assign licence'}</button>
            ) : null}
          </section>
          {can('Microsoft.Intune_Users_Update') ? <ResetPassword id={id} /> : null}
          <section aria-labelledby="grp-h">
            <h2 id="grp-h">Groups</h2>
            <ErrorText error={groups.error} />
            {groups.data && groups.data.value.length === 0 ? <p>Not a member of any group.</p> : null}
            <ul>{(groups.data?.value ?? []).map((g) => <li key={g.id}><Link to={`/groups/${g.id}`}>{g.displayName}</Link>{g.groupTypes.includes('DynamicMembership') ? ' (dynamic)' : ''}</li>)}</ul>
          </section>
          {can('Microsoft.Intune_ManagedDevices_Read') ? (
            <section aria-labelledby="dev-h">
              <h2 id="dev-h">Devices</h2>
              <ErrorText error={devices.error} />
              {devices.data && devices.data.value.length === 0 ? <p>No enrolled devices.</p> : null}
              <ul>{(devices.data?.value ?? []).map((d) => <li key={d.id}><Link to={`/devices/${d.id}`}>{d.deviceName}</Link> · {d.operatingSystem} · {d.complianceState}</li>)}</ul>
            </section>
          ) : null}
          <p role="status">{notice ?? ''}</p>
          <ErrorText error={error} />
          {can('Microsoft.Intune_Users_Delete') ? <p><button type="button" className="danger" onClick={() => { setConfirm(true); }}>Delete user</button></p> : null}
          <ConfirmDialog open={confirm} danger busy={busy} title={`Delete ${u.displayName}?`} confirmLabel="Delete user"
            onConfirm={() => { void remove(); }} onCancel={() => { setConfirm(false); }}>
            <p>The user can no longer sign in and leaves every group. Their devices stay enrolled without a primary user.</p>
          </ConfirmDialog>
        </>
      ) : null}
    </section>
  );
}

const EDITABLE = ['displayName', 'department', 'jobTitle', 'mail', 'mobilePhone', 'usageLocation'] as const;

function EditUser({ user, readOnly, onSaved }: { user: User; readOnly: boolean; onSaved: () => void }) {
  const initial: Record<string, unknown> = { accountEnabled: user.accountEnabled };
  for (const k of EDITABLE) initial[k] = user[k] ?? '';
  const form = useForm(initial);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  const bound = { ...form, disabled: readOnly };
  async function submit() {
    setBusy(true); form.setError(undefined); setSaved(false);
    const body: Record<string, unknown> = { accountEnabled: form.values.accountEnabled === true };
    for (const k of EDITABLE) {
      const v = form.values[k];
      body[k] = v === '' ? (k === 'displayName' ? '' : null) : k === 'usageLocation' ? String(v).toUpperCase() : v;
    }
    try { await graph('PATCH', `/users/${user.id}`, body); setSaved(true); onSaved(); } catch (e) { form.setError(e); } finally { setBusy(false); }
  }
  return (
    <form className="editor" aria-label="User properties" onSubmit={(e) => { e.preventDefault(); void submit(); }}>
      <h2>Properties</h2>
      <TextField form={bound} name="displayName" label="Display name" required />
      <TextField form={bound} name="department" label="Department" />
      <TextField form={bound} name="jobTitle" label="Job title" />
      <TextField form={bound} name="mail" label="E-mail" type="email" />
      <TextField form={bound} name="mobilePhone" label="Mobile phone" type="tel" />
      <TextField form={bound} name="usageLocation" label="Usage location (two-letter country code)" />
      <CheckField form={bound} name="accountEnabled" label="Account enabled (may sign in)" />
      <FormError error={form.error} fields={[...EDITABLE, 'accountEnabled']} />
      {!readOnly ? (
        <div className="buttons">
          <button type="submit" className="primary" disabled={busy}>{busy ? 'Saving…' : 'Save changes'}</button>
          <span role="status">{saved ? 'Saved.' : ''}</span>
        </div>
      ) : <p className="muted">Your role allows reading this user, not changing them.</p>}
    </form>
  );
}

function ResetPassword({ id }: { id: string }) {
  const form = useForm({ passwordProfile: '', force: true });
  const [done, setDone] = useState(false);
  async function submit() {
    form.setError(undefined); setDone(false);
    try {
      await graph('PATCH', `/users/${id}`, { passwordProfile: { password: form.values.passwordProfile, forceChangePasswordNextSignIn: form.values.force === true } });
      form.reset({ passwordProfile: '', force: true });
      setDone(true);
    } catch (e) { form.setError(e); }
  }
  return (
    <form className="editor" aria-label="Reset password" onSubmit={(e) => { e.preventDefault(); void submit(); }}>
      <h2>Reset password</h2>
      <TextField form={form} name="passwordProfile" label="New password" type="password" autoComplete="new-password" required />
      <CheckField form={form} name="force" label="Must change it at next sign-in" />
      <FormError error={form.error} fields={['passwordProfile']} />
      <div className="buttons"><button type="submit">Set password</button><span role="status">{done ? 'Password changed.' : ''}</span></div>
    </form>
  );
}
