import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../core/clock.js';
import { answerConnect } from '../core/commands/answer-connect.js';
import type { CommandQueue, NewCommand, QueuedCommand } from '../core/commands/ports.js';
import { commandQueue, DEFAULT_REDELIVER_AFTER_MS, defaultNotNowBackoffMs } from './command-queue.js';
import { openDatabase, type Database } from './database.js';
import { createTestSchema, postgresTestUrl, testDialects, type TestDialect } from './testing.js';

const T0 = new Date('2026-03-01T10:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const fixedClock = (d: Date): Clock => ({ now: () => d });

const lock: NewCommand = { requestType: 'DeviceLock', payload: { RequestType: 'DeviceLock', PIN: '123456' }, platform: 'apple' };
const cmd = (requestType: string, extra: Partial<NewCommand> = {}): NewCommand => ({ requestType, payload: { RequestType: requestType }, platform: 'apple', ...extra });

async function withQueue(dialect: TestDialect, fn: (queue: CommandQueue, database: Database) => Promise<void>): Promise<void> {
  const database = await dialect.open();
  try {
    await fn(commandQueue(database.db, database.dialect, { clock: fixedClock(T0) }), database);
  } finally {
    await database.close();
  }
}

/** One database that several stores open, as replicas or a restarted server do. */
async function sharedDatabase(name: TestDialect['name']): Promise<{ open: (poolSize?: number) => Promise<Database>; drop: () => Promise<void> }> {
  if (name === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'steward-test-'));
    return { open: () => openDatabase({ dataDir: dir }), drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const { schema, drop, url } = await createTestSchema(postgresTestUrl()!);
  return { open: (poolSize) => openDatabase({ databaseUrl: url, dataDir: tmpdir(), pgSchema: schema, poolSize: poolSize ?? 4 }), drop };
}

async function drain(queue: CommandQueue, enrollmentId: string, now: Date): Promise<QueuedCommand[]> {
  const out: QueuedCommand[] = [];
  for (let c = await queue.next(enrollmentId, now); c; c = await queue.next(enrollmentId, now)) out.push(c);
  return out;
}

for (const dialect of testDialects()) {
  describe(`CommandQueue on ${dialect.name}`, () => {
    it('enqueues one command per enrollment, each with its own uuid, and reads it back', async () => {
      await withQueue(dialect, async (queue) => {
        const expiresAt = at(3_600_000);
        const queued = await queue.enqueue(['e1', 'e2', 'e1'], { ...lock, expiresAt, priority: 2 });
        assert.deepEqual(queued.map((c) => c.enrollmentId), ['e1', 'e2']);
        assert.notEqual(queued[0]!.uuid, queued[1]!.uuid);
        const stored = await queue.results(queued[0]!.uuid);
        assert.deepEqual(stored, queued[0]);
        assert.deepEqual(stored, {
          uuid: queued[0]!.uuid, enrollmentId: 'e1', platform: 'apple', requestType: 'DeviceLock',
          payload: { RequestType: 'DeviceLock', PIN: '123456' }, priority: 2, state: 'pending',
          createdAt: T0, notBefore: T0, sentAt: undefined, expiresAt, finishedAt: undefined,
          deliveries: 0, notNowCount: 0, result: undefined,
        });
        assert.deepEqual(await queue.enqueue([], lock), []);
        await assert.rejects(queue.enqueue(['e1'], { ...lock, requestType: ' ' }), { code: 'invalid-input' });
      });
    });

    it('hands out an enrollment\'s commands oldest first, higher priority before', async () => {
      await withQueue(dialect, async (queue) => {
        const [a] = await queue.enqueue(['e1'], cmd('A'));
        const [other] = await queue.enqueue(['e2'], cmd('Other'));
        const [b] = await queue.enqueue(['e1'], cmd('B'));
        const [urgent] = await queue.enqueue(['e1'], cmd('Urgent', { priority: 10 }));
        const [c] = await queue.enqueue(['e1'], cmd('C'));
        const got = await drain(queue, 'e1', at(1000));
        assert.deepEqual(got.map((x) => x.uuid), [urgent!.uuid, a!.uuid, b!.uuid, c!.uuid]);
        assert.equal(got[0]!.state, 'sent');
        assert.deepEqual(got[0]!.sentAt, at(1000));
        assert.equal(got[0]!.deliveries, 1);
        assert.deepEqual(got[0]!.notBefore, at(1000 + DEFAULT_REDELIVER_AFTER_MS));
        assert.equal((await queue.next('e2', at(1000)))?.uuid, other!.uuid);
        assert.equal(await queue.next('e3', at(1000)), undefined);
      });
    });

    it('does not hand out a command before the time it was queued for', async () => {
      await withQueue(dialect, async (queue) => {
        await queue.enqueue(['e1'], lock);
        assert.equal(await queue.next('e1', at(-1)), undefined);
        assert.ok(await queue.next('e1', T0));
      });
    });

    it('NotNow: back to pending, handed out again after the backoff and not before', async () => {
      await withQueue(dialect, async (queue) => {
        const [a] = await queue.enqueue(['e1'], cmd('A'));
        const [b] = await queue.enqueue(['e1'], cmd('B'));
        assert.equal((await queue.next('e1', T0))?.uuid, a!.uuid);
        assert.equal(await queue.record('e1', a!.uuid, { status: 'not-now' }, at(1000)), 'recorded');
        // The same NotNow again (the device retried its request): nothing changes.
        assert.equal(await queue.record('e1', a!.uuid, { status: 'not-now' }, at(1001)), 'already-recorded');
        const backoff = defaultNotNowBackoffMs(1);
        const stored = await queue.results(a!.uuid);
        assert.equal(stored?.state, 'pending');
        assert.equal(stored?.notNowCount, 1);
        assert.deepEqual(stored?.notBefore, at(1000 + backoff));
        // Meanwhile the next command goes out; A does not.
        assert.equal((await queue.next('e1', at(1002)))?.uuid, b!.uuid);
        assert.equal(await queue.next('e1', at(1000 + backoff - 1)), undefined);
        const again = await queue.next('e1', at(1000 + backoff));
        assert.equal(again?.uuid, a!.uuid);
        assert.equal(again?.deliveries, 2);
        // A second NotNow backs off longer.
        assert.equal(await queue.record('e1', a!.uuid, { status: 'not-now' }, at(2 * backoff)), 'recorded');
        assert.deepEqual((await queue.results(a!.uuid))?.notBefore, at(2 * backoff + defaultNotNowBackoffMs(2)));
      });
    });

    it('acknowledged: stored, never handed out again, a second answer is already-recorded', async () => {
      await withQueue(dialect, async (queue) => {
        const [a] = await queue.enqueue(['e1'], cmd('DeviceInformation'));
        await queue.next('e1', T0);
        const response = { QueryResponses: { DeviceName: 'iPhone', OSVersion: '17.4' } };
        assert.equal(await queue.record('e1', a!.uuid, { status: 'acknowledged', response }, at(1000)), 'recorded');
        assert.equal(await queue.record('e1', a!.uuid, { status: 'acknowledged', response: { other: true } }, at(2000)), 'already-recorded');
        assert.equal(await queue.record('e1', a!.uuid, { status: 'error', errorChain: [] }, at(2000)), 'already-recorded');
        assert.equal(await queue.record('e1', a!.uuid, { status: 'not-now' }, at(2000)), 'already-recorded');
        const stored = await queue.results(a!.uuid);
        assert.equal(stored?.state, 'acknowledged');
        assert.deepEqual(stored?.result, { status: 'acknowledged', response });
        assert.deepEqual(stored?.finishedAt, at(1000));
        // Not even after the redelivery timeout.
        assert.equal(await queue.next('e1', at(10 * DEFAULT_REDELIVER_AFTER_MS)), undefined);
      });
    });

    it('stores an error chain and a format error', async () => {
      await withQueue(dialect, async (queue) => {
        const [a, b] = await queue.enqueue(['e1', 'e2'], lock);
        await queue.next('e1', T0);
        await queue.next('e2', T0);
        const errorChain = [{ domain: 'MCMDMErrorDomain', code: 12021, description: 'Passcode required' }];
        assert.equal(await queue.record('e1', a!.uuid, { status: 'error', errorChain }, at(1)), 'recorded');
        assert.equal(await queue.record('e2', b!.uuid, { status: 'format-error' }, at(1)), 'recorded');
        assert.deepEqual((await queue.results(a!.uuid))?.result, { status: 'error', errorChain });
        assert.deepEqual((await queue.results(b!.uuid))?.result, { status: 'format-error' });
      });
    });

    it('an answer for an unknown uuid, another enrollment\'s command or one never sent is unknown', async () => {
      await withQueue(dialect, async (queue) => {
        const [mine] = await queue.enqueue(['e1'], lock);
        const [notSent] = await queue.enqueue(['e1'], cmd('B'));
        await queue.next('e1', T0);
        const ack = { status: 'acknowledged' } as const;
        assert.equal(await queue.record('e1', 'no-such-uuid', ack, at(1)), 'unknown');
        assert.equal(await queue.record('e2', mine!.uuid, ack, at(1)), 'unknown');
        assert.equal(await queue.record('e2', mine!.uuid, { status: 'not-now' }, at(1)), 'unknown');
        assert.equal(await queue.record('e1', notSent!.uuid, ack, at(1)), 'unknown');
        assert.equal((await queue.results(mine!.uuid))?.state, 'sent');
        assert.equal((await queue.results(notSent!.uuid))?.state, 'pending');
      });
    });

    it('a command sent and never answered is handed out again after the timeout, also by a restarted server', async () => {
      const shared = await sharedDatabase(dialect.name);
      try {
        const first = await shared.open();
        const queue1 = commandQueue(first.db, first.dialect, { clock: fixedClock(T0) });
        const [a] = await queue1.enqueue(['e1'], lock);
        assert.equal((await queue1.next('e1', T0))?.uuid, a!.uuid);
        await first.close(); // the server dies before the device answers

        const second = await shared.open();
        try {
          const queue2 = commandQueue(second.db, second.dialect);
          assert.equal(await queue2.next('e1', at(DEFAULT_REDELIVER_AFTER_MS - 1)), undefined);
          const again = await queue2.next('e1', at(DEFAULT_REDELIVER_AFTER_MS));
          assert.equal(again?.uuid, a!.uuid);
          assert.equal(again?.deliveries, 2);
          // Answered now: never again, whoever asks.
          assert.equal(await queue2.record('e1', a!.uuid, { status: 'acknowledged' }, at(DEFAULT_REDELIVER_AFTER_MS + 1)), 'recorded');
          assert.equal(await queue2.next('e1', at(10 * DEFAULT_REDELIVER_AFTER_MS)), undefined);
        } finally {
          await second.close();
        }
      } finally {
        await shared.drop();
      }
    });

    it('expires pending commands past their expiry, and sent ones whose answer is overdue', async () => {
      await withQueue(dialect, async (queue) => {
        const [soon] = await queue.enqueue(['e1'], cmd('Soon', { expiresAt: at(60_000) }));
        const [late] = await queue.enqueue(['e1'], cmd('Late', { expiresAt: at(3_600_000) }));
        const [never] = await queue.enqueue(['e1'], cmd('Never'));
        const [out] = await queue.enqueue(['e2'], cmd('Out', { expiresAt: at(60_000) }));
        assert.equal((await queue.next('e2', T0))?.uuid, out!.uuid);
        // Past its expiry, next() skips it even before expire() runs.
        assert.equal((await queue.next('e1', at(60_000)))?.uuid, late!.uuid);
        await queue.record('e1', late!.uuid, { status: 'not-now' }, at(60_000));
        assert.equal(await queue.expire(at(60_000)), 1);
        assert.equal((await queue.results(soon!.uuid))?.state, 'expired');
        assert.deepEqual((await queue.results(soon!.uuid))?.finishedAt, at(60_000));
        // The sent one expires once its redelivery is due and no answer came.
        assert.equal((await queue.results(out!.uuid))?.state, 'sent');
        assert.equal(await queue.expire(at(DEFAULT_REDELIVER_AFTER_MS)), 1);
        assert.equal((await queue.results(out!.uuid))?.state, 'expired');
        assert.equal(await queue.next('e2', at(DEFAULT_REDELIVER_AFTER_MS)), undefined);
        // A late answer to a command that expired while out is still what the device did.
        assert.equal(await queue.record('e2', out!.uuid, { status: 'acknowledged' }, at(DEFAULT_REDELIVER_AFTER_MS + 1)), 'recorded');
        assert.equal((await queue.results(out!.uuid))?.state, 'acknowledged');
        assert.equal(await queue.expire(at(3_600_000)), 1);
        assert.equal((await queue.results(late!.uuid))?.state, 'expired');
        assert.equal((await queue.results(never!.uuid))?.state, 'pending');
        assert.equal(await queue.expire(at(3_600_000)), 0);
      });
    });

    it('prunes finished commands older than a date, in batches, and nothing else', async () => {
      const database = await dialect.open();
      try {
        const queue = commandQueue(database.db, database.dialect, { clock: fixedClock(T0), batchSize: 7 });
        const ids = Array.from({ length: 20 }, (_, i) => `e${i}`);
        const done = await queue.enqueue(ids, lock);
        for (const c of done) {
          await queue.next(c.enrollmentId, T0);
          await queue.record(c.enrollmentId, c.uuid, { status: 'acknowledged' }, at(1000));
        }
        const [recent] = await queue.enqueue(['e0'], cmd('Recent'));
        await queue.next('e0', at(5000));
        await queue.record('e0', recent!.uuid, { status: 'acknowledged' }, at(5000));
        const [open] = await queue.enqueue(['e0'], cmd('Open'));
        assert.equal(await queue.prune(at(1000)), 0);
        assert.equal(await queue.prune(at(2000)), 20);
        assert.equal(await queue.results(done[0]!.uuid), undefined);
        assert.equal((await queue.results(recent!.uuid))?.state, 'acknowledged');
        assert.equal((await queue.results(open!.uuid))?.state, 'pending');
        assert.equal(await queue.prune(at(2000)), 0);
      } finally {
        await database.close();
      }
    });

    it('enqueues to 500 enrollments in one call', async () => {
      await withQueue(dialect, async (queue, database) => {
        const ids = Array.from({ length: 500 }, (_, i) => `enrollment-${i}`);
        const queued = await queue.enqueue(ids, lock);
        assert.equal(queued.length, 500);
        assert.equal(new Set(queued.map((c) => c.uuid)).size, 500);
        const { n } = await database.db.selectFrom('command_queue').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
        assert.equal(Number(n), 500);
        assert.equal((await queue.next('enrollment-499', T0))?.uuid, queued[499]!.uuid);
      });
    });

    it('lists an enrollment\'s commands newest first, by state and request type', async () => {
      await withQueue(dialect, async (queue) => {
        const [a] = await queue.enqueue(['e1'], cmd('A'));
        const [b] = await queue.enqueue(['e1'], cmd('B'));
        await queue.enqueue(['e2'], cmd('A'));
        await queue.next('e1', T0);
        assert.deepEqual((await queue.forEnrollment('e1')).map((c) => c.uuid), [b!.uuid, a!.uuid]);
        assert.deepEqual((await queue.forEnrollment('e1', { states: ['sent'] })).map((c) => c.uuid), [a!.uuid]);
        assert.deepEqual((await queue.forEnrollment('e1', { requestType: 'B' })).map((c) => c.uuid), [b!.uuid]);
        assert.deepEqual((await queue.forEnrollment('e1', { limit: 1 })).map((c) => c.uuid), [b!.uuid]);
        assert.deepEqual(await queue.forEnrollment('e1', { states: [] }), []);
      });
    });

    it('recordAnswer returns the command as stored by the answer, once; next with likelyDue hands out the same', async () => {
      await withQueue(dialect, async (queue) => {
        const [a] = await queue.enqueue(['e1'], cmd('DeviceInformation'));
        const [b] = await queue.enqueue(['e1'], lock);
        assert.equal((await queue.next('e1', T0, { likelyDue: true }))?.uuid, a!.uuid);
        const response = { QueryResponses: { DeviceName: 'iPhone' } };
        const first = await queue.recordAnswer('e1', a!.uuid, { status: 'acknowledged', response }, at(1000));
        assert.equal(first.outcome, 'recorded');
        assert.deepEqual(first.command, await queue.results(a!.uuid), 'exactly the row as stored');
        assert.deepEqual({ state: first.command?.state, result: first.command?.result, deliveries: first.command?.deliveries }, { state: 'acknowledged', result: { status: 'acknowledged', response }, deliveries: 1 });
        assert.deepEqual(await queue.recordAnswer('e1', a!.uuid, { status: 'acknowledged' }, at(2000)), { outcome: 'already-recorded', command: undefined });
        assert.deepEqual(await queue.recordAnswer('e2', a!.uuid, { status: 'acknowledged' }, at(2000)), { outcome: 'unknown', command: undefined });
        // The hint only skips a read: the UPDATE still decides (b, then nothing, never a twice).
        const out = await queue.next('e1', at(1000), { likelyDue: true });
        assert.equal(out?.uuid, b!.uuid);
        assert.equal(await queue.next('e1', at(1000), { likelyDue: true }), undefined);
        assert.deepEqual(await queue.recordAnswer('e1', b!.uuid, { status: 'not-now' }, at(1000)), { outcome: 'recorded', command: undefined });
      });
    });

    it('answerConnect trusts commandDue from the caller, but asks the queue after a result handler ran', async () => {
      await withQueue(dialect, async (queue) => {
        const [a] = await queue.enqueue(['e1'], cmd('DeviceInformation'));
        const deps = { queue, clock: fixedClock(at(1000)), results: { handle: async () => { await queue.enqueue(['e1'], lock); } } };
        // The caller saw nothing due: no command is handed out (the push for a new one brings the device back).
        assert.deepEqual(await answerConnect(deps, { enrollmentId: 'e1', report: 'idle', commandDue: false }), { recorded: undefined, next: undefined });
        const first = await answerConnect(deps, { enrollmentId: 'e1', report: 'idle', commandDue: true });
        assert.equal(first.next?.uuid, a!.uuid);
        // Nothing was due before the answer, but the handler queued a lock: it is handed out now.
        const second = await answerConnect(deps, { enrollmentId: 'e1', report: { uuid: a!.uuid, result: { status: 'acknowledged' } }, commandDue: false });
        assert.equal(second.recorded, 'recorded');
        assert.equal(second.next?.requestType, 'DeviceLock');
        // A repeated answer runs no handler: commandDue false is taken as it is.
        const repeated = await answerConnect(deps, { enrollmentId: 'e1', report: { uuid: a!.uuid, result: { status: 'acknowledged' } }, commandDue: false });
        assert.deepEqual(repeated, { recorded: 'already-recorded', next: undefined });
      });
    });

    it('answerConnect records the report, applies it once, then hands out the next command', async () => {
      await withQueue(dialect, async (queue) => {
        const [a] = await queue.enqueue(['e1'], cmd('DeviceInformation'));
        const [b] = await queue.enqueue(['e1'], lock);
        const applied: string[] = [];
        const deps = { queue, clock: fixedClock(at(1000)), results: { handle: async (c: QueuedCommand) => { applied.push(c.uuid); } } };
        const first = await answerConnect(deps, { enrollmentId: 'e1', report: 'idle' });
        assert.deepEqual({ recorded: first.recorded, next: first.next?.uuid }, { recorded: undefined, next: a!.uuid });
        const report = { uuid: a!.uuid, result: { status: 'acknowledged', response: { QueryResponses: {} } } } as const;
        const second = await answerConnect(deps, { enrollmentId: 'e1', report });
        assert.deepEqual({ recorded: second.recorded, next: second.next?.uuid }, { recorded: 'recorded', next: b!.uuid });
        const repeated = await answerConnect(deps, { enrollmentId: 'e1', report });
        assert.deepEqual({ recorded: repeated.recorded, next: repeated.next }, { recorded: 'already-recorded', next: undefined });
        assert.deepEqual(applied, [a!.uuid]);
        // NotNow: the command is not handed straight back in the same exchange.
        const notNow = await answerConnect(deps, { enrollmentId: 'e1', report: { uuid: b!.uuid, result: { status: 'not-now' } } });
        assert.deepEqual({ recorded: notNow.recorded, next: notNow.next }, { recorded: 'recorded', next: undefined });
        assert.deepEqual(applied, [a!.uuid]);
      });
    });

    if (dialect.name === 'postgres') {
      describe('with concurrent callers on several connections', () => {
        let shared: Awaited<ReturnType<typeof sharedDatabase>>;
        let replicas: Database[] = [];
        before(async () => {
          shared = await sharedDatabase('postgres');
          replicas = [await shared.open(10), await shared.open(10)];
        });
        after(async () => {
          for (const r of replicas) await r.close();
          await shared.drop();
        });

        it('20 concurrent next() calls hand out each command exactly once', async () => {
          const queues = replicas.map((r) => commandQueue(r.db, r.dialect, { clock: fixedClock(T0) }));
          const queued: QueuedCommand[] = [];
          for (let i = 0; i < 12; i++) queued.push(...await queues[0]!.enqueue(['busy'], cmd(`C${i}`)));
          const got = await Promise.all(Array.from({ length: 20 }, (_, i) => queues[i % 2]!.next('busy', T0)));
          const handed = got.filter((c): c is QueuedCommand => c !== undefined).map((c) => c.uuid);
          assert.equal(new Set(handed).size, handed.length, 'a command was handed out twice');
          // SKIP LOCKED may leave a caller empty-handed while others hold rows; what is left comes next.
          const rest = await drain(queues[0]!, 'busy', T0);
          assert.deepEqual([...handed, ...rest.map((c) => c.uuid)].sort(), queued.map((c) => c.uuid).sort());
          for (const c of await queues[1]!.forEnrollment('busy')) assert.equal(c.deliveries, 1);
        });
      });
    }
  });
}
