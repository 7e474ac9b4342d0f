// getForConnect: the enrollment and the queue's "anything due?" in one statement (the Idle path).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AppleEnrollment } from '../core/enrollment/ports.js';
import { appleEnrollmentStore } from './apple-enrollments.js';
import { commandQueue } from './command-queue.js';
import { testDialects, withTestDatabase } from './testing.js';

const T0 = new Date('2026-05-01T08:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

function enrollment(id: string): AppleEnrollment {
  return {
    id, profileId: null, userId: null, ownership: 'company', platform: 'iOS', state: 'enrolled', udid: `U-${id}`, serialNumber: null,
    enrollmentType: 'Device', identitySerial: 'ab12', topic: 'com.apple.mgmt.X', pushToken: 'aa', pushMagic: 'M', unlockToken: null, bootstrapToken: null,
    awaitingConfiguration: false, createdAt: T0.toISOString(), authenticatedAt: null, enrolledAt: T0.toISOString(), lastSeenAt: null, unenrolledAt: null,
  };
}

for (const dialect of testDialects()) {
  describe(`AppleEnrollmentStore.getForConnect on ${dialect.name}`, () => {
    it('says a command is due exactly when the queue would hand one out', async () => {
      await withTestDatabase(dialect, async ({ db, dialect: d }) => {
        const store = appleEnrollmentStore(db);
        const queue = commandQueue(db, d, { clock: { now: () => T0 }, redeliverAfterMs: 60_000 });
        await store.create(enrollment('e1'));
        await store.create(enrollment('e2'));
        assert.equal(await store.getForConnect('missing', T0), undefined);
        assert.deepEqual(await store.getForConnect('e1', T0), { enrollment: enrollment('e1'), commandDue: false });

        const [lock] = await queue.enqueue(['e1'], { requestType: 'DeviceLock', payload: {}, platform: 'apple' });
        assert.equal((await store.getForConnect('e1', T0))?.commandDue, true, 'pending and due');
        assert.equal((await store.getForConnect('e2', T0))?.commandDue, false, 'another enrollment\'s command is not this one\'s');

        assert.equal((await queue.next('e1', T0))?.uuid, lock?.uuid);
        assert.equal((await store.getForConnect('e1', at(1000)))?.commandDue, false, 'out on the device, not yet due again');
        assert.equal((await store.getForConnect('e1', at(60_000)))?.commandDue, true, 'unanswered past the redelivery time: due again');
        assert.equal(await queue.record('e1', lock?.uuid ?? '', { status: 'acknowledged' }, at(2000)), 'recorded');
        assert.equal((await store.getForConnect('e1', at(60_000)))?.commandDue, false, 'answered: nothing due');

        const [later] = await queue.enqueue(['e1'], { requestType: 'RestartDevice', payload: {}, platform: 'apple' });
        assert.equal((await queue.next('e1', T0))?.uuid, later?.uuid);
        assert.equal(await queue.record('e1', later?.uuid ?? '', { status: 'not-now' }, T0), 'recorded');
        assert.equal((await store.getForConnect('e1', at(1000)))?.commandDue, false, 'put off by NotNow');
        assert.equal((await store.getForConnect('e1', at(61_000)))?.commandDue, true, 'due after the NotNow backoff');
      });
    });
  });
}
