// Enrollment profiles (a Steward extension): create one, see its token once with a QR code of the
// enrollment link and the download link, replace the token, revoke it, delete the profile.
import { useEffect, useState } from 'react';
import QRCode from 'qrcode';
import { ConfirmDialog } from '../../common/dialog.js';
import { PageHeader } from '../../common/layout.js';
import {
  ErrorText, FormError, NumberField, SelectField, TextField, formatDate, graph, useCan, useData, useForm, type GraphCollection, TableWrap } from './admin-kit.js';

const BASE = '/deviceManagement/enrollmentProfiles';
const OP = 'Microsoft.Intune_AppleEnrollmentProfiles';

interface Profile {
  id: string; displayName: string; description: string | null; platform: 'iOS' | 'macOS' | 'windows10AndLater'; ownership: 'company' | 'personal';
  tokenExpirationDateTime: string | null; maximumUses: number | null; usageCount: number; isRevoked: boolean; revokedDateTime: string | null;
}
interface Issued extends Profile { tokenValue: string; enrollmentUrl: string }

const PLATFORMS = [['iOS', 'iOS/iPadOS'], ['macOS', 'macOS'], ['windows10AndLater', 'Windows 10 and later']] as const;
const platformWords = (p: string) => PLATFORMS.find(([v]) => v === p)?.[1] ?? p;

function stateWords(p: Profile): string {
  if (p.isRevoked) return `Revoked ${formatDate(p.revokedDateTime)}`;
  if (p.tokenExpirationDateTime && new Date(p.tokenExpirationDateTime).getTime() < Date.now()) return 'Expired';
  if (p.maximumUses !== null && p.usageCount >= p.maximumUses) return 'Used up';
  return 'Active';
}

type Pending = { kind: 'token' | 'revoke' | 'delete'; profile: Profile };

export default function EnrollmentProfilesPage() {
  const can = useCan();
  const list = useData(() => graph<GraphCollection<Profile>>('GET', BASE), []);
  const [creating, setCreating] = useState(false);
  const [issued, setIssued] = useState<Issued | undefined>();
  const [pending, setPending] = useState<Pending | undefined>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  async function act() {
    if (!pending) return;
    setBusy(true); setError(undefined);
    const { kind, profile } = pending;
    try {
      if (kind === 'token') setIssued(await graph<Issued>('POST', `${BASE}/${profile.id}/createToken`, {}));
      else if (kind === 'revoke') await graph('POST', `${BASE}/${profile.id}/revokeToken`, {});
      else await graph('DELETE', `${BASE}/${profile.id}`);
      list.reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false); setPending(undefined);
    }
  }

  const canUpdate = can(`${OP}_Update`);
  const canDelete = can(`${OP}_Delete`);
  return (
    <section>
      <PageHeader title="Enrollment profiles">
        {can(`${OP}_Create`) && !creating ? <button type="button" className="primary" onClick={() => { setCreating(true); setIssued(undefined); }}>New enrollment profile</button> : null}
      </PageHeader>
      <p>A profile's token lets a device enroll: an Apple device downloads its enrollment profile from the link; a Windows PC opens the <code>ms-device-enrollment:</code> link. The token is shown once, when it is made.</p>
      {creating ? <CreateForm onCancel={() => { setCreating(false); }} onCreated={(p) => { setCreating(false); setIssued(p); list.reload(); }} /> : null}
      {issued ? <TokenOnce issued={issued} onDismiss={() => { setIssued(undefined); }} /> : null}
      <ErrorText error={error} />
      <ErrorText error={list.error} />
      {list.loading && !list.data ? <p role="status">Loading…</p> : null}
      {list.data && list.data.value.length === 0 ? <p>No enrollment profiles yet.</p> : null}
      {list.data && list.data.value.length > 0 ? (
        <TableWrap label="Enrollment profiles">
          <table>
            <caption className="sr-only">Enrollment profiles</caption>
            <thead><tr><th scope="col">Name</th><th scope="col">Platform</th><th scope="col">Ownership</th><th scope="col">Uses</th><th scope="col">Expires</th><th scope="col">Token</th><th scope="col"><span className="sr-only">Actions</span></th></tr></thead>
            <tbody>
              {list.data.value.map((p) => (
                <tr key={p.id}>
                  <td>{p.displayName}{p.description ? <div className="muted">{p.description}</div> : null}</td>
                  <td>{platformWords(p.platform)}</td>
                  <td>{p.ownership === 'company' ? 'Corporate' : 'Personal'}</td>
                  <td>{p.usageCount}{p.maximumUses !== null ? ` of ${p.maximumUses}` : ''}</td>
                  <td>{p.tokenExpirationDateTime ? formatDate(p.tokenExpirationDateTime) : 'Never'}</td>
                  <td>{stateWords(p)}</td>
                  <td className="row-actions">
                    {canUpdate ? <button type="button" onClick={() => { setPending({ kind: 'token', profile: p }); }} aria-label={`New token for ${p.displayName}`}>New token</button> : null}
                    {canUpdate && !p.isRevoked ? <button type="button" onClick={() => { setPending({ kind: 'revoke', profile: p }); }} aria-label={`Revoke the token of ${p.displayName}`}>Revoke</button> : null}
                    {canDelete ? <button type="button" className="danger" onClick={() => { setPending({ kind: 'delete', profile: p }); }} aria-label={`Delete ${p.displayName}`}>Delete</button> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      ) : null}
      <ConfirmDialog open={pending !== undefined} busy={busy} danger={pending?.kind !== 'token'}
        title={pending?.kind === 'token' ? 'Make a new token?' : pending?.kind === 'revoke' ? 'Revoke the token?' : 'Delete the enrollment profile?'}
        confirmLabel={pending?.kind === 'token' ? 'Make a new token' : pending?.kind === 'revoke' ? 'Revoke' : 'Delete'}
        onConfirm={() => { void act(); }} onCancel={() => { setPending(undefined); }}>
        <p>
          {pending?.kind === 'token' ? `The current token of ${pending.profile.displayName} stops working at once, and the use count starts again.`
            : pending?.kind === 'revoke' ? `No new device can enroll with ${pending.profile.displayName} until a new token is made. Enrolled devices stay enrolled.`
              : `${pending?.profile.displayName ?? ''} and its token are deleted. Enrolled devices stay enrolled.`}
        </p>
      </ConfirmDialog>
    </section>
  );
}

function CreateForm({ onCreated, onCancel }: { onCreated: (p: Issued) => void; onCancel: () => void }) {
  const form = useForm({ displayName: '', description: '', platform: 'iOS', ownership: 'company', tokenExpirationDateTime: '', maximumUses: null });
  const [busy, setBusy] = useState(false);

  async function submit() {
    setBusy(true); form.setError(undefined);
    const v = form.values;
    try {
      const day = v.tokenExpirationDateTime;
      const expires = typeof day === 'string' && day !== '' ? new Date(`${day}T23:59:59`).toISOString() : null;
      onCreated(await graph<Issued>('POST', BASE, {
        displayName: v.displayName, platform: v.platform, ownership: v.ownership,
        ...(v.description ? { description: v.description } : {}),
        ...(expires ? { tokenExpirationDateTime: expires } : {}),
        ...(typeof v.maximumUses === 'number' ? { maximumUses: v.maximumUses } : {}),
      }));
    } catch (e) {
      form.setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="editor card" aria-label="New enrollment profile" onSubmit={(e) => { e.preventDefault(); void submit(); }}>
      <h2>New enrollment profile</h2>
      <TextField form={form} name="displayName" label="Name" required />
      <TextField form={form} name="description" label="Description" />
      <SelectField form={form} name="platform" label="Platform" options={PLATFORMS} />
      <SelectField form={form} name="ownership" label="Ownership of the devices" options={[['company', 'Corporate'], ['personal', 'Personal']]} />
      <TextField form={form} name="tokenExpirationDateTime" type="date" label="Token expires on (empty: never; at most a year)" />
      <NumberField form={form} name="maximumUses" label="Maximum number of enrollments (empty: no limit)" min={1} />
      <FormError error={form.error} fields={['displayName', 'description', 'platform', 'ownership', 'tokenExpirationDateTime', 'maximumUses']} />
      <div className="buttons">
        <button type="submit" className="primary" disabled={busy}>{busy ? 'Creating…' : 'Create'}</button>
        <button type="button" onClick={onCancel}>Cancel</button>
      </div>
    </form>
  );
}

/** The token and its link, shown this once, with a QR code of the link for a phone's camera. */
function TokenOnce({ issued, onDismiss }: { issued: Issued; onDismiss: () => void }) {
  const [qr, setQr] = useState<string | undefined>();
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    let live = true;
    QRCode.toDataURL(issued.enrollmentUrl, { margin: 1, width: 240, errorCorrectionLevel: 'M' }).then((url) => { if (live) setQr(url); }, () => { if (live) setQr(undefined); });
    return () => { live = false; };
  }, [issued.enrollmentUrl]);
  const apple = issued.platform !== 'windows10AndLater';
  return (
    <section className="card token-once" aria-labelledby="token-once-h" data-testid="token-once">
      <h2 id="token-once-h">Token for {issued.displayName}</h2>
      <p role="status"><strong>Copy it now: it is shown only this once.</strong> Steward keeps only a hash; make a new token if it is lost.</p>
      <dl className="facts">
        <dt>Token</dt><dd><code data-testid="token-value">{issued.tokenValue}</code></dd>
        <dt>{apple ? 'Enrollment profile download' : 'Enrollment link'}</dt>
        <dd><a href={issued.enrollmentUrl} data-testid="enrollment-url" {...(apple ? { download: true } : {})}>{issued.enrollmentUrl}</a></dd>
      </dl>
      {qr ? <img src={qr} width={240} height={240} alt={`QR code of the enrollment link for ${issued.displayName}`} data-testid="enrollment-qr" /> : null}
      <p>{apple ? 'On the iPhone, iPad or Mac, open the link (or scan the code with the camera), then install the downloaded profile in Settings.' : 'On the Windows PC, open the link; Windows asks to set up a work account.'}</p>
      <div className="buttons">
        <button type="button" onClick={() => { void navigator.clipboard?.writeText(issued.enrollmentUrl).then(() => { setCopied(true); }); }}>Copy link</button>
        <button type="button" onClick={onDismiss}>Done: hide the token</button>
        <span aria-live="polite">{copied ? ' Copied.' : ''}</span>
      </div>
    </section>
  );
}
