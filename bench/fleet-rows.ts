// Writing a synthetic fleet straight into the tables, shared by bench/compliance.ts and
// bench/configuration.ts.
import type { Kysely } from 'kysely';
import type { Schema } from '../src/store/schema.js';

const ROWS = 500;

/** Sortable ids like UUIDs, so that batches page in a fixed order. */
export const sortableId = (kind: string, i: number) => `${kind}${String(i).padStart(8, '0')}-0000-4000-8000-000000000000`.slice(0, 36);

/**
 * The rows in a fixed pseudo-random order. Steward's device ids are random UUIDs, so a fleet that
 * enrolled over time lies in its tables in no relation to id order: rows written in id order would
 * make every page of an id-ordered sweep sit on neighbouring table pages, which a real fleet's
 * does not (its reads touch pages all over the table, and its updates find room on them).
 */
export function enrollmentOrder<T>(rows: readonly T[]): T[] {
  const out = [...rows];
  let seed = 0x2545f491;
  for (let i = out.length - 1; i > 0; i--) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    const j = seed % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Inserts `rows` in statements of at most 500 rows and 30,000 parameters (`perRow` columns each). */
export async function insertAll<T extends keyof Schema>(db: Kysely<Schema>, table: T, rows: readonly object[], perRow: number): Promise<void> {
  const size = Math.max(1, Math.floor(Math.min(ROWS, 30_000 / perRow)));
  for (let i = 0; i < rows.length; i += size) await db.insertInto(table).values(rows.slice(i, i + size) as never).execute();
}
