import { resolve } from 'node:path';
import type { Config } from '../config/config.js';
import { openDatabase } from '../store/database.js';
import { migrateToLatest } from '../store/migrate.js';

export async function migrateCommand(config: Config): Promise<void> {
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: resolve(config.dataDir), migrate: false });
  try {
    const { applied } = await migrateToLatest(database.db, database.dialect);
    process.stdout.write(applied.length === 0
      ? `${database.location}: schema is up to date\n`
      : `${database.location}: applied ${applied.join(', ')}\n`);
  } finally {
    await database.close();
  }
}
