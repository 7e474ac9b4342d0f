// The audit log on audit_events (migrations/0004-audit.ts): insert and read, nothing else.
import { randomUUID } from 'node:crypto';
import type { Insertable, Kysely, Selectable } from 'kysely';
import type { AuditActor, AuditEvent, AuditResource, NewAuditEvent } from '../core/audit/audit-event.js';
import { auditEventSchema } from '../core/audit/audit-schema.js';
import type { AuditLog } from '../core/audit/ports.js';
import type { Dialect } from './database.js';
import { listPage } from './list-query.js';
import type { Schema } from './schema.js';
import type { AuditEventsTable } from './schema-audit.js';

type Row = Selectable<AuditEventsTable>;

/** Rows per INSERT: 18 columns each, far below SQLite's 32766 bound parameters. */
const INSERT_BATCH = 500;

export function toAuditEvent(r: Row): AuditEvent {
  return {
    id: r.id,
    displayName: r.display_name,
    componentName: r.component_name,
    actor: parseActor(r.actor_json),
    activity: r.activity,
    activityDateTime: r.activity_date_time,
    activityType: r.activity_type,
    activityOperationType: r.activity_operation_type,
    activityResult: r.activity_result,
    correlationId: r.correlation_id,
    resources: JSON.parse(r.resources_json) as AuditResource[],
    category: r.category,
  };
}

export function fromAuditEvent(e: NewAuditEvent, newId: () => string = randomUUID): Insertable<AuditEventsTable> {
  const actor = normalizeActor(e.actor);
  return {
    id: e.id ?? newId(),
    activity_date_time: new Date(e.activityDateTime).toISOString(),
    display_name: e.displayName,
    component_name: e.componentName,
    activity: e.activity,
    activity_type: e.activityType,
    activity_operation_type: e.activityOperationType,
    activity_result: e.activityResult,
    category: e.category,
    correlation_id: e.correlationId,
    actor_json: JSON.stringify(actor),
    resources_json: JSON.stringify(e.resources),
    actor_user_principal_name: actor.userPrincipalName,
    actor_type: actor.auditActorType,
    actor_user_id: actor.userId,
    actor_application_id: actor.applicationId,
    actor_ip_address: actor.ipAddress,
  };
}

/** Every member present, in Graph's order, whatever the caller built. */
function normalizeActor(a: AuditActor): AuditActor {
  return {
    auditActorType: a.auditActorType ?? null,
    userPermissions: [...(a.userPermissions ?? [])],
    applicationId: a.applicationId ?? null,
    applicationDisplayName: a.applicationDisplayName ?? null,
    userPrincipalName: a.userPrincipalName ?? null,
    servicePrincipalName: a.servicePrincipalName ?? null,
    ipAddress: a.ipAddress ?? null,
    userId: a.userId ?? null,
  };
}

function parseActor(json: string): AuditActor {
  return normalizeActor(JSON.parse(json) as AuditActor);
}

export function auditLog(db: Kysely<Schema>, dialect: Dialect): AuditLog {
  const insert = async (events: readonly NewAuditEvent[]) => {
    const rows = events.map((e) => fromAuditEvent(e));
    if (rows.length <= INSERT_BATCH) {
      if (rows.length) await db.insertInto('audit_events').values(rows).execute();
      return;
    }
    await db.transaction().execute(async (tx) => {
      for (let i = 0; i < rows.length; i += INSERT_BATCH) {
        await tx.insertInto('audit_events').values(rows.slice(i, i + INSERT_BATCH)).execute();
      }
    });
  };
  return {
    async record(event) {
      await insert([event]);
    },
    async recordMany(events) {
      await insert(events);
    },
    async list(query) {
      const page = await listPage<Row>(db, dialect, 'audit_events', auditEventSchema, query);
      return { items: page.rows.map(toAuditEvent), nextSkipToken: page.nextSkipToken, count: page.count };
    },
    async get(id) {
      const row = await db.selectFrom('audit_events').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toAuditEvent(row) : undefined;
    },
    async activityTypes(category) {
      const rows = await db.selectFrom('audit_events').select('activity_type').distinct()
        .where('category', '=', category).where('activity_type', 'is not', null)
        .orderBy('activity_type').execute();
      return rows.map((r) => r.activity_type).filter((t): t is string => t !== null);
    },
  };
}
