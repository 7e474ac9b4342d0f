// WindowsEnrollmentStore and WindowsSignInTokenStore on SQLite and PostgreSQL
// (migrations/0013-windows-enrollment.ts).
import type { Kysely, Selectable, Updateable } from 'kysely';
import type { WindowsEnrollment, WindowsEnrollmentStore } from '../core/enrollment/ports.js';
import type { WindowsSignInToken, WindowsSignInTokenStore } from '../core/enrollment/windows-ports.js';
import type { Schema } from './schema.js';
import type { WindowsEnrollmentsTable, WindowsSignInTokensTable } from './schema-windows.js';
import type { WindowsEnrollmentWnsColumns } from './schema-wns.js';

type Row = Selectable<WindowsEnrollmentsTable & WindowsEnrollmentWnsColumns>;

function toEnrollment(r: Row): WindowsEnrollment {
  return {
    id: r.id,
    profileId: r.profile_id,
    userId: r.user_id,
    ownership: r.ownership as WindowsEnrollment['ownership'],
    state: r.state as WindowsEnrollment['state'],
    deviceId: r.device_id,
    hwDevId: r.hw_dev_id,
    deviceName: r.device_name,
    osVersion: r.os_version,
    osEdition: r.os_edition,
    enrollmentType: r.enrollment_type,
    identitySerial: r.identity_serial,
    identityNotAfter: r.identity_not_after,
    createdAt: r.created_at,
    lastSeenAt: r.last_seen_at,
    unenrolledAt: r.unenrolled_at,
    // WNS facts only once there are any: an enrollment without them reads back as it was created.
    ...(r.wns_pfn === null ? {} : { wnsPfn: r.wns_pfn }),
    ...(r.wns_channel_uri === null ? {} : { wnsChannelUri: r.wns_channel_uri }),
    ...(r.wns_channel_status === null ? {} : { wnsChannelStatus: r.wns_channel_status }),
    ...(r.wns_channel_at === null ? {} : { wnsChannelAt: r.wns_channel_at }),
  };
}

const columns: Record<keyof Omit<WindowsEnrollment, 'id' | 'createdAt'>, keyof (WindowsEnrollmentsTable & WindowsEnrollmentWnsColumns)> = {
  profileId: 'profile_id',
  userId: 'user_id',
  ownership: 'ownership',
  state: 'state',
  deviceId: 'device_id',
  hwDevId: 'hw_dev_id',
  deviceName: 'device_name',
  osVersion: 'os_version',
  osEdition: 'os_edition',
  enrollmentType: 'enrollment_type',
  identitySerial: 'identity_serial',
  identityNotAfter: 'identity_not_after',
  lastSeenAt: 'last_seen_at',
  unenrolledAt: 'unenrolled_at',
  wnsPfn: 'wns_pfn',
  wnsChannelUri: 'wns_channel_uri',
  wnsChannelStatus: 'wns_channel_status',
  wnsChannelAt: 'wns_channel_at',
};

function toRow(changes: Partial<Omit<WindowsEnrollment, 'id' | 'createdAt'>>): Updateable<WindowsEnrollmentsTable & WindowsEnrollmentWnsColumns> {
  const row: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(changes)) {
    const column = Object.hasOwn(columns, key) ? columns[key as keyof typeof columns] : undefined;
    if (column === undefined || value === undefined) continue;
    row[column] = value;
  }
  return row;
}

export function windowsEnrollmentStore(db: Kysely<Schema>): WindowsEnrollmentStore {
  const get = async (id: string) => {
    const row = await db.selectFrom('windows_enrollments').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toEnrollment(row) : undefined;
  };
  return {
    async create(e) {
      await db.insertInto('windows_enrollments').values({
        id: e.id, created_at: e.createdAt,
        ...(toRow(e) as Omit<WindowsEnrollmentsTable, 'id' | 'created_at'>),
      }).execute();
    },
    get,
    async byIdentitySerial(serial) {
      const row = await db.selectFrom('windows_enrollments').selectAll().where('identity_serial', '=', serial.toLowerCase()).executeTakeFirst();
      return row ? toEnrollment(row) : undefined;
    },
    async activeByDeviceId(deviceId) {
      const row = await db.selectFrom('windows_enrollments').selectAll()
        .where('device_id', '=', deviceId).where('state', '=', 'enrolled')
        .orderBy('created_at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
      return row ? toEnrollment(row) : undefined;
    },
    async update(id, changes) {
      const row = toRow(changes);
      if (Object.keys(row).length > 0) await db.updateTable('windows_enrollments').set(row).where('id', '=', id).execute();
      return get(id);
    },
    async touch(id, now) {
      await db.updateTable('windows_enrollments').set({ last_seen_at: now.toISOString() }).where('id', '=', id).execute();
    },
    async staleEnrolled(seenBefore, limit) {
      const rows = await db.selectFrom('windows_enrollments').selectAll()
        .where('state', '=', 'enrolled')
        .where((eb) => eb.or([eb('last_seen_at', 'is', null), eb('last_seen_at', '<', seenBefore.toISOString())]))
        .orderBy('last_seen_at').orderBy('id').limit(limit).execute();
      return rows.map(toEnrollment);
    },
    async wnsChannels(ids) {
      if (ids.length === 0) return [];
      const rows = await db.selectFrom('windows_enrollments').select(['id', 'wns_channel_uri'])
        .where('id', 'in', [...ids]).where('state', '=', 'enrolled').where('wns_channel_uri', 'is not', null).execute();
      return rows.flatMap((r) => r.wns_channel_uri === null || r.wns_channel_uri === '' ? [] : [{ enrollmentId: r.id, channelUri: r.wns_channel_uri }]);
    },
    async clearWnsChannel(id, channelUri) {
      // Conditional: a channel the PC reported after the failed push stays.
      const result = await db.updateTable('windows_enrollments').set({ wns_channel_uri: null })
        .where('id', '=', id).where('wns_channel_uri', '=', channelUri).executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
  };
}

function toToken(r: Selectable<WindowsSignInTokensTable>): WindowsSignInToken {
  return { tokenHash: r.token_hash, userId: r.user_id, createdAt: r.created_at, expiresAt: r.expires_at, usedAt: r.used_at };
}

export function windowsSignInTokenStore(db: Kysely<Schema>): WindowsSignInTokenStore {
  const get = async (tokenHash: string) => {
    const row = await db.selectFrom('windows_sign_in_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
    return row ? toToken(row) : undefined;
  };
  return {
    async create(t) {
      await db.insertInto('windows_sign_in_tokens').values({
        token_hash: t.tokenHash, user_id: t.userId, created_at: t.createdAt, expires_at: t.expiresAt, used_at: t.usedAt,
      }).execute();
    },
    get,
    async consume(tokenHash, now) {
      const at = now.toISOString();
      // One conditional UPDATE: of concurrent spenders, only the one that flips used_at wins.
      const result = await db.updateTable('windows_sign_in_tokens').set({ used_at: at })
        .where('token_hash', '=', tokenHash).where('used_at', 'is', null).where('expires_at', '>', at)
        .executeTakeFirst();
      const row = await get(tokenHash);
      if (Number(result.numUpdatedRows) === 1 && row) return { outcome: 'consumed', token: row };
      if (!row) return { outcome: 'unknown' };
      return { outcome: row.usedAt !== null ? 'used' : 'expired' };
    },
    async deleteExpired(before) {
      const result = await db.deleteFrom('windows_sign_in_tokens').where('expires_at', '<', before.toISOString()).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
