// All managed devices: search, filters (platform, ownership, compliance), sorting, paging through
// Graph's $filter/$orderby/$top/$skiptoken, and bulk remote actions with a confirmation and progress.
import { useEffect, useId, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, odataString, withQuery } from '../../common/api.js';
import { ConfirmDialog } from '../../common/dialog.js';
import { PageHeader } from '../../common/layout.js';
import { Show, useLoad } from '../../common/load.js';
import { ProgressReport, idleProgress, runEach, type ProgressState } from '../../common/progress.js';
import { useSession } from '../../common/session.js';
import { ACTIONS, COMPLIANCE_STATES, DEVICES, OWNER_WORDS, PLATFORMS, StateBadge, appliesTo, deviceLabel, formatDate, runAction, stateWords, type ManagedDevice, type RemoteAction } from '../devices-model.js';

const PAGE_SIZE = 25;
const SELECT = 'id,deviceName,operatingSystem,osVersion,model,serialNumber,userPrincipalName,userDisplayName,managedDeviceOwnerType,complianceState,lastSyncDateTime';
const COLUMNS: { key: keyof ManagedDevice; label: string }[] = [
  { key: 'deviceName', label: 'Device' },
  { key: 'operatingSystem', label: 'Platform' },
  { key: 'userPrincipalName', label: 'Primary user' },
  { key: 'managedDeviceOwnerType', label: 'Ownership' },
  { key: 'complianceState', label: 'Compliance' },
  { key: 'lastSyncDateTime', label: 'Last check-in' },
];

/** The $filter for the page's search and filters. */
export function deviceFilter(p: { q?: string; platform?: string; owner?: string; compliance?: string }): string | undefined {
  const clauses: string[] = [];
  const q = p.q?.trim();
  if (q) {
    const s = odataString(q);
    clauses.push(`(${['deviceName', 'userPrincipalName', 'userDisplayName', 'serialNumber', 'model'].map((f) => `contains(${f},${s})`).join(' or ')})`);
  }
  if (p.platform) clauses.push(`operatingSystem eq ${odataString(p.platform)}`);
  if (p.owner) clauses.push(`managedDeviceOwnerType eq ${odataString(p.owner)}`);
  if (p.compliance) clauses.push(`complianceState eq ${odataString(p.compliance)}`);
  return clauses.length > 0 ? clauses.join(' and ') : undefined;
}

export default function Devices() {
  const session = useSession();
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const platform = params.get('platform') ?? '';
  const owner = params.get('owner') ?? '';
  const compliance = params.get('compliance') ?? '';
  const sort = params.get('sort') ?? 'deviceName';
  const dir = params.get('dir') === 'desc' ? 'desc' : 'asc';
  const [search, setSearch] = useState(q);
  // Paging: the nextLinks seen so far; page n is fetched from links[n - 1] (page 1 from the query).
  const [links, setLinks] = useState<string[]>([]);
  const [pageNo, setPageNo] = useState(1);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [bulk, setBulk] = useState<RemoteAction>();
  const [progress, setProgress] = useState<ProgressState>(idleProgress);
  const searchId = useId();

  const filter = deviceFilter({ q, platform, owner, compliance });
  const first = withQuery(DEVICES, { $filter: filter, $orderby: `${sort} ${dir}`, $top: PAGE_SIZE, $count: 'true', $select: SELECT });
  useEffect(() => { setLinks([]); setPageNo(1); setSelected(new Set()); }, [first]);
  const url = pageNo === 1 ? first : links[pageNo - 2] ?? first;
  const page = useLoad(() => api.page<ManagedDevice>(url), [url]);
  const total = page.status === 'ok' ? page.data['@odata.count'] : undefined;
  const devices = useMemo(() => (page.status === 'ok' ? page.data.value : []), [page]);

  function update(changes: Record<string, string>) {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) { if (v) next.set(k, v); else next.delete(k); }
    setParams(next);
  }
  function nextPage() {
    if (page.status !== 'ok') return;
    const link = page.data['@odata.nextLink'];
    if (!link) return;
    setLinks((l) => { const copy = l.slice(0, pageNo - 1); copy[pageNo - 1] = link; return copy; });
    setPageNo(pageNo + 1);
  }
  const toggle = (id: string) => setSelected((s) => { const n = new Set(s); if (n.has(id)) n.delete(id); else n.add(id); return n; });
  const allOnPage = devices.length > 0 && devices.every((d) => selected.has(d.id));
  const bulkActions = ACTIONS.filter((a) => a.bulk && session.can(a.permission));
  const chosen = devices.filter((d) => selected.has(d.id));

  async function runBulk() {
    const action = bulk;
    if (!action) return;
    setBulk(undefined);
    const targets = chosen;
    await runEach(targets, deviceLabel, async (d) => {
      if (!appliesTo(action, d)) throw new Error(`${action.label} does not apply to ${d.operatingSystem ?? 'this platform'}.`);
      await runAction(d.id, action.name);
    }, setProgress);
    setSelected(new Set());
    page.reload();
  }

  return (
    <>
      <PageHeader title="Devices" />
      <form className="panel" role="search" aria-label="Find devices" onSubmit={(e) => { e.preventDefault(); update({ q: search }); }}>
        <div className="inline-fields">
          <div>
            <label htmlFor={searchId}>Search</label>
            <input id={searchId} type="search" placeholder="Name, user, serial number or model" value={search} onChange={(e) => setSearch(e.target.value)} />
          </div>
          <div>
            <label htmlFor="f-platform">Platform</label>
            <select id="f-platform" value={platform} onChange={(e) => update({ platform: e.target.value })}>
              <option value="">All platforms</option>
              {PLATFORMS.map((p) => <option key={p} value={p}>{p}</option>)}
            </select>
          </div>
          <div>
            <label htmlFor="f-owner">Ownership</label>
            <select id="f-owner" value={owner} onChange={(e) => update({ owner: e.target.value })}>
              <option value="">Any ownership</option>
              <option value="company">Corporate</option>
              <option value="personal">Personal</option>
            </select>
          </div>
          <div>
            <label htmlFor="f-compliance">Compliance</label>
            <select id="f-compliance" value={compliance} onChange={(e) => update({ compliance: e.target.value })}>
              <option value="">Any state</option>
              {COMPLIANCE_STATES.map((c) => <option key={c} value={c}>{stateWords(c)}</option>)}
            </select>
          </div>
          <div className="fit"><button type="submit" className="primary">Search</button></div>
        </div>
      </form>

      {bulkActions.length > 0 && (
        <div className="actions" role="group" aria-label="Actions on the selected devices">
          <span className="muted" aria-live="polite">{selected.size} selected</span>
          {bulkActions.map((a) => (
            <button key={a.name} type="button" className={a.danger ? 'danger' : undefined} disabled={selected.size === 0 || progress.running} onClick={() => setBulk(a)}>{a.label}</button>
          ))}
        </div>
      )}
      <ProgressReport label="Bulk action progress" state={progress} />

      <Show loaded={page} what="devices">
        {(data) => (
          <>
            <p role="status" className="muted">{total !== undefined ? `${total} device${total === 1 ? '' : 's'}` : `${data.value.length} shown`}{filter ? ' match' : ''}.</p>
            <div className="table-wrap">
              <table>
                <caption className="sr-only">Devices, sorted by {COLUMNS.find((c) => c.key === sort)?.label ?? sort} {dir === 'asc' ? 'ascending' : 'descending'}</caption>
                <thead>
                  <tr>
                    {bulkActions.length > 0 && (
                      <th scope="col"><input type="checkbox" aria-label="Select all devices on this page" checked={allOnPage} onChange={() => setSelected(allOnPage ? new Set() : new Set(devices.map((d) => d.id)))} /></th>
                    )}
                    {COLUMNS.map((c) => (
                      <th key={c.key} scope="col" aria-sort={sort === c.key ? (dir === 'asc' ? 'ascending' : 'descending') : 'none'}>
                        <button type="button" className="sort" onClick={() => update({ sort: c.key, dir: sort === c.key && dir === 'asc' ? 'desc' : 'asc' })}>
                          {c.label}{sort === c.key ? (dir === 'asc' ? ' ▲' : ' ▼') : ''}
                        </button>
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {data.value.length === 0 && <tr><td colSpan={COLUMNS.length + 1}>No devices{filter ? ' match the search and filters' : ' are enrolled yet'}.</td></tr>}
                  {data.value.map((d) => (
                    <tr key={d.id}>
                      {bulkActions.length > 0 && <td><input type="checkbox" aria-label={`Select ${deviceLabel(d)}`} checked={selected.has(d.id)} onChange={() => toggle(d.id)} /></td>}
                      <td><Link to={`/devices/${d.id}`}>{deviceLabel(d)}</Link>{d.serialNumber && <div className="muted">{d.serialNumber}</div>}</td>
                      <td>{d.operatingSystem ?? '—'} {d.osVersion ?? ''}</td>
                      <td>{d.userDisplayName ?? d.userPrincipalName ?? '—'}</td>
                      <td>{OWNER_WORDS[d.managedDeviceOwnerType] ?? d.managedDeviceOwnerType}</td>
                      <td><StateBadge state={d.complianceState} /></td>
                      <td>{formatDate(d.lastSyncDateTime)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <nav className="pager" aria-label="Pages">
              <button type="button" disabled={pageNo === 1} onClick={() => setPageNo(pageNo - 1)}>Previous page</button>
              <span>Page {pageNo}{total !== undefined ? ` of ${Math.max(1, Math.ceil(total / PAGE_SIZE))}` : ''}</span>
              <button type="button" disabled={!data['@odata.nextLink']} onClick={nextPage}>Next page</button>
            </nav>
          </>
        )}
      </Show>

      <ConfirmDialog
        open={bulk !== undefined}
        title={bulk ? `${bulk.label} ${chosen.length} device${chosen.length === 1 ? '' : 's'}?` : ''}
        confirmLabel={bulk ? `${bulk.label} ${chosen.length}` : 'OK'}
        danger={bulk?.danger ?? false}
        onCancel={() => setBulk(undefined)}
        onConfirm={() => { void runBulk(); }}
      >
        <p>{bulk?.explain}</p>
        <ul>{chosen.slice(0, 10).map((d) => <li key={d.id}>{deviceLabel(d)}</li>)}{chosen.length > 10 && <li>and {chosen.length - 10} more</li>}</ul>
      </ConfirmDialog>
    </>
  );
}
