// The self-service actions on one of the person's devices, each behind a confirmation that says
// what will happen; the server's refusal (a device that cannot) is shown in its words.
import { useState } from 'react';
import type { PortalActionName, PortalDevice } from '../../../src/shared/portal.js';
import { PORTAL_API_PATH } from '../../../src/shared/portal.js';
import { api, messageOf } from '../common/api.js';
import { ConfirmDialog } from '../common/dialog.js';
import { Notice } from '../common/load.js';
import { actionsFor } from './platform.js';

interface ActionText {
  button: string;
  title: (name: string) => string;
  confirm: string;
  danger: boolean;
  explain: string;
  sent: string;
}

const TEXT: Readonly<Record<PortalActionName, ActionText>> = {
  remoteLock: {
    button: 'Lock', title: (n) => `Lock ${n}?`, confirm: 'Lock', danger: false,
    explain: 'The screen locks the next time the device connects. You unlock it with its passcode (a Mac shows a PIN here to unlock it).',
    sent: 'Lock sent: the device locks when it next connects.',
  },
  resetPasscode: {
    button: 'Reset passcode', title: (n) => `Remove the passcode of ${n}?`, confirm: 'Remove passcode', danger: true,
    explain: 'The device\'s passcode is removed so that you can get in and set a new one. Until you do, anyone holding the device can open it.',
    sent: 'Passcode reset sent: set a new passcode on the device as soon as it is removed.',
  },
  setDeviceName: {
    button: 'Rename', title: (n) => `Rename ${n}`, confirm: 'Rename', danger: false,
    explain: 'The device gets the new name the next time it connects (a Windows PC after its next restart).',
    sent: 'Rename sent: the new name shows once the device has connected.',
  },
  retire: {
    button: 'Remove from management', title: (n) => `Remove ${n} from management?`, confirm: 'Remove', danger: true,
    explain: 'Your organization\'s apps, e-mail, Wi-Fi and settings are removed from the device and it is no longer managed. Your personal data stays. You may lose access to company resources on it.',
    sent: 'Removal sent: company data goes from the device when it next connects.',
  },
};

export function DeviceActions(props: { device: PortalDevice; name: string; onDone: () => void }) {
  const d = props.device;
  const can = actionsFor(d.operatingSystem);
  const [open, setOpen] = useState<PortalActionName | undefined>();
  const [busy, setBusy] = useState(false);
  const [newName, setNewName] = useState('');
  const [result, setResult] = useState<{ kind: 'error' | 'success'; text: string } | undefined>();
  const ended = d.managementState === 'retirePending' || d.managementState === 'retireIssued' || d.managementState === 'wipePending' || d.managementState === 'wipeIssued';
  if (ended) return <p className="muted">This device is being removed from management.</p>;

  const offered: PortalActionName[] = [
    ...(can.remoteLock ? ['remoteLock' as const] : []),
    ...(can.resetPasscode ? ['resetPasscode' as const] : []),
    'setDeviceName', 'retire',
  ];

  async function run(action: PortalActionName) {
    setBusy(true);
    setResult(undefined);
    try {
      await api.post(`${PORTAL_API_PATH}/me/managedDevices/${encodeURIComponent(d.id)}/${action}`, action === 'setDeviceName' ? { deviceName: newName.trim() } : undefined);
      setResult({ kind: 'success', text: TEXT[action].sent });
      setOpen(undefined);
      props.onDone();
    } catch (err) {
      setResult({ kind: 'error', text: messageOf(err) });
      setOpen(undefined);
    } finally {
      setBusy(false);
    }
  }

  const current = open ? TEXT[open] : undefined;
  const nameId = `new-name-${d.id}`;
  return (
    <div>
      <div className="actions" role="group" aria-label={`Actions for ${props.name}`}>
        {offered.map((a) => (
          <button key={a} type="button" className={TEXT[a].danger ? 'danger-outline' : undefined} onClick={() => { setNewName(a === 'setDeviceName' ? (d.deviceName ?? '') : ''); setOpen(a); }}>
            {TEXT[a].button}
          </button>
        ))}
      </div>
      {result && <Notice kind={result.kind}>{result.text}</Notice>}
      <ConfirmDialog
        open={open !== undefined}
        title={current ? current.title(props.name) : ''}
        confirmLabel={current?.confirm ?? ''}
        danger={current?.danger ?? false}
        busy={busy}
        confirmDisabled={open === 'setDeviceName' && newName.trim() === ''}
        onConfirm={() => { if (open) void run(open); }}
        onCancel={() => setOpen(undefined)}
      >
        <p>{current?.explain}</p>
        {open === 'setDeviceName' && (
          <>
            <label htmlFor={nameId}>New name</label>
            <input id={nameId} value={newName} maxLength={255} autoComplete="off" onChange={(e) => setNewName(e.target.value)} />
          </>
        )}
      </ConfirmDialog>
    </div>
  );
}
