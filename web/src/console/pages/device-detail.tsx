// One device: hardware, OS, primary user, compliance per policy and per setting, configuration
// profile status, installed apps, action history, and remote actions.
import { Fragment, useState, type ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import { api, type GraphCollection } from '../../common/api.js';
import { PageHeader } from '../../common/layout.js';
import { Show, useLoad } from '../../common/load.js';
import { DeviceActions } from '../device-actions.js';
import { ACTION_NAME_WORDS, DEVICES, OWNER_WORDS, StateBadge, deviceLabel, formatBytes, formatDate, settingWords, stateWords, type ManagedDevice } from '../devices-model.js';

interface SettingState { setting: string; settingName: string | null; state: string; currentValue: string | null }
interface PolicyState { id: string; displayName: string; platformType: string; state: string; settingStates: SettingState[] }
interface ConfigurationState { id: string; displayName: string; platformType?: string; state: string; settingStates?: SettingState[] }
interface DetectedApp { id: string; displayName: string; version: string | null; sizeInByte: number }

function Facts(props: { rows: [string, ReactNode][] }) {
  return <dl className="facts">{props.rows.map(([k, v]) => <Fragment key={k}><dt>{k}</dt><dd>{v ?? '—'}</dd></Fragment>)}</dl>;
}

function Compliance(props: { id: string }) {
  const states = useLoad(() => api.all<PolicyState>(`${DEVICES}/${props.id}/deviceCompliancePolicyStates`), [props.id]);
  return (
    <section className="panel" aria-labelledby="compliance-h">
      <h2 id="compliance-h">Compliance</h2>
      <Show loaded={states} what="compliance">
        {(list) => list.length === 0 ? <p>No compliance policy applies to this device.</p> : (
          <>
            {list.map((p) => (
              <div key={p.id} className="policy-state">
                <h3>{p.displayName} <StateBadge state={p.state} /></h3>
                <div className="table-wrap">
                  <table>
                    <caption className="sr-only">Settings of {p.displayName}</caption>
                    <thead><tr><th scope="col">Setting</th><th scope="col">State</th><th scope="col">Device value</th></tr></thead>
                    <tbody>
                      {p.settingStates.map((s) => (
                        <tr key={s.setting}><td>{settingWords(s.settingName ?? s.setting)}</td><td><StateBadge state={s.state} /></td><td>{s.currentValue ?? '—'}</td></tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              </div>
            ))}
          </>
        )}
      </Show>
    </section>
  );
}

/** A profile's state on the device (Graph's complianceStatus: compliant means it succeeded). */
const PROFILE_STATES: Record<string, [string, string]> = {
  compliant: ['Succeeded', 'ok'], unknown: ['Pending', 'neutral'], pending: ['Pending', 'neutral'], error: ['Error', 'bad'],
  conflict: ['Conflict', 'bad'], notApplicable: ['Not applicable', 'neutral'], nonCompliant: ['Failed', 'bad'],
};
function ProfileBadge(props: { state: string }) {
  const [words, tone] = PROFILE_STATES[props.state] ?? [props.state, 'neutral'];
  return <span className={`badge ${tone}`} data-testid="profile-state">{words}</span>;
}

function Configuration(props: { id: string }) {
  const states = useLoad(() => api.all<ConfigurationState>(`${DEVICES}/${props.id}/deviceConfigurationStates`), [props.id]);
  return (
    <section className="panel" aria-labelledby="config-h">
      <h2 id="config-h">Configuration profiles</h2>
      <Show loaded={states} what="configuration profile status">
        {(list) => list.length === 0 ? <p>No configuration profile applies to this device.</p> : (
          <div className="table-wrap">
            <table>
              <caption className="sr-only">Configuration profiles</caption>
              <thead><tr><th scope="col">Profile</th><th scope="col">State</th><th scope="col">Settings with problems</th></tr></thead>
              <tbody>
                {list.map((c) => {
                  const problems = (c.settingStates ?? []).filter((x) => x.state === 'error' || x.state === 'conflict' || x.state === 'nonCompliant');
                  return (
                    <tr key={c.id}>
                      <td><Link to={`/configuration-profiles/${c.id}`}>{c.displayName}</Link></td><td><ProfileBadge state={c.state} /></td>
                      <td>{problems.length === 0 ? '—' : problems.map((x) => `${x.settingName ?? x.setting}: ${stateWords(x.state)}`).join('; ')}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </Show>
    </section>
  );
}

function Apps(props: { id: string }) {
  const [pages, setPages] = useState(1);
  const apps = useLoad(async () => {
    const out: DetectedApp[] = [];
    let next: string | undefined = `${DEVICES}/${props.id}/detectedApps?$top=50`;
    for (let i = 0; i < pages && next; i++) {
      const page: GraphCollection<DetectedApp> = await api.page<DetectedApp>(next);
      out.push(...page.value);
      next = page['@odata.nextLink'];
    }
    return { items: out, more: next !== undefined };
  }, [props.id, pages]);
  return (
    <section className="panel" aria-labelledby="apps-h">
      <h2 id="apps-h">Installed apps</h2>
      <Show loaded={apps} what="installed apps">
        {({ items, more }) => items.length === 0 ? <p>The device has not reported any apps yet.</p> : (
          <>
            <div className="table-wrap">
              <table>
                <caption className="sr-only">Installed apps</caption>
                <thead><tr><th scope="col">App</th><th scope="col">Version</th><th scope="col">Size</th></tr></thead>
                <tbody>{items.map((a) => <tr key={a.id}><td>{a.displayName}</td><td>{a.version ?? '—'}</td><td>{formatBytes(a.sizeInByte)}</td></tr>)}</tbody>
              </table>
            </div>
            {more && <div className="pager"><button type="button" onClick={() => setPages(pages + 1)}>Show more apps</button></div>}
          </>
        )}
      </Show>
    </section>
  );
}

export default function DeviceDetail() {
  const { id = '' } = useParams();
  const device = useLoad(() => api.get<ManagedDevice>(`${DEVICES}/${encodeURIComponent(id)}`), [id]);
  const title = device.status === 'ok' ? deviceLabel(device.data) : 'Device';
  return (
    <>
      <p><Link to="/devices">← All devices</Link></p>
      <PageHeader title={title} />
      <Show loaded={device} what="the device">
        {(d) => (
          <>
            <section className="panel" aria-labelledby="summary-h">
              <h2 id="summary-h" className="sr-only">Summary</h2>
              <p>Compliance: <StateBadge state={d.complianceState} /> · {d.operatingSystem ?? 'Unknown OS'} {d.osVersion ?? ''} · {OWNER_WORDS[d.managedDeviceOwnerType] ?? d.managedDeviceOwnerType} · last check-in {formatDate(d.lastSyncDateTime)}</p>
              <DeviceActions device={d} onDone={device.reload} />
            </section>
            <div className="grid">
              <section className="panel" aria-labelledby="hw-h">
                <h2 id="hw-h">Hardware</h2>
                <Facts rows={[
                  ['Model', d.model], ['Manufacturer', d.manufacturer], ['Serial number', d.serialNumber], ['IMEI', d.imei],
                  ['Wi-Fi MAC', d.wiFiMacAddress], ['Phone number', d.phoneNumber],
                  ['Storage', d.totalStorageSpaceInBytes ? `${formatBytes(d.freeStorageSpaceInBytes)} free of ${formatBytes(d.totalStorageSpaceInBytes)}` : '—'],
                  ['Memory', formatBytes(d.physicalMemoryInBytes)],
                  ['Encrypted', d.isEncrypted ? 'Yes' : 'No'], ['Supervised', d.isSupervised ? 'Yes' : 'No'], ['Jailbroken', d.jailBroken],
                ]} />
              </section>
              <section className="panel" aria-labelledby="os-h">
                <h2 id="os-h">Operating system and management</h2>
                <Facts rows={[
                  ['Operating system', d.operatingSystem], ['Version', d.osVersion],
                  ['Ownership', OWNER_WORDS[d.managedDeviceOwnerType] ?? d.managedDeviceOwnerType],
                  ['Enrollment', d.deviceEnrollmentType], ['Enrollment profile', d.enrollmentProfileName],
                  ['Enrolled', formatDate(d.enrolledDateTime)], ['Last check-in', formatDate(d.lastSyncDateTime)],
                  ['Management state', d.managementState],
                ]} />
              </section>
              <section className="panel" aria-labelledby="user-h">
                <h2 id="user-h">Primary user</h2>
                {d.userId ? (
                  <Facts rows={[
                    ['Name', d.userDisplayName], ['User name', d.userPrincipalName],
                    ['Help desk', <Link key="h" to={`/helpdesk?user=${encodeURIComponent(d.userId)}`}>Open in the help desk</Link>],
                  ]} />
                ) : <p>No primary user: the device was enrolled without one.</p>}
              </section>
            </div>
            <Compliance id={d.id} />
            <Configuration id={d.id} />
            <Apps id={d.id} />
            <section className="panel" aria-labelledby="history-h">
              <h2 id="history-h">Action history</h2>
              {(d.deviceActionResults ?? []).length === 0 ? <p>No remote action has been sent to this device.</p> : (
                <div className="table-wrap">
                  <table>
                    <caption className="sr-only">Remote actions, newest first</caption>
                    <thead><tr><th scope="col">Action</th><th scope="col">State</th><th scope="col">Started</th><th scope="col">Updated</th><th scope="col">Details</th></tr></thead>
                    <tbody>
                      {(d.deviceActionResults ?? []).map((a) => (
                        <tr key={`${a.actionName}-${a.startDateTime}`}>
                          <td>{ACTION_NAME_WORDS[a.actionName] ?? a.actionName}</td><td><StateBadge state={a.actionState} /></td>
                          <td>{formatDate(a.startDateTime)}</td><td>{formatDate(a.lastUpdatedDateTime)}</td>
                          <td>{a.failureReason ?? (a.unlockPin ? `Unlock PIN ${a.unlockPin}` : '')}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
            </section>
          </>
        )}
      </Show>
    </>
  );
}
