// Child process for the crash test: writes devices one after another through the real store and
// prints each id once its write is acknowledged, until it is killed.
import { openDatabase } from '../../src/store/database.js';
import { managedDeviceStore } from '../../src/store/managed-devices.js';
import { aManagedDevice } from './devices.js';

const [dataDir, databaseUrl, pgSchema] = process.argv.slice(2);
const database = await openDatabase({ dataDir: dataDir!, databaseUrl: databaseUrl || undefined, ...(pgSchema ? { pgSchema } : {}) });
const store = managedDeviceStore(database.db, database.dialect);
process.stdout.write('ready\n');
for (let i = 0; ; i++) {
  const d = aManagedDevice({ deviceName: `crash-${i}`, notes: 'x'.repeat(2000) });
  await store.put(d);
  process.stdout.write(`${d.id}\n`);
}
