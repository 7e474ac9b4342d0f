import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Kysely } from 'kysely';
import { testDialects, type TestDialect } from './testing.js';
import { migration } from './migrations/0005-signing-keys.js';
import { signingKeyStore, type SigningKeysDatabase } from './signing-keys.js';
import {
  RETIRE_AFTER_SUPERSEDED_MS, issueAccessToken, newSigningKey, rotateSigningKey, verifyAccessToken, type SigningKey,
} from '../core/auth/access-tokens.js';

// The migration is not in migrations/index.ts yet: open an unmigrated database and apply it here.
async function openStore(dialect: TestDialect) {
  const database = await dialect.open({ migrate: false });
  await migration.up(database.db as unknown as Kysely<unknown>, database.dialect);
  const db = database.db as unknown as Kysely<SigningKeysDatabase>;
  return { db, store: signingKeyStore(db), close: () => database.close() };
}

const t = (iso: string) => new Date(iso);

async function key(createdAt: string): Promise<SigningKey> {
  return newSigningKey(t(createdAt));
}

for (const dialect of testDialects()) {
  describe(`SigningKeyStore on ${dialect.name}`, () => {
    it('starts empty', async () => {
      const { store, close } = await openStore(dialect);
      try {
        assert.equal(await store.current(), undefined);
        assert.deepEqual(await store.all(), []);
      } finally {
        await close();
      }
    });

    it('stores and reads back a key: JWKs as JSON text, times as ISO text', async () => {
      const { db, store, close } = await openStore(dialect);
      try {
        const k = await key('2026-03-01T10:00:00.123Z');
        await store.add(k);
        assert.deepEqual(await store.current(), k);
        assert.deepEqual(await store.all(), [k]);
        const row = await db.selectFrom('signing_keys').selectAll().executeTakeFirstOrThrow();
        assert.equal(row.created_at, '2026-03-01T10:00:00.123Z');
        assert.equal(row.retired_at, null);
        assert.equal(typeof (JSON.parse(row.private_jwk) as { d?: unknown }).d, 'string');
        assert.equal((JSON.parse(row.public_jwk) as { d?: unknown }).d, undefined);
      } finally {
        await close();
      }
    });

    it('gives the newest live key as current, and every live key oldest first', async () => {
      const { store, close } = await openStore(dialect);
      try {
        const a = await key('2026-03-01T10:00:00.000Z');
        const b = await key('2026-03-02T10:00:00.000Z');
        const c = await key('2026-03-03T10:00:00.000Z');
        for (const k of [b, c, a]) await store.add(k);
        assert.equal((await store.current())?.kid, c.kid);
        assert.deepEqual((await store.all()).map((k) => k.kid), [a.kid, b.kid, c.kid]);
        await store.retire(c.kid, t('2026-03-04T00:00:00.000Z'));
        assert.equal((await store.current())?.kid, b.kid);
        assert.deepEqual((await store.all()).map((k) => k.kid), [a.kid, b.kid]);
      } finally {
        await close();
      }
    });

    it('keeps the first retirement time, and ignores an unknown kid', async () => {
      const { db, store, close } = await openStore(dialect);
      try {
        const a = await key('2026-03-01T10:00:00.000Z');
        await store.add(a);
        await store.retire(a.kid, t('2026-03-05T00:00:00.000Z'));
        await store.retire(a.kid, t('2026-03-09T00:00:00.000Z'));
        await store.retire('no-such-kid', t('2026-03-09T00:00:00.000Z'));
        const row = await db.selectFrom('signing_keys').select('retired_at').where('kid', '=', a.kid).executeTakeFirstOrThrow();
        assert.equal(row.retired_at, '2026-03-05T00:00:00.000Z');
        assert.equal(await store.current(), undefined);
      } finally {
        await close();
      }
    });

    it('refuses a second key with the same kid', async () => {
      const { store, close } = await openStore(dialect);
      try {
        const a = await key('2026-03-01T10:00:00.000Z');
        await store.add(a);
        await assert.rejects(store.add(a));
      } finally {
        await close();
      }
    });

    it('reports a corrupt stored JWK without quoting it', async () => {
      const { db, store, close } = await openStore(dialect);
      try {
        await db.insertInto('signing_keys').values({
          kid: 'k1', private_jwk: '{"kty":"EC","d":"TOP-SECRET-MATERIAL"', public_jwk: '{}', created_at: '2026-03-01T10:00:00.000Z', retired_at: null,
        }).execute();
        await assert.rejects(store.current(), (e: unknown) => e instanceof Error && /k1/.test(e.message) && !e.message.includes('TOP-SECRET'));
      } finally {
        await close();
      }
    });

    it('serves access tokens end to end: issue, verify, rotate, retire', async () => {
      const { db, store, close } = await openStore(dialect);
      try {
        let now = t('2026-03-01T10:00:00.000Z').getTime();
        const deps = { keys: store, clock: { now: () => new Date(now) } };
        const expected = { issuer: 'https://steward.example.com', audience: 'https://steward.example.com/graph' };
        const first = await issueAccessToken(deps, { subject: 'c1', subjectKind: 'apiClient', ...expected });
        assert.deepEqual(await verifyAccessToken(deps, first.accessToken, expected), { subject: 'c1', subjectKind: 'apiClient' });
        const [original] = await store.all();
        now += 1000;
        const { kid } = await rotateSigningKey(deps);
        assert.equal((await store.current())?.kid, kid);
        assert.ok(await verifyAccessToken(deps, first.accessToken, expected));
        // A second replica over the same database verifies tokens from either key.
        const replica = { keys: signingKeyStore(db), clock: deps.clock };
        assert.ok(await verifyAccessToken(replica, first.accessToken, expected));
        now += RETIRE_AFTER_SUPERSEDED_MS;
        await rotateSigningKey(deps);
        assert.ok(!(await store.all()).some((k) => k.kid === original!.kid));
      } finally {
        await close();
      }
    });
  });
}
