// "My devices": each of the person's devices as a card: whether it is compliant and, when not,
// what to do in plain words (from the server's howToFix), the policies in detail, its recent
// actions, and the self-service actions behind a confirmation.
import { Link } from 'react-router';
import type { PortalDevice } from '../../../src/shared/portal.js';
import { PORTAL_API_PATH } from '../../../src/shared/portal.js';
import { api } from '../common/api.js';
import { PageHeader } from '../common/layout.js';
import { Show, useLoad } from '../common/load.js';
import { DeviceActions } from './device-actions.js';
import { PRODUCT } from './product.js';

const COMPLIANCE: Readonly<Record<PortalDevice['complianceState'], { label: string; tone: 'ok' | 'bad' | 'warn' | 'neutral' }>> = {
  compliant: { label: 'Compliant', tone: 'ok' },
  noncompliant: { label: 'Not compliant', tone: 'bad' },
  inGracePeriod: { label: 'Not compliant (grace period)', tone: 'warn' },
  unknown: { label: 'Checking…', tone: 'neutral' },
  conflict: { label: 'Conflicting policies', tone: 'warn' },
  error: { label: 'Error', tone: 'bad' },
  configManager: { label: 'Managed by Configuration Manager', tone: 'neutral' },
};

const ACTION_NAMES: Readonly<Record<string, string>> = {
  remoteLock: 'Lock', resetPasscode: 'Passcode reset', setDeviceName: 'Rename', retire: 'Removal from management',
  wipe: 'Erase', syncDevice: 'Sync', rebootNow: 'Restart', shutDown: 'Shut down',
  enableLostMode: 'Lost mode on', disableLostMode: 'Lost mode off', locateDevice: 'Locate',
};
const ACTION_STATES: Readonly<Record<string, string>> = {
  pending: 'waiting for the device', active: 'in progress', done: 'done', failed: 'failed', canceled: 'canceled', notSupported: 'not supported', none: '',
};

export const nameOf = (d: PortalDevice) => d.deviceName ?? d.model ?? `${d.operatingSystem ?? 'Unnamed'} device`;

function when(iso: string): string {
  const t = Date.parse(iso);
  return Number.isFinite(t) ? new Date(t).toLocaleString() : '—';
}

export function MyDevices() {
  const devices = useLoad((signal) => api.get<{ value: PortalDevice[] }>(`${PORTAL_API_PATH}/me/managedDevices`, { signal }).then((r) => r.value), []);
  return (
    <>
      <PageHeader title="My devices" product={PRODUCT}>
        <Link className="button" to="/enroll">Enroll a device</Link>
      </PageHeader>
      <Show loaded={devices} what="your devices">
        {(list) => list.length === 0
          ? (
            <div className="panel">
              <p>You have no enrolled devices yet.</p>
              <p><Link to="/enroll">Enroll this device</Link> to get your organization's apps, Wi-Fi and e-mail on it.</p>
            </div>
          )
          : <ul className="device-list">{list.map((d) => <li key={d.id}><DeviceCard device={d} onChanged={devices.reload} /></li>)}</ul>}
      </Show>
    </>
  );
}

function DeviceCard(props: { device: PortalDevice; onChanged: () => void }) {
  const d = props.device;
  const compliance = COMPLIANCE[d.complianceState];
  const headingId = `device-${d.id}`;
  const latest = d.deviceActionResults.slice(0, 4);
  return (
    <article className="panel device-card" aria-labelledby={headingId}>
      <div className="device-head">
        <h2 id={headingId}>{nameOf(d)}</h2>
        <span className={`badge ${compliance.tone}`}>{compliance.label}</span>
      </div>
      <dl className="facts">
        <dt>System</dt><dd>{[d.operatingSystem, d.osVersion].filter(Boolean).join(' ') || 'Not reported yet'}</dd>
        <dt>Model</dt><dd>{d.model ?? 'Not reported yet'}</dd>
        {d.serialNumber && <><dt>Serial number</dt><dd>{d.serialNumber}</dd></>}
        <dt>Owner</dt><dd>{d.managedDeviceOwnerType === 'company' ? 'Company' : d.managedDeviceOwnerType === 'personal' ? 'Personal' : 'Unknown'}</dd>
        <dt>Last check-in</dt><dd>{when(d.lastSyncDateTime)}</dd>
      </dl>

      {d.howToFix.length > 0 && (
        <section className="fixes" aria-labelledby={`${headingId}-fix`}>
          <h3 id={`${headingId}-fix`}>What to fix</h3>
          <ol>{d.howToFix.map((f) => <li key={f}>{f}</li>)}</ol>
        </section>
      )}

      {d.deviceCompliancePolicyStates.length > 0 && (
        <details className="policies">
          <summary>Compliance policies ({d.deviceCompliancePolicyStates.length})</summary>
          <ul>
            {d.deviceCompliancePolicyStates.map((p) => (
              <li key={p.id}>
                <strong>{p.displayName}</strong>: {p.state === 'nonCompliant' ? 'not met' : p.state === 'compliant' ? 'met' : p.state === 'unknown' ? 'waiting for the device' : 'does not apply'}
                <ul>
                  {p.settingStates.filter((s) => s.state !== 'notApplicable').map((s) => (
                    <li key={s.setting}>
                      {s.state === 'compliant' ? 'OK' : s.state === 'nonCompliant' ? 'Not met' : 'Waiting'}: {s.howToFix ?? s.settingName.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase()}
                      {s.state === 'nonCompliant' && s.currentValue !== null && <span className="muted"> (the device reports {s.currentValue})</span>}
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
        </details>
      )}

      {latest.length > 0 && (
        <section aria-labelledby={`${headingId}-actions`}>
          <h3 id={`${headingId}-actions`}>Recent actions</h3>
          <ul className="action-results">
            {latest.map((a) => (
              <li key={a.actionName} data-testid={`action-${a.actionName}`}>
                {ACTION_NAMES[a.actionName] ?? a.actionName}: {ACTION_STATES[a.actionState] ?? a.actionState}
                {a.failureReason && <> — {a.failureReason}</>}
                {a.unlockPin && <> — unlock PIN <code>{a.unlockPin}</code></>}
                <span className="muted"> ({when(a.lastUpdatedDateTime)})</span>
              </li>
            ))}
          </ul>
        </section>
      )}

      <DeviceActions device={d} name={nameOf(d)} onDone={props.onChanged} />
    </article>
  );
}
