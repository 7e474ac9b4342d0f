// Parts shared by compliance policies and configuration profiles: the list, the assignment editor
// (groups, all devices, all licensed users, excluded groups; Graph's assign action) and the device
// status panel (deviceStatusOverview and deviceStatuses).
import { useEffect, useId, useState, type ComponentType } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { PageHeader } from '../../common/layout.js';
import { ErrorText, graph, graphAll, formatDate, useData, type GraphCollection, TableWrap } from './admin-kit.js';

interface Target { '@odata.type': string; groupId?: string }
interface Assignment { id?: string; target: Target }
interface Group { id: string; displayName: string }

const ALL_DEVICES = '#microsoft.graph.allDevicesAssignmentTarget';
const ALL_USERS = '#microsoft.graph.allLicensedUsersAssignmentTarget';
const GROUP = '#microsoft.graph.groupAssignmentTarget';
const EXCLUDE = '#microsoft.graph.exclusionGroupAssignmentTarget';

const kindOf = (t: Target) => t['@odata.type'].replace(/^#?/, '#');

/** Where a policy or profile is assigned, and the form that replaces its assignments. */
export function AssignmentsEditor({ basePath, id, canAssign, onSaved }: { basePath: string; id: string; canAssign: boolean; onSaved?: () => void }) {
  const formId = useId();
  const current = useData(() => graph<GraphCollection<Assignment>>('GET', `${basePath}/${id}/assignments`), [basePath, id]);
  const groups = useData(() => graphAll<Group>('/groups?$top=999&$select=id,displayName'), []);
  const [allDevices, setAllDevices] = useState(false);
  const [allUsers, setAllUsers] = useState(false);
  const [include, setInclude] = useState<string[]>([]);
  const [exclude, setExclude] = useState<string[]>([]);
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const list = current.data?.value ?? [];
    setAllDevices(list.some((a) => kindOf(a.target) === ALL_DEVICES));
    setAllUsers(list.some((a) => kindOf(a.target) === ALL_USERS));
    setInclude(list.filter((a) => kindOf(a.target) === GROUP).map((a) => a.target.groupId ?? ''));
    setExclude(list.filter((a) => kindOf(a.target) === EXCLUDE).map((a) => a.target.groupId ?? ''));
  }, [current.data]);

  const name = (gid: string) => groups.data?.find((g) => g.id === gid)?.displayName ?? gid;

  async function save() {
    setBusy(true); setError(undefined); setSaved(false);
    const assignments: Assignment[] = [
      ...(allDevices ? [{ target: { '@odata.type': ALL_DEVICES } }] : []),
      ...(allUsers ? [{ target: { '@odata.type': ALL_USERS } }] : []),
      ...include.map((groupId) => ({ target: { '@odata.type': GROUP, groupId } })),
      ...exclude.map((groupId) => ({ target: { '@odata.type': EXCLUDE, groupId } })),
    ];
    try {
      await graph('POST', `${basePath}/${id}/assign`, { assignments });
      setSaved(true);
      current.reload();
      onSaved?.();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  const groupList = (label: string, chosen: string[], setChosen: (v: string[]) => void, testId: string) => (
    <fieldset data-testid={testId}>
      <legend>{label}</legend>
      {groups.error ? <ErrorText error={groups.error} /> : null}
      {(groups.data ?? []).length === 0 && !groups.loading ? <p>No groups yet.</p> : null}
      <ul className="pick-list">
        {(groups.data ?? []).map((g) => (
          <li key={g.id}>
            <label>
              <input type="checkbox" checked={chosen.includes(g.id)} disabled={!canAssign}
                onChange={(e) => { setChosen(e.target.checked ? [...chosen, g.id] : chosen.filter((x) => x !== g.id)); }} />
              {' '}{g.displayName}
            </label>
          </li>
        ))}
      </ul>
    </fieldset>
  );

  return (
    <section aria-labelledby={`${formId}-h`}>
      <h3 id={`${formId}-h`}>Assignments</h3>
      <ErrorText error={current.error} />
      <p data-testid="assignment-summary">
        {current.loading ? 'Loading…' : (current.data?.value.length ?? 0) === 0 ? 'Not assigned.' : (current.data?.value ?? []).map((a) => {
          const k = kindOf(a.target);
          if (k === ALL_DEVICES) return 'All devices';
          if (k === ALL_USERS) return 'All licensed users';
          if (k === EXCLUDE) return `Excluding ${name(a.target.groupId ?? '')}`;
          return name(a.target.groupId ?? '');
        }).join(', ')}
      </p>
      {canAssign ? (
        <form className="editor" aria-label="Change the assignments" onSubmit={(e) => { e.preventDefault(); void save(); }}>
          <fieldset>
            <legend>Include</legend>
            <label><input type="checkbox" checked={allDevices} onChange={(e) => { setAllDevices(e.target.checked); }} /> All devices</label>
            <label><input type="checkbox" checked={allUsers} onChange={(e) => { setAllUsers(e.target.checked); }} /> All licensed users</label>
          </fieldset>
          {groupList('Include groups', include, setInclude, 'include-groups')}
          {groupList('Exclude groups (exclusion wins)', exclude, setExclude, 'exclude-groups')}
          <ErrorText error={error} />
          <button type="submit" className="primary" disabled={busy}>{busy ? 'Saving…' : 'Save assignments'}</button>
          <span aria-live="polite">{saved ? ' Assignments saved.' : ''}</span>
        </form>
      ) : <p className="muted">You can see the assignments; your role does not allow changing them.</p>}
    </section>
  );
}

interface Overview { pendingCount: number; notApplicableCount: number; successCount: number; errorCount: number; failedCount: number; conflictCount?: number; lastUpdateDateTime?: string }
interface DeviceStatus { id: string; deviceDisplayName: string | null; userPrincipalName: string | null; status: string; lastReportedDateTime: string | null; deviceModel?: string | null }

const STATUS_WORDS: Record<string, string> = {
  compliant: 'Compliant', nonCompliant: 'Not compliant', noncompliant: 'Not compliant', unknown: 'Pending', notApplicable: 'Not applicable',
  inGracePeriod: 'In grace period', error: 'Error', conflict: 'Conflict', succeeded: 'Succeeded', failed: 'Failed', pending: 'Pending',
};
export const statusWords = (s: string) => STATUS_WORDS[s] ?? s;

/** Counts per status and the device list; `words` names each status (default: statusWords). */
export function DeviceStatusPanel({ basePath, id, refreshKey = 0, words = statusWords }: { basePath: string; id: string; refreshKey?: number; words?: (status: string) => string }) {
  const headingId = useId();
  const data = useData(async () => {
    const [overview, statuses] = await Promise.all([
      graph<Overview>('GET', `${basePath}/${id}/deviceStatusOverview`),
      graph<GraphCollection<DeviceStatus>>('GET', `${basePath}/${id}/deviceStatuses`),
    ]);
    return { overview, statuses: statuses.value };
  }, [basePath, id, refreshKey]);

  const o = data.data?.overview;
  return (
    <section aria-labelledby={headingId}>
      <h3 id={headingId}>Device status <button type="button" className="link" onClick={data.reload}>Refresh</button></h3>
      <ErrorText error={data.error} />
      {o ? (
        <dl className="counts" data-testid="status-overview">
          <div><dt>Succeeded / compliant</dt><dd data-testid="count-success">{o.successCount}</dd></div>
          <div><dt>Failed / not compliant</dt><dd data-testid="count-failed">{o.failedCount}</dd></div>
          <div><dt>Pending</dt><dd>{o.pendingCount}</dd></div>
          <div><dt>Not applicable</dt><dd>{o.notApplicableCount}</dd></div>
          <div><dt>Errors</dt><dd>{o.errorCount}</dd></div>
        </dl>
      ) : data.loading ? <p>Loading…</p> : null}
      {data.data && data.data.statuses.length > 0 ? (
        <TableWrap label="Devices and their status">
          <table>
            <caption className="sr-only">Devices and their status</caption>
            <thead><tr><th scope="col">Device</th><th scope="col">User</th><th scope="col">Status</th><th scope="col">Last report</th></tr></thead>
            <tbody>
              {data.data.statuses.map((s) => (
                <tr key={s.id}>
                  <td>{s.deviceDisplayName ?? '—'}</td>
                  <td>{s.userPrincipalName ?? '—'}</td>
                  <td data-testid="device-status">{words(s.status)}</td>
                  <td>{formatDate(s.lastReportedDateTime)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      ) : data.data ? <p>No device has reported yet.</p> : null}
    </section>
  );
}

/**
 * The three views of policies and profiles under one route: `home` lists them, `home/new` opens
 * the editor (and then the created one), `home/:id` shows one.
 */
export function PolicyRoutes({ home, newTitle, allLabel, Editor, Detail, List }: {
  home: string;
  newTitle: string;
  allLabel: string;
  Editor: ComponentType<{ onDone: (id: string) => void; onCancel?: () => void }>;
  Detail: ComponentType<{ id: string; onBack: () => void }>;
  List: ComponentType;
}) {
  const { id } = useParams();
  const navigate = useNavigate();
  if (id === 'new') {
    return (
      <>
        <PageHeader title={newTitle} />
        <p><Link to={home}>← {allLabel}</Link></p>
        <Editor onDone={(created) => { void navigate(`${home}/${created}`); }} onCancel={() => { void navigate(home); }} />
      </>
    );
  }
  if (id) return <Detail key={id} id={id} onBack={() => { void navigate(home); }} />;
  return <List />;
}

/** A policy or profile as the list shows it. */
interface Listed { id: string; '@odata.type': string; displayName: string; version: number; lastModifiedDateTime: string }

/** The list of policies or profiles at `home`: every page of `basePath` (the API pages by 100). */
export function PolicyList({ home, basePath, title, newLabel, canCreate, empty, typeHeader, typeWords }: {
  home: string;
  basePath: string;
  /** The page's title, also the table's label. */
  title: string;
  newLabel: string;
  canCreate: boolean;
  empty: string;
  typeHeader: string;
  typeWords: (odataType: string) => string;
}) {
  const list = useData(() => graphAll<Listed>(`${basePath}?$top=999`), [basePath]);
  return (
    <section>
      <PageHeader title={title}>
        {canCreate ? <Link className="button primary" to={`${home}/new`}>{newLabel}</Link> : null}
      </PageHeader>
      <ErrorText error={list.error} />
      {list.loading && !list.data ? <p>Loading…</p> : null}
      {list.data && list.data.length === 0 ? <p>{empty}</p> : null}
      {list.data && list.data.length > 0 ? (
        <TableWrap label={title}>
          <table>
            <caption className="sr-only">{title}</caption>
            <thead><tr><th scope="col">Name</th><th scope="col">{typeHeader}</th><th scope="col">Version</th><th scope="col">Modified</th></tr></thead>
            <tbody>
              {list.data.map((p) => (
                <tr key={p.id}>
                  <td><Link to={`${home}/${p.id}`}>{p.displayName}</Link></td>
                  <td>{typeWords(p['@odata.type'])}</td>
                  <td>{p.version}</td>
                  <td>{formatDate(p.lastModifiedDateTime)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      ) : null}
    </section>
  );
}
