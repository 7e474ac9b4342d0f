// Kysely's view of the audit_events table (migrations/0004-audit.ts), kept apart from schema.ts
// until that file includes it. Column conventions are in database.ts.
import type { Generated } from 'kysely';

export interface AuditEventsTable {
  /** Insertion order (SQLite INTEGER PRIMARY KEY AUTOINCREMENT, PostgreSQL identity). */
  seq: Generated<number>;
  id: string;
  activity_date_time: string;
  display_name: string | null;
  component_name: string | null;
  activity: string | null;
  activity_type: string | null;
  activity_operation_type: string | null;
  activity_result: string | null;
  category: string | null;
  correlation_id: string;
  /** The whole auditActor as JSON; the actor_* columns copy the members $filter can use. */
  actor_json: string;
  /** auditResource[] as JSON. */
  resources_json: string;
  actor_user_principal_name: string | null;
  actor_type: string | null;
  actor_user_id: string | null;
  actor_application_id: string | null;
  actor_ip_address: string | null;
}
