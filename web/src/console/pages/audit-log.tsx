// The audit log: filters (date range, actor, category and activity, result, resource) turned into
// Graph's $filter, newest first, paged with @odata.nextLink, each event's changes on demand, and
// the CSV export of what the filters select (GET /deviceManagement/auditEvents/export).
import { useEffect, useState } from 'react';
import { api, odataString, sameOrigin } from '../../common/api.js';
import { PageHeader } from '../../common/layout.js';
import { ErrorText, formatDate, graph, useData, type GraphCollection, TableWrap } from './admin-kit.js';

const BASE = '/deviceManagement/auditEvents';

interface AuditEvent {
  id: string; activity: string; activityDateTime: string; activityType: string; activityResult: string; category: string;
  actor: { userPrincipalName?: string | null; auditActorType?: string; applicationDisplayName?: string | null; ipAddress?: string | null };
  resources: { displayName: string | null; auditResourceType: string; resourceId: string; modifiedProperties: { displayName: string; oldValue: string | null; newValue: string | null }[] }[];
}

export interface AuditFilters { from: string; to: string; actor: string; category: string; activityType: string; result: string; resource: string }
const EMPTY: AuditFilters = { from: '', to: '', actor: '', category: '', activityType: '', result: '', resource: '' };

/** Graph's $filter for the filters (dates are whole days in the browser's time zone). */
export function auditFilter(f: AuditFilters): string {
  const parts: string[] = [];
  if (f.from) parts.push(`activityDateTime ge ${new Date(`${f.from}T00:00:00`).toISOString()}`);
  if (f.to) parts.push(`activityDateTime le ${new Date(`${f.to}T23:59:59.999`).toISOString()}`);
  if (f.actor.trim()) parts.push(`startswith(actor/userPrincipalName,${odataString(f.actor.trim())})`);
  if (f.category) parts.push(`category eq ${odataString(f.category)}`);
  if (f.activityType) parts.push(`activityType eq ${odataString(f.activityType)}`);
  if (f.result) parts.push(`activityResult eq ${odataString(f.result)}`);
  const resource = odataString(f.resource.trim());
  if (f.resource.trim()) parts.push(`(resources/any(r:r/resourceId eq ${resource}) or resources/any(r:r/displayName eq ${resource}))`);
  return parts.join(' and ');
}

const withFilter = (path: string, filter: string, extra = '') => `${path}?${filter ? `$filter=${encodeURIComponent(filter)}&` : ''}${extra}`;

export default function AuditLogPage() {
  const [draft, setDraft] = useState<AuditFilters>(EMPTY);
  const [applied, setApplied] = useState<AuditFilters>(EMPTY);
  const [events, setEvents] = useState<AuditEvent[]>([]);
  const [next, setNext] = useState<string | undefined>();
  const [error, setError] = useState<unknown>();
  const [loading, setLoading] = useState(false);
  const [open, setOpen] = useState<string | undefined>();
  const categories = useData(() => graph<GraphCollection<string>>('GET', `${BASE}/getAuditCategories()`), []);
  const activityTypes = useData(async () => (draft.category
    ? graph<GraphCollection<string>>('GET', `${BASE}/getAuditActivityTypes(category=${encodeURIComponent(odataString(draft.category))})`)
    : { value: [] as string[] }), [draft.category]);

  const filter = auditFilter(applied);
  useEffect(() => {
    let live = true;
    setLoading(true); setError(undefined);
    graph<GraphCollection<AuditEvent>>('GET', withFilter(BASE, filter, '$top=50')).then((page) => {
      if (!live) return;
      setEvents(page.value); setNext(page['@odata.nextLink']);
    }, (e: unknown) => { if (live) { setEvents([]); setNext(undefined); setError(e); } }).finally(() => { if (live) setLoading(false); });
    return () => { live = false; };
  }, [filter]);

  async function more() {
    if (!next) return;
    setLoading(true);
    try {
      const page = await api.get<GraphCollection<AuditEvent>>(sameOrigin(next));
      setEvents((e) => [...e, ...page.value]); setNext(page['@odata.nextLink']);
    } catch (e) { setError(e); } finally { setLoading(false); }
  }

  const set = (k: keyof AuditFilters) => (e: { target: { value: string } }) => { setDraft((d) => ({ ...d, [k]: e.target.value, ...(k === 'category' ? { activityType: '' } : {}) })); };
  const exportHref = `/beta${withFilter(`${BASE}/export`, filter)}`;

  return (
    <section>
      <PageHeader title="Audit log">
        <a className="button" href={exportHref} download="audit-events.csv" data-testid="audit-export">Export CSV</a>
      </PageHeader>
      <form className="filters" aria-label="Filter the audit log" onSubmit={(e) => { e.preventDefault(); setApplied(draft); }}>
        <div className="field"><label htmlFor="au-from">From</label><input id="au-from" type="date" value={draft.from} onChange={set('from')} /></div>
        <div className="field"><label htmlFor="au-to">To</label><input id="au-to" type="date" value={draft.to} onChange={set('to')} /></div>
        <div className="field"><label htmlFor="au-actor">Actor (user name starts with)</label><input id="au-actor" value={draft.actor} onChange={set('actor')} autoComplete="off" /></div>
        <div className="field">
          <label htmlFor="au-category">Category</label>
          <select id="au-category" value={draft.category} onChange={set('category')}>
            <option value="">Any</option>
            {(categories.data?.value ?? []).map((c) => <option key={c} value={c}>{c}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor="au-activity">Activity</label>
          <select id="au-activity" value={draft.activityType} onChange={set('activityType')} disabled={!draft.category}>
            <option value="">{draft.category ? 'Any' : 'Choose a category first'}</option>
            {(activityTypes.data?.value ?? []).map((a) => <option key={a} value={a}>{a}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor="au-result">Result</label>
          <select id="au-result" value={draft.result} onChange={set('result')}>
            <option value="">Any</option><option value="Success">Success</option><option value="Failure">Failure</option>
          </select>
        </div>
        <div className="field"><label htmlFor="au-resource">Resource (name or id)</label><input id="au-resource" value={draft.resource} onChange={set('resource')} autoComplete="off" /></div>
        <div className="buttons">
          <button type="submit" className="primary">Apply filters</button>
          <button type="button" onClick={() => { setDraft(EMPTY); setApplied(EMPTY); }}>Clear</button>
        </div>
      </form>
      <ErrorText error={categories.error} />
      <ErrorText error={error} />
      <p role="status" className="muted">{loading ? 'Loading…' : `${events.length}${next ? '+' : ''} event${events.length === 1 ? '' : 's'}${filter ? ' match the filters' : ''}.`}</p>
      {events.length > 0 ? (
        <TableWrap label="Audit events, newest first">
          <table data-testid="audit-table" className="audit">
            <caption className="sr-only">Audit events, newest first</caption>
            <thead><tr><th scope="col">When</th><th scope="col">Activity</th><th scope="col">Category</th><th scope="col">Actor</th><th scope="col">Resource</th><th scope="col">Result</th></tr></thead>
            <tbody>
              {events.map((e) => (
                <EventRow key={e.id} event={e} open={open === e.id} onToggle={() => { setOpen(open === e.id ? undefined : e.id); }} />
              ))}
            </tbody>
          </table>
        </TableWrap>
      ) : null}
      {next ? <button type="button" onClick={() => { void more(); }} disabled={loading}>Load more</button> : null}
    </section>
  );
}

function EventRow({ event: e, open, onToggle }: { event: AuditEvent; open: boolean; onToggle: () => void }) {
  const actor = e.actor.userPrincipalName ?? e.actor.applicationDisplayName ?? e.actor.auditActorType ?? '—';
  const resource = e.resources.map((r) => r.displayName ?? r.resourceId).join(', ') || '—';
  return (
    <>
      <tr>
        <td>{formatDate(e.activityDateTime)}</td>
        <td><button type="button" className="link" aria-expanded={open} onClick={onToggle}>{e.activity}</button></td>
        <td>{e.category}</td>
        <td>{actor}</td>
        <td>{resource}</td>
        <td>{e.activityResult}</td>
      </tr>
      {open ? (
        <tr className="detail-row">
          <td colSpan={6}>
            <p>{e.activityType} · {e.actor.ipAddress ? `from ${e.actor.ipAddress}` : ''}</p>
            {e.resources.map((r) => (
              <div key={r.resourceId}>
                <p><strong>{r.auditResourceType}</strong> {r.displayName ?? ''} <code>{r.resourceId}</code></p>
                {r.modifiedProperties.length > 0 ? (
                  <table>
                    <caption className="sr-only">Changes</caption>
                    <thead><tr><th scope="col">Property</th><th scope="col">Before</th><th scope="col">After</th></tr></thead>
                    <tbody>{r.modifiedProperties.map((p) => <tr key={p.displayName}><td>{p.displayName}</td><td><code>{p.oldValue ?? '—'}</code></td><td><code>{p.newValue ?? '—'}</code></td></tr>)}</tbody>
                  </table>
                ) : <p className="muted">No property changes recorded.</p>}
              </div>
            ))}
          </td>
        </tr>
      ) : null}
    </>
  );
}
