import type { Insertable, Kysely, Selectable, Updateable } from 'kysely';
import type { UserStore } from '../core/directory/ports.js';
import type { AssignedLicense, User } from '../core/directory/user.js';
import { userSchema } from '../core/directory/directory-schemas.js';
import type { Dialect } from './database.js';
import type { Schema, UsersTable } from './schema.js';
import { listPage } from './list-query.js';
import { userInScope } from './scope.js';
import { isUniqueViolation } from './errors.js';

type Row = Selectable<UsersTable>;

function toUser(r: Row, licenses: AssignedLicense[]): User {
  return {
    id: r.id,
    userPrincipalName: r.user_principal_name,
    displayName: r.display_name,
    mailNickname: r.mail_nickname,
    mail: r.mail,
    givenName: r.given_name,
    surname: r.surname,
    department: r.department,
    jobTitle: r.job_title,
    companyName: r.company_name,
    employeeId: r.employee_id,
    officeLocation: r.office_location,
    mobilePhone: r.mobile_phone,
    city: r.city,
    country: r.country,
    usageLocation: r.usage_location,
    userType: r.user_type,
    accountEnabled: r.account_enabled === 1,
    createdDateTime: r.created_date_time,
    assignedLicenses: licenses,
  };
}

const columnOf = {
  userPrincipalName: 'user_principal_name', displayName: 'display_name', mailNickname: 'mail_nickname', mail: 'mail',
  givenName: 'given_name', surname: 'surname', department: 'department', jobTitle: 'job_title', companyName: 'company_name',
  employeeId: 'employee_id', officeLocation: 'office_location', mobilePhone: 'mobile_phone', city: 'city', country: 'country',
  usageLocation: 'usage_location', userType: 'user_type', accountEnabled: 'account_enabled',
} as const satisfies Partial<Record<keyof User, keyof UsersTable>>;

function toColumns(changes: Partial<User>): Updateable<UsersTable> {
  const out: Record<string, unknown> = {};
  for (const [prop, column] of Object.entries(columnOf)) {
    if (!(prop in changes)) continue;
    const v = changes[prop as keyof User];
    if (v === undefined) continue;
    out[column] = prop === 'accountEnabled' ? (v ? 1 : 0) : v;
  }
  if (changes.userPrincipalName !== undefined) out.upn_lower = changes.userPrincipalName.toLowerCase();
  // Keys come from columnOf, which is checked against UsersTable above.
  const updateable: Updateable<UsersTable> = out;
  return updateable;
}

export function userStore(db: Kysely<Schema>, dialect: Dialect): UserStore {
  async function licensesOf(ids: string[]): Promise<Map<string, AssignedLicense[]>> {
    const map = new Map<string, AssignedLicense[]>();
    if (ids.length === 0) return map;
    const rows = await db.selectFrom('user_licenses').select(['user_id', 'sku_id', 'disabled_plans']).where('user_id', 'in', ids).orderBy('sku_id').execute();
    for (const r of rows) {
      const list = map.get(r.user_id) ?? [];
      list.push({ skuId: r.sku_id, disabledPlans: JSON.parse(r.disabled_plans) as string[] });
      map.set(r.user_id, list);
    }
    return map;
  }
  async function withLicenses(rows: Row[]): Promise<User[]> {
    const licenses = await licensesOf(rows.map((r) => r.id));
    return rows.map((r) => toUser(r, licenses.get(r.id) ?? []));
  }

  return {
    async list(query, scope) {
      const condition = userInScope('users.id', scope);
      const page = await listPage<Row>(db, dialect, 'users', userSchema, query, condition ? { where: (qb) => qb.where(condition) } : {});
      return { items: await withLicenses(page.rows), nextSkipToken: page.nextSkipToken, count: page.count };
    },
    async get(idOrUpn, scope) {
      let q = db.selectFrom('users').selectAll().where((eb) => eb.or([eb('id', '=', idOrUpn), eb('upn_lower', '=', idOrUpn.toLowerCase())]));
      const condition = userInScope('users.id', scope);
      if (condition) q = q.where(condition);
      const row = await q.executeTakeFirst();
      return row ? (await withLicenses([row]))[0] : undefined;
    },
    async getMany(ids, scope) {
      if (ids.length === 0) return [];
      let q = db.selectFrom('users').selectAll().where('id', 'in', ids);
      const condition = userInScope('users.id', scope);
      if (condition) q = q.where(condition);
      return withLicenses(await q.execute());
    },
    async create(user, credential) {
      try {
        await db.transaction().execute(async (tx) => {
          const row: Insertable<UsersTable> = {
            ...toColumns(user),
            id: user.id,
            user_principal_name: user.userPrincipalName,
            upn_lower: user.userPrincipalName.toLowerCase(),
            display_name: user.displayName,
            account_enabled: user.accountEnabled ? 1 : 0,
            created_date_time: user.createdDateTime,
          };
          await tx.insertInto('users').values(row).execute();
          if (credential) {
            await tx.insertInto('user_credentials').values({
              user_id: user.id, password_hash: credential.passwordHash,
              force_change_password: credential.forceChangePasswordNextSignIn ? 1 : 0,
              failed_attempts: 0, updated_date_time: user.createdDateTime,
            }).execute();
          }
        });
        return 'created';
      } catch (err) {
        if (isUniqueViolation(err)) return 'duplicate';
        throw err;
      }
    },
    async update(id, changes) {
      const values = toColumns(changes);
      if (Object.keys(values).length === 0) {
        const exists = await db.selectFrom('users').select('id').where('id', '=', id).executeTakeFirst();
        return exists ? 'updated' : 'missing';
      }
      try {
        const r = await db.updateTable('users').set(values).where('id', '=', id).executeTakeFirst();
        return r.numUpdatedRows > 0n ? 'updated' : 'missing';
      } catch (err) {
        if (isUniqueViolation(err)) return 'duplicate';
        throw err;
      }
    },
    async setPassword(id, credential) {
      const now = new Date().toISOString();
      await db.insertInto('user_credentials').values({
        user_id: id, password_hash: credential.passwordHash, force_change_password: credential.forceChangePasswordNextSignIn ? 1 : 0,
        failed_attempts: 0, updated_date_time: now,
      }).onConflict((oc) => oc.column('user_id').doUpdateSet({
        password_hash: credential.passwordHash, force_change_password: credential.forceChangePasswordNextSignIn ? 1 : 0, updated_date_time: now,
      })).execute();
    },
    async delete(id) {
      return db.transaction().execute(async (tx) => {
        await tx.deleteFrom('group_members').where('member_id', '=', id).execute();
        const r = await tx.deleteFrom('users').where('id', '=', id).executeTakeFirst();
        return r.numDeletedRows > 0n;
      });
    },
    async changeLicenses(id, add, removeSkuIds, now) {
      await db.transaction().execute(async (tx) => {
        if (removeSkuIds.length > 0) await tx.deleteFrom('user_licenses').where('user_id', '=', id).where('sku_id', 'in', removeSkuIds).execute();
        for (const l of add) {
          const disabled = JSON.stringify(l.disabledPlans);
          await tx.insertInto('user_licenses').values({ user_id: id, sku_id: l.skuId, disabled_plans: disabled, assigned_date_time: now.toISOString() })
            .onConflict((oc) => oc.columns(['user_id', 'sku_id']).doUpdateSet({ disabled_plans: disabled })).execute();
        }
      });
    },
    async countLicensed(skuId) {
      const r = await db.selectFrom('user_licenses').select((eb) => eb.fn.countAll<number | string>().as('n')).where('sku_id', '=', skuId).executeTakeFirstOrThrow();
      return Number(r.n);
    },
    async *batches(size) {
      let after = '';
      for (;;) {
        const rows = await db.selectFrom('users').selectAll().where('id', '>', after).orderBy('id').limit(size).execute();
        if (rows.length === 0) return;
        yield await withLicenses(rows);
        after = rows.at(-1)!.id;
      }
    },
  };
}
