// SigningKeyStore on SQLite and PostgreSQL. The private JWK is stored as JSON text, like every
// other secret in the database; protecting the database (and its backups) protects it.
import type { JsonWebKey } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { SigningKey, SigningKeyStore } from '../core/auth/access-tokens.js';
import type { SigningKeysTable } from './schema-signing-keys.js';

export interface SigningKeysDatabase {
  signing_keys: SigningKeysTable;
}

function parseJwk(kid: string, which: string, text: string): JsonWebKey {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // Never quote the stored text: it may be a private key.
    throw new Error(`signing key ${kid}: the stored ${which} JWK is not valid JSON`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`signing key ${kid}: the stored ${which} JWK is not a JSON object`);
  }
  return value as JsonWebKey;
}

function toSigningKey(r: Selectable<SigningKeysTable>): SigningKey {
  return {
    kid: r.kid,
    privateJwk: parseJwk(r.kid, 'private', r.private_jwk),
    publicJwk: parseJwk(r.kid, 'public', r.public_jwk),
    createdAt: new Date(r.created_at),
    retiredAt: r.retired_at === null ? null : new Date(r.retired_at),
  };
}

/** Works on any Kysely whose schema has signing_keys (Steward's Schema, or a test's own). */
export function signingKeyStore<DB extends SigningKeysDatabase>(database: Kysely<DB>): SigningKeyStore {
  const db = database as unknown as Kysely<SigningKeysDatabase>;
  return {
    async current() {
      const row = await db.selectFrom('signing_keys').selectAll()
        .where('retired_at', 'is', null)
        .orderBy('created_at', 'desc').orderBy('kid', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row ? toSigningKey(row) : undefined;
    },
    async all() {
      const rows = await db.selectFrom('signing_keys').selectAll()
        .where('retired_at', 'is', null)
        .orderBy('created_at').orderBy('kid')
        .execute();
      return rows.map(toSigningKey);
    },
    async add(key) {
      await db.insertInto('signing_keys').values({
        kid: key.kid,
        private_jwk: JSON.stringify(key.privateJwk),
        public_jwk: JSON.stringify(key.publicJwk),
        created_at: key.createdAt.toISOString(),
        retired_at: key.retiredAt === null ? null : key.retiredAt.toISOString(),
      }).execute();
    },
    async retire(kid, at) {
      // The first retirement is the one that counts.
      await db.updateTable('signing_keys').set({ retired_at: at.toISOString() })
        .where('kid', '=', kid).where('retired_at', 'is', null)
        .execute();
    },
  };
}
