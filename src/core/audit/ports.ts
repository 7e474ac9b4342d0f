import type { ListQuery } from '../query/list-query.js';
import type { Page } from '../devices/ports.js';
import type { AuditEvent, NewAuditEvent } from './audit-event.js';

export type { Page } from '../devices/ports.js';

/**
 * The audit log: append-only. There is no update and no delete here, and the database refuses
 * them too (store/migrations/0004-audit.ts).
 */
export interface AuditLog {
  record(event: NewAuditEvent): Promise<void>;
  /** Several events in one statement (a bulk action); all or none. */
  recordMany?(events: readonly NewAuditEvent[]): Promise<void>;
  /** Query built against auditEventSchema (audit-schema.ts). */
  list(query: ListQuery): Promise<Page<AuditEvent>>;
  get(id: string): Promise<AuditEvent | undefined>;
  /** Distinct activityType values recorded in a category, sorted. */
  activityTypes(category: string): Promise<string[]>;
}
