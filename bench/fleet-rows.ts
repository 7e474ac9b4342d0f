// Writing a synthetic fleet straight into the tables, shared by bench/compliance.ts and
// bench/configuration.ts.
import type { Kysely } from 'kysely';
import type { Schema } from '../src/store/schema.js';

const ROWS = 500;

/** Sortable ids like UUIDs, so that batches page in a fixed order. */
export const sortableId = (kind: string, i: number) => `${kind}${String(i).padStart(8, '0')}-0000-4000-8000-000000000000`.slice(0, 36);

/** Inserts `rows` in statements of at most 500 rows and 30,000 parameters (`perRow` columns each). */
export async function insertAll<T extends keyof Schema>(db: Kysely<Schema>, table: T, rows: readonly object[], perRow: number): Promise<void> {
  const size = Math.max(1, Math.floor(Math.min(ROWS, 30_000 / perRow)));
  for (let i = 0; i < rows.length; i += size) await db.insertInto(table).values(rows.slice(i, i + size) as never).execute();
}
