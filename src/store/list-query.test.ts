import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Insertable, Kysely } from 'kysely';
import { StewardError } from '../core/errors.js';
import { managedDeviceSchema as schema } from '../core/devices/managed-device-schema.js';
import { parseListQuery, type ListQuery } from '../core/query/list-query.js';
import type { FilterValue } from '../core/query/filter-expr.js';
import { compareValues, evaluateFilter, filterArbitrary, formatFilterExpr, type DomainRow } from '../core/query/testing.js';
import type { Database } from './database.js';
import type { ManagedDevicesTable } from './schema.js';
import { filterCondition, listPage, type AnyTables, type ListPageOptions } from './list-query.js';
import { testDialects } from './testing.js';

type Row = Record<string, unknown>;

/** Deterministic pseudo-random numbers (mulberry32), so that every run seeds the same rows. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const names = ['iPhone', 'IPHONE 15', 'iPad', 'Galaxy_S24', 'pixel_8', '100% laptop', 'a\\b', 'a!b', "O'Brien's Mac", 'Élan', 'élan', 'ßtraße', '😀 phone', ''];
const systems = ['iOS', 'Windows', 'Android', 'macOS'];
const sizes = [0, 64_000_000_000, 128_000_000_000, 2 ** 40];
const times = Array.from({ length: 12 }, (_, i) => new Date(Date.UTC(2025, i, 1 + i, i, 30, 15, i * 7)).toISOString());
const rowCount = 300;

function seedRows(): Insertable<ManagedDevicesTable>[] {
  const r = random(42);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(r() * items.length)]!;
  const maybe = <T>(value: T, nulls = 0.2): T | null => (r() < nulls ? null : value);
  const enumOf = (p: keyof typeof schema.properties) => pick((schema.properties[p].type as { enum: readonly string[] }).enum);
  return Array.from({ length: rowCount }, (_, i) => ({
    id: `d${((i * 7919) % 1009).toString().padStart(4, '0')}`,
    device_name: maybe(pick(names), 0.15),
    operating_system: maybe(pick(systems), 0.1),
    os_version: maybe(`${1 + Math.floor(r() * 3)}.${Math.floor(r() * 2)}`),
    serial_number: maybe(`SN${Math.floor(r() * 50)}`),
    user_principal_name: maybe(pick(['ann@example.org', 'BOB@example.org', 'cy@example.org'])),
    model: maybe(pick(['MacBook Air', 'Pixel 8', 'iPhone 15'])),
    compliance_state: enumOf('complianceState'),
    managed_device_owner_type: enumOf('managedDeviceOwnerType'),
    management_agent: pick(['mdm', 'eas', 'easMdm']),
    jail_broken: pick(['Unknown', 'True', 'False']),
    is_encrypted: r() < 0.5 ? 1 : 0,
    is_supervised: r() < 0.3 ? 1 : 0,
    total_storage_space_in_bytes: pick(sizes),
    free_storage_space_in_bytes: Math.floor(r() * 1000) * 1_000_000,
    enrolled_date_time: pick(times),
    last_sync_date_time: new Date(Date.UTC(2026, 0, 1) + Math.floor(r() * 40) * 3_600_000).toISOString(),
    notes: maybe('note', 0.7),
  }));
}

/** A stored row as the domain sees it (booleans as booleans), keyed by property name. */
function domain(row: Row): DomainRow {
  const out: Record<string, FilterValue | null> = {};
  for (const [name, def] of Object.entries(schema.properties)) {
    const v = row[def.column] as FilterValue | null;
    out[name] = def.type === 'boolean' ? v === 1 : v;
  }
  return out;
}

/** The order a ListQuery asks for, computed in JS: nulls first ascending, last descending. */
function jsSort(rows: DomainRow[], orderBy: ListQuery['orderBy']): string[] {
  return [...rows].sort((a, b) => {
    for (const { property, direction } of orderBy) {
      const x = a[property] ?? null;
      const y = b[property] ?? null;
      const c = x === null ? (y === null ? 0 : -1) : y === null ? 1 : compareValues(x, y);
      if (c !== 0) return direction === 'asc' ? c : -c;
    }
    return 0;
  }).map((r) => r.id as string);
}

function rejectsToken(promise: Promise<unknown>) {
  return assert.rejects(promise, (err: unknown) => err instanceof StewardError && err.code === 'invalid-input'
    && err.target === '$skiptoken' && /not valid or belongs to another query/.test(err.message));
}

for (const dialect of testDialects()) {
  describe(`listPage on ${dialect.name}`, () => {
    let database: Database;
    let rows: DomainRow[];
    const list = (query: ListQuery, opts?: ListPageOptions) => listPage<Row>(database.db, database.dialect, 'managed_devices', schema, query, opts);
    const query = (params: Record<string, string>) => parseListQuery(params, schema);
    /** Follows nextSkipToken to the end; returns the ids in the order received. */
    async function pageThrough(params: Record<string, string>, opts?: ListPageOptions): Promise<string[]> {
      const ids: string[] = [];
      let token: string | undefined;
      for (let pages = 0; pages <= rowCount + 1; pages++) {
        const page = await list({ ...query(params), ...(token ? { skipToken: token } : {}) }, opts);
        ids.push(...page.rows.map((r) => r.id as string));
        token = page.nextSkipToken;
        if (!token) return ids;
        assert.equal(page.rows.length, query(params).top);
      }
      throw new Error('paging did not end');
    }

    before(async () => {
      database = await dialect.open();
      await database.db.insertInto('managed_devices').values(seedRows()).execute();
      const all = await database.db.selectFrom('managed_devices').selectAll().execute();
      rows = all.map((r) => domain(r as Row));
    });
    after(() => database.close());

    it('pages through every row exactly once, in the order of one unpaged query and of the OData rules', async () => {
      const orders = ['', 'deviceName', 'deviceName desc', 'complianceState desc, lastSyncDateTime', 'totalStorageSpaceInBytes desc, deviceName',
        'isEncrypted, osVersion desc, serialNumber', 'enrolledDateTime desc', 'id desc', 'userPrincipalName desc, serialNumber, deviceName desc'];
      for (const orderby of orders) {
        const params: Record<string, string> = orderby ? { $orderby: orderby } : {};
        const whole = (await list(query({ ...params, $top: '999' }))).rows.map((r) => r.id as string);
        assert.equal(whole.length, rowCount);
        assert.deepEqual(whole, jsSort(rows, query(params).orderBy), `order of ${orderby}`);
        for (const top of orderby === 'deviceName' || orderby === 'userPrincipalName desc, serialNumber, deviceName desc' ? ['1', '7', '64'] : ['7', '64']) {
          const paged = await pageThrough({ ...params, $top: top });
          assert.deepEqual(paged, whole, `$orderby=${orderby} $top=${top}`);
        }
      }
    });

    it('pages through a filtered and scoped collection, and counts it regardless of paging', async () => {
      const filter = "complianceState ne 'compliant' and (deviceName eq null or contains(deviceName, 'a'))";
      const scope: ListPageOptions = { where: (qb) => qb.where('is_encrypted', '=', 1) };
      const expected = jsSort(rows.filter((r) => r.isEncrypted === true && evaluateFilter(query({ $filter: filter }).filter!, r) === true), query({ $orderby: 'deviceName desc' }).orderBy);
      assert.ok(expected.length > 10 && expected.length < rowCount / 2, `${expected.length} rows`);
      assert.deepEqual(await pageThrough({ $filter: filter, $orderby: 'deviceName desc', $top: '5' }, scope), expected);
      const first = await list(query({ $filter: filter, $top: '3', $count: 'true' }), scope);
      assert.equal(first.count, expected.length);
      assert.equal(first.rows.length, 3);
      assert.equal((await list(query({ $top: '1' }))).count, undefined);
      assert.equal((await list(query({ $count: 'true', $top: '2' }))).count, rowCount);
    });

    it('sorts nulls first ascending and last descending', async () => {
      const names = async (o: string) => (await list(query({ $orderby: o, $top: '999' }))).rows.map((r) => r.device_name);
      const asc = await names('deviceName');
      const desc = await names('deviceName desc');
      const nulls = asc.filter((n) => n === null).length;
      assert.ok(nulls > 0);
      assert.ok(asc.slice(0, nulls).every((n) => n === null) && desc.slice(-nulls).every((n) => n === null));
    });

    it('matches startswith/endswith/contains literally (% _ ! \\ quotes) and case-insensitively for A-Z only', async () => {
      const ids = async (f: string) => (await list(query({ $filter: f, $top: '999' }))).rows.map((r) => r.device_name as string);
      const distinct = async (f: string) => [...new Set(await ids(f))].sort();
      assert.deepEqual(await distinct("contains(deviceName, '%')"), ['100% laptop']);
      assert.deepEqual(await distinct("contains(deviceName, '_')"), ['Galaxy_S24', 'pixel_8']);
      assert.deepEqual(await distinct("contains(deviceName, '!')"), ['a!b']);
      assert.deepEqual(await distinct("contains(deviceName, '\\')"), ['a\\b']);
      assert.deepEqual(await distinct("startswith(deviceName, 'o''b')"), ["O'Brien's Mac"]);
      assert.deepEqual(await distinct("startswith(deviceName, 'IPH')"), ['IPHONE 15', 'iPhone']);
      assert.deepEqual(await distinct("endswith(deviceName, 'PHONE')"), ['iPhone', '😀 phone']);
      assert.deepEqual(await distinct("startswith(deviceName, 'ÉLAN')"), ['Élan']);
      assert.deepEqual(await distinct("contains(deviceName, 'STRASSE')"), []);
      assert.ok((await ids("contains(deviceName, '')")).length === rows.filter((r) => r.deviceName !== null).length);
      // A function on null is null (OData), so neither it nor its negation matches a null name.
      const negated = await ids("not contains(deviceName, 'x')");
      assert.ok(negated.every((n) => n !== null));
    });

    it('refuses a skip token from another query, a forged one and garbage', async () => {
      const page = await list(query({ $orderby: 'deviceName', $top: '5' }));
      const token = page.nextSkipToken!;
      assert.ok(/^[A-Za-z0-9_-]+$/.test(token));
      assert.equal((await list({ ...query({ $orderby: 'deviceName', $top: '5' }), skipToken: token })).rows.length, 5);
      assert.equal((await list({ ...query({ $orderby: 'deviceName', $top: '50' }), skipToken: token })).rows.length, 50);
      await rejectsToken(list({ ...query({ $orderby: 'deviceName desc', $top: '5' }), skipToken: token }));
      await rejectsToken(list({ ...query({ $orderby: 'deviceName', $filter: 'isEncrypted', $top: '5' }), skipToken: token }));
      const [digest, values] = JSON.parse(Buffer.from(token, 'base64url').toString()) as [string, unknown[]];
      const forge = (v: unknown[]) => Buffer.from(JSON.stringify([digest, v])).toString('base64url');
      for (const bad of ['garbage!', 'e30', forge([]), forge([...values, 1]), forge([{ x: 1 }, values[1]]), forge([values[0], null]), forge(['a\u0000', values[1]]), forge([values[0], 5])]) {
        await rejectsToken(list({ ...query({ $orderby: 'deviceName', $top: '5' }), skipToken: bad }));
      }
      const numeric = (await list(query({ $orderby: 'totalStorageSpaceInBytes', $top: '5' }))).nextSkipToken!;
      const [d2, v2] = JSON.parse(Buffer.from(numeric, 'base64url').toString()) as [string, unknown[]];
      for (const v of ['1', 1.5, 2 ** 60]) {
        await rejectsToken(list({ ...query({ $orderby: 'totalStorageSpaceInBytes', $top: '5' }), skipToken: Buffer.from(JSON.stringify([d2, [v, v2[1]]])).toString('base64url') }));
      }
    });

    it('binds every value as a parameter: no user text reaches the SQL', () => {
      const evil = "x'); drop table managed_devices; --";
      const q = query({ $filter: `deviceName eq '${evil.replaceAll("'", "''")}' or contains(model, '${evil.replaceAll("'", "''")}')` });
      const k = database.db as unknown as Kysely<AnyTables>;
      const compiled = k.selectFrom('managed_devices').selectAll().where((eb) => filterCondition(eb, q.filter!, schema, database.dialect)).compile();
      assert.ok(!compiled.sql.includes('drop table'), compiled.sql);
      assert.ok(compiled.parameters.includes(evil));
    });

    it('runs generated filters without a database error and with the same answer as the OData rules', async () => {
      const strings = [...names, 'iOS', 'Windows', 'ann@example.org', 'True', 'note', 'SN7', '1.0', 'MacBook Air'];
      const arbitrary = filterArbitrary(schema, { strings, numbers: sizes, datetimes: times });
      await fc.assert(fc.asyncProperty(arbitrary, async (expr) => {
        const text = formatFilterExpr(expr, schema);
        fc.pre(text.length <= 4096);
        const q = parseListQuery({ $filter: text, $top: '999', $count: 'true' }, schema);
        const page = await list(q);
        const expected = rows.filter((r) => evaluateFilter(q.filter!, r) === true).map((r) => r.id as string).sort();
        assert.deepEqual(page.rows.map((r) => r.id as string), expected, text);
        assert.equal(page.count, expected.length);
      }), { numRuns: dialect.name === 'sqlite' ? 400 : 200 });
    });
  });
}
