// Remote action buttons for one device (device detail, help desk): only the actions the signed-in
// admin's roles grant and the device's platform supports; each behind a confirmation; the
// server's refusal shown in words.
import { useState } from 'react';
import { messageOf } from '../common/api.js';
import { ConfirmDialog } from '../common/dialog.js';
import { Notice } from '../common/load.js';
import { useSession } from '../common/session.js';
import { ACTIONS, appliesTo, deviceLabel, runAction, type ManagedDevice, type RemoteAction } from './devices-model.js';

export function DeviceActions(props: { device: ManagedDevice; only?: string[]; onDone?: () => void }) {
  const session = useSession();
  const [pending, setPending] = useState<RemoteAction>();
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ kind: 'error' | 'success'; text: string }>();
  const [message, setMessage] = useState('');
  const [phone, setPhone] = useState('');
  const [keepEnrollment, setKeepEnrollment] = useState(false);

  const offered = ACTIONS.filter((a) => (!props.only || props.only.includes(a.name)) && appliesTo(a, props.device) && session.can(a.permission));
  if (offered.length === 0) return null;
  const name = deviceLabel(props.device);

  async function confirm() {
    if (!pending) return;
    setBusy(true);
    try {
      const body = pending.name === 'remoteLock'
        ? { ...(message.trim() ? { message: message.trim() } : {}), ...(phone.trim() ? { phoneNumber: phone.trim() } : {}) }
        : pending.name === 'wipe' ? { keepEnrollmentData: keepEnrollment, keepUserData: false } : undefined;
      await runAction(props.device.id, pending.name, body && Object.keys(body).length > 0 ? body : undefined);
      setResult({ kind: 'success', text: `${pending.label} sent to ${name}: it happens when the device next checks in (Steward asks it to check in now).` });
      props.onDone?.();
    } catch (err) {
      setResult({ kind: 'error', text: `${pending.label} was refused: ${messageOf(err)}` });
    } finally {
      setBusy(false);
      setPending(undefined);
    }
  }

  return (
    <div className="device-actions">
      <div className="actions" role="group" aria-label={`Remote actions for ${name}`}>
        {offered.map((a) => (
          <button key={a.name} type="button" className={a.danger ? 'danger' : undefined} onClick={() => { setResult(undefined); setMessage(''); setPhone(''); setKeepEnrollment(false); setPending(a); }}>
            {a.label}
          </button>
        ))}
      </div>
      {result && <Notice kind={result.kind}>{result.text}</Notice>}
      <ConfirmDialog
        open={pending !== undefined}
        title={pending ? `${pending.label} ${name}?` : ''}
        confirmLabel={pending ? pending.label : 'OK'}
        danger={pending?.danger ?? false}
        busy={busy}
        onCancel={() => setPending(undefined)}
        onConfirm={() => { void confirm(); }}
      >
        <p>{pending?.explain}</p>
        {pending?.name === 'remoteLock' && (
          <>
            <label htmlFor="lock-message">Message on the lock screen (optional)</label>
            <input id="lock-message" value={message} maxLength={1000} onChange={(e) => setMessage(e.target.value)} />
            <label htmlFor="lock-phone">Phone number on the lock screen (optional)</label>
            <input id="lock-phone" type="tel" value={phone} maxLength={64} onChange={(e) => setPhone(e.target.value)} />
          </>
        )}
        {pending?.name === 'wipe' && (
          <label className="check"><input type="checkbox" checked={keepEnrollment} onChange={(e) => setKeepEnrollment(e.target.checked)} /> Keep the enrollment (the device re-enrolls after the wipe)</label>
        )}
      </ConfirmDialog>
    </div>
  );
}
