import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testDialects } from '../../store/testing.js';
import { storePorts } from '../../store/ports.js';
import type { CommandQueue } from '../commands/ports.js';
import type { AppleEnrollment } from '../enrollment/ports.js';
import { makeCore } from '../deps.js';
import { enqueueInventory, INVENTORY_COMMAND_TTL_MS } from './inventory-commands.js';
import { INVENTORY_REFRESH_MS, refreshInventory } from './refresh-inventory.js';

const H = 3600_000;

function enrollment(id: string, state: AppleEnrollment['state'] = 'enrolled'): AppleEnrollment {
  return {
    id, profileId: null, userId: null, ownership: 'company', platform: 'iOS', state, udid: `udid-${id}`, serialNumber: null,
    enrollmentType: 'Device', identitySerial: null, topic: 't', pushToken: 'aa', pushMagic: 'm', unlockToken: null, bootstrapToken: null,
    awaitingConfiguration: false, createdAt: '2026-05-01T00:00:00.000Z', authenticatedAt: null, enrolledAt: '2026-05-01T00:00:00.000Z',
    lastSeenAt: null, unenrolledAt: null,
  };
}

/** The queue, counting its enqueue calls and how many enrollments each carried. */
function counting(queue: CommandQueue) {
  const calls: number[] = [];
  const counted: CommandQueue = { ...queue, enqueue: (ids, command) => { calls.push(ids.length); return queue.enqueue(ids, command); } };
  return { counted, calls };
}

for (const dialect of testDialects()) {
  describe(`inventory refresh on ${dialect.name}`, () => {
    it('queues inventory in batches, one enqueue per command per batch, wakes each batch, and claims each device once', async () => {
      const database = await dialect.open();
      try {
        let now = new Date('2026-05-02T08:00:00.000Z');
        const woken: string[][] = [];
        const core = makeCore(storePorts(database), { now: () => now }, { waker: { wake: async (ids) => { woken.push([...ids]); } } });
        const ids = ['e1', 'e2', 'e3', 'e4', 'e5', 'e6', 'e7'];
        for (const id of ids) await core.appleEnrollments.create(enrollment(id));
        await core.appleEnrollments.create(enrollment('e0-gone', 'unenrolled'));
        const { counted, calls } = counting(core.commands);
        const deps = { ...core, commands: counted };

        const first = await refreshInventory(deps, { batchSize: 3 });
        assert.deepEqual(first, { queued: 7, batches: 3 });
        assert.deepEqual(calls, [3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 1, 1, 1, 1, 1, 1], 'six commands per batch, never one device at a time');
        assert.deepEqual(woken, [['e1', 'e2', 'e3'], ['e4', 'e5', 'e6'], ['e7']]);
        for (const id of ids) assert.equal((await core.commands.forEnrollment(id)).length, 6);
        assert.equal((await core.commands.forEnrollment('e0-gone')).length, 0, 'unenrolled devices are not asked');

        assert.deepEqual(await refreshInventory(deps), { queued: 0, batches: 0 }, 'nothing due right after');
        now = new Date(now.getTime() + INVENTORY_REFRESH_MS + H);
        // e2 answered its inventory; the others have not fetched theirs yet (offline): only e2 is asked again.
        await core.deviceInventory.apply('e2', 'apple', { kind: 'certificates', certificates: [] }, new Date(now.getTime() - H));
        assert.deepEqual(await refreshInventory(deps), { queued: 1, batches: 1 });
        assert.equal((await core.commands.forEnrollment('e3')).length, 6, 'an offline device holds one set of inventory commands');

        // Past the commands' lifetime, the unanswered ones are asked again; at most maxDevices per run.
        now = new Date(now.getTime() + INVENTORY_COMMAND_TTL_MS + H);
        assert.deepEqual(await refreshInventory(deps, { maxDevices: 4 }), { queued: 4, batches: 1 });
        assert.deepEqual(await refreshInventory(deps, { maxDevices: 4 }), { queued: 3, batches: 1 });

        // Two replicas sweeping at the same moment queue each device once between them.
        now = new Date(now.getTime() + INVENTORY_COMMAND_TTL_MS + INVENTORY_REFRESH_MS);
        const [a, b] = await Promise.all([refreshInventory(deps, { batchSize: 2 }), refreshInventory(deps, { batchSize: 2 })]);
        assert.equal(a.queued + b.queued, 7);
      } finally {
        await database.close();
      }
    });

    it('enqueueInventory queues for many enrollments in one batch per command and records the request', async () => {
      const database = await dialect.open();
      try {
        const now = new Date('2026-05-02T08:00:00.000Z');
        const woken: string[][] = [];
        const core = makeCore(storePorts(database), { now: () => now }, { waker: { wake: async (ids) => { woken.push([...ids]); } } });
        const { counted, calls } = counting(core.commands);
        const queued = await enqueueInventory({ ...core, commands: counted }, { enrollmentIds: ['a', 'b', 'a'], reason: 'enrollment' });
        assert.deepEqual(calls, [2, 2, 2, 2, 2, 2]);
        assert.deepEqual(queued.get('a')?.map((c) => c.requestType), ['DeviceInformation', 'SecurityInfo', 'InstalledApplicationList', 'ManagedApplicationList', 'ProfileList', 'CertificateList']);
        assert.ok(queued.get('b')?.every((c) => c.expiresAt?.getTime() === now.getTime() + INVENTORY_COMMAND_TTL_MS));
        assert.equal((await core.deviceInventory.get('b'))?.requestedAt, now.toISOString());
        assert.deepEqual(woken, [['a', 'b']]);
      } finally {
        await database.close();
      }
    });
  });
}
