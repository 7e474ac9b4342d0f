// The audit log as CSV (a Steward extension: GET /deviceManagement/auditEvents/export), for
// spreadsheets and SIEM imports. RFC 4180: a header row, CRLF line ends, a field holding a comma,
// a quote, CR or LF is quoted with its quotes doubled. A field that a spreadsheet would read as a
// formula (one starting with = + - @ tab or CR) gets a leading apostrophe, as OWASP's "CSV
// Injection" page advises, so that an event recorded from hostile input cannot run in the
// auditor's spreadsheet. The export pages through the log: memory holds one page, not the log.
import { invalidInput } from '../errors.js';
import type { AuditEvent } from './audit-event.js';
import { parseAuditQuery } from './list-audit-events.js';
import type { AuditLog } from './ports.js';

export const EXPORT_PAGE_SIZE = 500;

interface Column { header: string; value: (e: AuditEvent) => string | null }

export const csvColumns: readonly Column[] = [
  { header: 'id', value: (e) => e.id },
  { header: 'activityDateTime', value: (e) => e.activityDateTime },
  { header: 'category', value: (e) => e.category },
  { header: 'componentName', value: (e) => e.componentName },
  { header: 'displayName', value: (e) => e.displayName },
  { header: 'activity', value: (e) => e.activity },
  { header: 'activityType', value: (e) => e.activityType },
  { header: 'activityOperationType', value: (e) => e.activityOperationType },
  { header: 'activityResult', value: (e) => e.activityResult },
  { header: 'correlationId', value: (e) => e.correlationId },
  { header: 'actor/auditActorType', value: (e) => e.actor.auditActorType },
  { header: 'actor/userPrincipalName', value: (e) => e.actor.userPrincipalName },
  { header: 'actor/userId', value: (e) => e.actor.userId },
  { header: 'actor/applicationId', value: (e) => e.actor.applicationId },
  { header: 'actor/applicationDisplayName', value: (e) => e.actor.applicationDisplayName },
  { header: 'actor/servicePrincipalName', value: (e) => e.actor.servicePrincipalName },
  { header: 'actor/ipAddress', value: (e) => e.actor.ipAddress },
  { header: 'actor/userPermissions', value: (e) => e.actor.userPermissions.join(';') },
  // The resources with their modified properties, as Graph's JSON.
  { header: 'resources', value: (e) => JSON.stringify(e.resources) },
];

const formulaStart = /^[=+\-@\t\r]/;
const needsQuotes = /[",\r\n]/;

/** One CSV field: defused, then quoted if needed. null is an empty field. */
export function csvCell(value: string | null): string {
  if (value === null) return '';
  const safe = formulaStart.test(value) ? `'${value}` : value;
  return needsQuotes.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function csvLine(values: readonly (string | null)[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}

export function csvHeader(): string {
  return csvLine(csvColumns.map((c) => c.header));
}

export function csvRow(event: AuditEvent): string {
  return csvLine(csvColumns.map((c) => c.value(event)));
}

/** The list options the export takes; it always returns every matching event. */
const exportOptions = new Set(['filter', 'orderby']);
const listOnly = new Set(['top', 'skiptoken', 'count', 'select', 'search']);

/**
 * The matching events as CSV text chunks (the header, then one chunk per page). The query is
 * checked and the first page read before this resolves, so that a bad $filter or a database
 * failure is an ordinary error and not a broken download; later pages are read as the consumer
 * pulls.
 */
export async function exportAuditEventsCsv(
  deps: { audit: AuditLog },
  input: { queryOptions: Readonly<Record<string, string | undefined>>; pageSize?: number },
): Promise<AsyncIterable<string>> {
  const params: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(input.queryOptions)) {
    const bare = (name.startsWith('$') ? name.slice(1) : name).toLowerCase();
    if (!exportOptions.has(bare) && (name.startsWith('$') || listOnly.has(bare))) {
      throw invalidInput(`${name} is not supported by the export, which takes $filter and $orderby and returns every matching event`, name);
    }
    params[name] = value;
  }
  const pageSize = input.pageSize ?? EXPORT_PAGE_SIZE;
  const query = parseAuditQuery({ ...params, $top: String(pageSize) }, { maxTop: pageSize });
  const first = await deps.audit.list(query);
  return (async function* () {
    yield csvHeader();
    let page = first;
    for (;;) {
      if (page.items.length) yield page.items.map(csvRow).join('');
      if (!page.nextSkipToken) return;
      page = await deps.audit.list({ ...query, skipToken: page.nextSkipToken });
    }
  })();
}
