// npm run bench: measures the admin API's list path (OData $filter + keyset paging over the store)
// against a baseline in the same run (/healthz through the same HTTP stack), on SQLite and, when
// STEWARD_TEST_DATABASE_URL is set, on PostgreSQL. Figures go to docs/performance.md by hand,
// with the machine and the date: these machines are noisy, so compare ratios, not times.
import { cpus } from 'node:os';
import { testDialects } from '../src/store/testing.js';
import { managedDeviceStore } from '../src/store/managed-devices.js';
import { bearer, testApp } from '../test/support/http.js';
import { aManagedDevice } from '../test/support/devices.js';

const DEVICES = Number(process.env.BENCH_DEVICES ?? 20_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 300);

async function timeIt(rounds: number, fn: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 20; i++) await fn(); // warm up
  const start = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) await fn();
  return Number(process.hrtime.bigint() - start) / 1e6 / rounds;
}

console.log(`# Steward benchmark, ${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`);
console.log(`${DEVICES} devices, ${ROUNDS} rounds each\n`);
console.log('| database | /healthz ms | list page ms | filtered page ms | deep page ms | list ÷ healthz |');
console.log('|---|---|---|---|---|---|');
for (const dialect of testDialects()) {
  const database = await dialect.open();
  try {
    const store = managedDeviceStore(database.db, database.dialect);
    const batch: Promise<void>[] = [];
    for (let i = 0; i < DEVICES; i++) {
      batch.push(store.put(aManagedDevice({ deviceName: `bench-${i}`, operatingSystem: i % 2 ? 'iOS' : 'Windows', complianceState: i % 7 ? 'compliant' : 'noncompliant', lastSyncDateTime: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString() })));
      if (batch.length === 200) await Promise.all(batch.splice(0));
    }
    await Promise.all(batch);
    const { app } = await testApp(database);
    await app.ready();
    const auth = bearer('Microsoft.Intune_ManagedDevices_Read');
    const get = (url: string) => app.inject({ url, headers: auth });
    // A page 50 pages in: keyset paging should cost the same as the first page.
    let deepUrl = '/v1.0/deviceManagement/managedDevices?$top=100&$orderby=lastSyncDateTime desc';
    for (let i = 0; i < 50; i++) {
      const next = (await get(deepUrl)).json<{ '@odata.nextLink'?: string }>()['@odata.nextLink'];
      if (!next) break;
      deepUrl = new URL(next).pathname + new URL(next).search;
    }
    const health = await timeIt(ROUNDS, () => app.inject('/healthz'));
    const list = await timeIt(ROUNDS, () => get('/v1.0/deviceManagement/managedDevices?$top=100&$orderby=lastSyncDateTime desc'));
    const filtered = await timeIt(ROUNDS, () => get(`/v1.0/deviceManagement/managedDevices?$top=100&$filter=${encodeURIComponent("operatingSystem eq 'iOS' and complianceState eq 'noncompliant' and startswith(deviceName,'bench-1')")}`));
    const deep = await timeIt(ROUNDS, () => get(deepUrl));
    console.log(`| ${dialect.name} | ${health.toFixed(3)} | ${list.toFixed(3)} | ${filtered.toFixed(3)} | ${deep.toFixed(3)} | ${(list / health).toFixed(1)} |`);
    await app.close();
  } finally {
    await database.close();
  }
}
