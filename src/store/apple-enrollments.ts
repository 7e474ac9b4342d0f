// AppleEnrollmentStore on SQLite and PostgreSQL (migrations/0010-enrollment.ts).
import { sql, type Kysely, type Selectable, type Updateable } from 'kysely';
import type { AppleEnrollment, AppleEnrollmentStore, EnrollmentState } from '../core/enrollment/ports.js';
import type { Schema } from './schema.js';
import type { AppleEnrollmentsTable } from './schema-enrollment.js';
import { OPEN_STATES } from './command-queue.js';

type Row = Selectable<AppleEnrollmentsTable>;

function toEnrollment(r: Row): AppleEnrollment {
  return {
    id: r.id,
    profileId: r.profile_id,
    userId: r.user_id,
    ownership: r.ownership as AppleEnrollment['ownership'],
    platform: r.platform as AppleEnrollment['platform'],
    state: r.state as EnrollmentState,
    udid: r.udid,
    serialNumber: r.serial_number,
    enrollmentType: r.enrollment_type,
    identitySerial: r.identity_serial,
    topic: r.topic,
    pushToken: r.push_token,
    pushMagic: r.push_magic,
    unlockToken: r.unlock_token,
    bootstrapToken: r.bootstrap_token,
    awaitingConfiguration: Number(r.awaiting_configuration) === 1,
    createdAt: r.created_at,
    authenticatedAt: r.authenticated_at,
    enrolledAt: r.enrolled_at,
    lastSeenAt: r.last_seen_at,
    unenrolledAt: r.unenrolled_at,
  };
}

const columns: Record<keyof Omit<AppleEnrollment, 'id' | 'createdAt'>, keyof AppleEnrollmentsTable> = {
  profileId: 'profile_id',
  userId: 'user_id',
  ownership: 'ownership',
  platform: 'platform',
  state: 'state',
  udid: 'udid',
  serialNumber: 'serial_number',
  enrollmentType: 'enrollment_type',
  identitySerial: 'identity_serial',
  topic: 'topic',
  pushToken: 'push_token',
  pushMagic: 'push_magic',
  unlockToken: 'unlock_token',
  bootstrapToken: 'bootstrap_token',
  awaitingConfiguration: 'awaiting_configuration',
  authenticatedAt: 'authenticated_at',
  enrolledAt: 'enrolled_at',
  lastSeenAt: 'last_seen_at',
  unenrolledAt: 'unenrolled_at',
};

function toRow(changes: Partial<Omit<AppleEnrollment, 'id' | 'createdAt'>>): Updateable<AppleEnrollmentsTable> {
  const row: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(changes)) {
    const column = columns[key as keyof typeof columns];
    if (column === undefined || value === undefined) continue;
    row[column] = typeof value === 'boolean' ? (value ? 1 : 0) : value;
  }
  return row;
}

export function appleEnrollmentStore(db: Kysely<Schema>): AppleEnrollmentStore {
  const get = async (id: string) => {
    const row = await db.selectFrom('apple_enrollments').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toEnrollment(row) : undefined;
  };
  return {
    async create(e) {
      await db.insertInto('apple_enrollments').values({
        id: e.id, created_at: e.createdAt,
        ...(toRow(e) as Omit<AppleEnrollmentsTable, 'id' | 'created_at'>),
      }).execute();
    },
    get,
    async getForConnect(id, now) {
      // The queue's own "is anything due" check (command-queue.ts next()), as a subquery: the
      // same (enrollment_id, state, seq) index answers it.
      const row = await db.selectFrom('apple_enrollments').selectAll()
        .select((eb) => eb.exists(eb.selectFrom('command_queue').select(sql.lit(1).as('one'))
          .where('command_queue.enrollment_id', '=', eb.ref('apple_enrollments.id'))
          .where('command_queue.state', 'in', OPEN_STATES)
          .where('command_queue.not_before', '<=', now.toISOString())).as('command_due'))
        .where('id', '=', id)
        .executeTakeFirst();
      if (!row) return undefined;
      const { command_due: due, ...enrollment } = row;
      // SQLite answers 0/1, PostgreSQL true/false.
      return { enrollment: toEnrollment(enrollment), commandDue: Boolean(Number(due)) };
    },
    async activeByUdid(udid) {
      const row = await db.selectFrom('apple_enrollments').selectAll()
        .where('udid', '=', udid).where('state', 'in', ['authenticated', 'enrolled'])
        .orderBy('created_at', 'desc').limit(1).executeTakeFirst();
      return row ? toEnrollment(row) : undefined;
    },
    async update(id, changes) {
      const row = toRow(changes);
      if (Object.keys(row).length > 0) await db.updateTable('apple_enrollments').set(row).where('id', '=', id).execute();
      return get(id);
    },
    async pushTargets(ids) {
      if (ids.length === 0) return [];
      const out: { id: string; pushToken: string; pushMagic: string; topic: string }[] = [];
      // Bounded IN lists: PostgreSQL and SQLite both cap bound parameters.
      for (let i = 0; i < ids.length; i += 500) {
        const rows = await db.selectFrom('apple_enrollments').select(['id', 'push_token', 'push_magic', 'topic'])
          .where('id', 'in', ids.slice(i, i + 500)).where('state', '=', 'enrolled')
          .where('push_token', 'is not', null).where('push_magic', 'is not', null).where('topic', 'is not', null)
          .execute();
        for (const r of rows) out.push({ id: r.id, pushToken: r.push_token ?? '', pushMagic: r.push_magic ?? '', topic: r.topic ?? '' });
      }
      return out;
    },
    async touch(id, now) {
      await db.updateTable('apple_enrollments').set({ last_seen_at: now.toISOString() }).where('id', '=', id).execute();
    },
    async staleEnrolled(seenBefore, limit) {
      const rows = await db.selectFrom('apple_enrollments').selectAll()
        .where('state', '=', 'enrolled')
        .where((eb) => eb.or([eb('last_seen_at', 'is', null), eb('last_seen_at', '<', seenBefore.toISOString())]))
        .orderBy('last_seen_at').limit(limit).execute();
      return rows.map(toEnrollment);
    },
  };
}
