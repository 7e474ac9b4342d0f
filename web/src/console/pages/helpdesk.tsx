// The help desk: find a person, see their devices with compliance (what fails, in words) and
// recent actions, and lock, reset the passcode or sync from one place.
import { useEffect, useId, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, odataString, withQuery } from '../../common/api.js';
import { PageHeader } from '../../common/layout.js';
import { Show, useLoad } from '../../common/load.js';
import { useSession } from '../../common/session.js';
import { DeviceActions } from '../device-actions.js';
import { ACTION_NAME_WORDS, DEVICES, StateBadge, deviceLabel, formatDate, settingWords, type ManagedDevice } from '../devices-model.js';

interface User { id: string; displayName: string; userPrincipalName: string; mail?: string | null; jobTitle?: string | null; accountEnabled?: boolean }
interface PolicyState { id: string; displayName: string; state: string; settingStates: { setting: string; settingName: string | null; state: string; currentValue: string | null }[] }

function Failing(props: { deviceId: string }) {
  const states = useLoad(() => api.all<PolicyState>(`${DEVICES}/${props.deviceId}/deviceCompliancePolicyStates`), [props.deviceId]);
  return (
    <Show loaded={states} what="compliance">
      {(list) => {
        const failing = list.flatMap((p) => p.settingStates.filter((s) => s.state !== 'compliant' && s.state !== 'notApplicable').map((s) => ({ policy: p.displayName, ...s })));
        if (failing.length === 0) return null;
        return (
          <ul className="failures" aria-label="What to fix">
            {failing.map((f) => <li key={`${f.policy}-${f.setting}`}>{f.policy}: {settingWords(f.settingName ?? f.setting)} is {f.state === 'nonCompliant' || f.state === 'noncompliant' ? 'not compliant' : f.state}{f.currentValue ? ` (device has ${f.currentValue})` : ''}</li>)}
          </ul>
        );
      }}
    </Show>
  );
}

/**
 * People whose name or user name starts with (devices: contains) `q`. With Users_Read, from the
 * directory; without it (a Help Desk Operator), from the primary users of the devices they see.
 */
async function findPeople(q: string, canReadUsers: boolean): Promise<User[] | undefined> {
  if (!q.trim()) return undefined;
  const s = odataString(q.trim());
  if (canReadUsers) {
    return (await api.page<User>(withQuery('/v1.0/users', { $filter: `startswith(displayName,${s}) or startswith(userPrincipalName,${s}) or startswith(mail,${s})`, $top: 20 }))).value;
  }
  const devices = await api.page<ManagedDevice>(withQuery(DEVICES, {
    $filter: `userId ne null and (contains(userDisplayName,${s}) or contains(userPrincipalName,${s}))`, $select: 'id,userId,userDisplayName,userPrincipalName', $top: 200,
  }));
  const people = new Map<string, User>();
  for (const d of devices.value) {
    if (d.userId && !people.has(d.userId)) people.set(d.userId, { id: d.userId, displayName: d.userDisplayName ?? d.userPrincipalName ?? d.userId, userPrincipalName: d.userPrincipalName ?? '' });
  }
  return [...people.values()].slice(0, 20);
}

function UserDevice(props: { id: string }) {
  const device = useLoad(() => api.get<ManagedDevice>(`${DEVICES}/${props.id}`), [props.id]);
  return (
    <Show loaded={device} what="the device">
      {(d) => (
        <article className="panel" aria-labelledby={`dev-${d.id}`}>
          <h3 id={`dev-${d.id}`}><Link to={`/devices/${d.id}`}>{deviceLabel(d)}</Link> <StateBadge state={d.complianceState} /></h3>
          <p className="muted">{d.operatingSystem ?? 'Unknown OS'} {d.osVersion ?? ''} · {d.model ?? ''} · serial {d.serialNumber ?? '—'} · last check-in {formatDate(d.lastSyncDateTime)}</p>
          {d.complianceState === 'noncompliant' && <Failing deviceId={d.id} />}
          <DeviceActions device={d} only={['remoteLock', 'resetPasscode', 'syncDevice']} onDone={device.reload} />
          {(d.deviceActionResults ?? []).length > 0 && (
            <>
              <h4 className="small-heading">Recent actions</h4>
              <ul>
                {(d.deviceActionResults ?? []).slice(0, 5).map((a) => (
                  <li key={`${a.actionName}-${a.startDateTime}`}>{ACTION_NAME_WORDS[a.actionName] ?? a.actionName}: <StateBadge state={a.actionState} /> {formatDate(a.lastUpdatedDateTime)}{a.failureReason ? `: ${a.failureReason}` : ''}</li>
                ))}
              </ul>
            </>
          )}
        </article>
      )}
    </Show>
  );
}

function Person(props: { id: string }) {
  const session = useSession();
  const canReadUsers = session.can('Microsoft.Intune_Users_Read');
  const devices = useLoad(() => api.all<ManagedDevice>(`/v1.0/users/${encodeURIComponent(props.id)}/managedDevices?$select=id,userDisplayName,userPrincipalName`), [props.id]);
  // Without Users_Read, the person's names come from their devices.
  const user = useLoad(async (): Promise<User> => {
    if (canReadUsers) return api.get<User>(`/v1.0/users/${encodeURIComponent(props.id)}`);
    const [d] = await api.all<ManagedDevice>(`/v1.0/users/${encodeURIComponent(props.id)}/managedDevices?$select=id,userDisplayName,userPrincipalName&$top=1`, { max: 1 });
    return { id: props.id, displayName: d?.userDisplayName ?? d?.userPrincipalName ?? 'Unknown person', userPrincipalName: d?.userPrincipalName ?? '' };
  }, [props.id, canReadUsers]);
  return (
    <section aria-labelledby="person-h">
      <Show loaded={user} what="the person">
        {(u) => (
          <div className="panel">
            <h2 id="person-h">{u.displayName}</h2>
            <p>{u.userPrincipalName}{u.jobTitle ? ` · ${u.jobTitle}` : ''}{u.accountEnabled === false ? ' · account disabled' : ''}</p>
          </div>
        )}
      </Show>
      <Show loaded={devices} what="their devices">
        {(list) => list.length === 0 ? <p>This person has no managed devices.</p> : (
          <>
            <h2>Devices ({list.length})</h2>
            {list.map((d) => <UserDevice key={d.id} id={d.id} />)}
          </>
        )}
      </Show>
    </section>
  );
}

export default function Helpdesk() {
  const [params, setParams] = useSearchParams();
  const userId = params.get('user') ?? '';
  const [text, setText] = useState(params.get('q') ?? '');
  const q = params.get('q') ?? '';
  const inputId = useId();
  const session = useSession();
  const canReadUsers = session.can('Microsoft.Intune_Users_Read');
  const results = useLoad(() => findPeople(q, canReadUsers), [q, canReadUsers]);
  useEffect(() => { setText(q); }, [q]);

  return (
    <>
      <PageHeader title="Help desk" />
      <form className="panel" role="search" aria-label="People search" onSubmit={(e) => { e.preventDefault(); setParams(text.trim() ? { q: text.trim() } : {}); }}>
        <div className="inline-fields">
          <div>
            <label htmlFor={inputId}>Find a person</label>
            <input id={inputId} type="search" placeholder="Start of the name or user name" value={text} onChange={(e) => setText(e.target.value)} />
          </div>
          <div className="fit"><button type="submit" className="primary">Find</button></div>
        </div>
      </form>
      {q && (
        <Show loaded={results} what="people">
          {(list) => !list || list.length === 0 ? <p role="status">Nobody matches “{q}”.</p> : (
            <section aria-label="People found">
              <ul className="people">
                {list.map((u) => (
                  <li key={u.id}>
                    <button type="button" className="link" aria-current={u.id === userId ? 'true' : undefined} onClick={() => setParams({ q, user: u.id })}>{u.displayName}</button>
                    <span className="muted"> {u.userPrincipalName}</span>
                  </li>
                ))}
              </ul>
            </section>
          )}
        </Show>
      )}
      {userId && <Person key={userId} id={userId} />}
    </>
  );
}
