// Waking Windows PCs through WNS, with the real store on SQLite and PostgreSQL and a stand-in for
// WNS: the PFN and channel Gets queued with the inventory, the channel stored from the PC's
// Results, a remote action that reaches the channel with a raw notification, an expired channel
// forgotten; and without WNS settings nothing is sent (PCs keep to their poll schedule).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { testDialects } from '../../store/testing.js';
import { storePorts } from '../../store/ports.js';
import type { Database } from '../../store/database.js';
import { createWnsSender } from '../../push/wns.js';
import { FakeWns, localhostCertificate } from '../../../test/support/wns.js';
import { aManagedDevice } from '../../../test/support/devices.js';
import { systemClock } from '../clock.js';
import { makeCore, type Core } from '../deps.js';
import { allScope } from '../rbac/scope.js';
import { runDeviceAction } from '../actions/run-device-action.js';
import type { WindowsEnrollment } from '../enrollment/ports.js';
import type { QueuedCommand } from '../commands/ports.js';
import { windowsActionPlanner } from '../windows/action-planner.js';
import { windowsSessionStart } from '../windows/session-start.js';
import { windowsResultHandler } from '../windows/result-handler.js';
import { parseWindowsCommand } from '../windows/command-payload.js';
import { wnsChannelCommands } from '../windows/wns-channel.js';
import { combineWakers, createWindowsWaker, type ClosableDeviceWaker } from './wake-windows.js';
import type { WakeLog } from './wake-devices.js';

const PFN = 'Contoso.StewardPush_8wekyb3d8bbwe';
const PUSH = './Vendor/MSFT/DMClient/Provider/Steward/Push';

const quietLog = (): WakeLog & { lines: string[] } => {
  const lines: string[] = [];
  const at = (level: string) => (details: object, message: string) => { lines.push(`${level} ${message} ${JSON.stringify(details)}`); };
  return { lines, debug: at('debug'), warn: at('warn'), error: at('error') };
};

function enrollment(id: string): WindowsEnrollment {
  return {
    id, profileId: null, userId: null, ownership: 'company', state: 'enrolled', deviceId: `dev-${id}`, hwDevId: null,
    deviceName: 'DESKTOP-1', osVersion: '10.0.26100.1', osEdition: '48', enrollmentType: 'Device',
    identitySerial: id.replace(/[^0-9a-f]/g, '').slice(0, 16) + '01', identityNotAfter: new Date(Date.now() + 365 * 86400_000).toISOString(),
    createdAt: new Date().toISOString(), lastSeenAt: null, unenrolledAt: null,
  };
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1000 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.ok(check(), what);
}

const targetsOf = (c: QueuedCommand) => {
  const p = parseWindowsCommand(c.payload);
  return p.verb === 'Atomic' ? [] : p.items.map((i) => `${p.verb} ${i.target}${i.data === undefined ? '' : ` = ${i.data}`}`);
};

for (const dialect of testDialects()) {
  describe(`waking Windows PCs through WNS on ${dialect.name}`, () => {
    const wns = new FakeWns();
    let tls: { key: string; cert: string };
    let database: Database;

    before(async () => {
      tls = localhostCertificate();
      await wns.start(tls);
      database = await dialect.open();
    });
    after(async () => { await wns.stop(); await database.close(); });

    /** Core as main.ts builds it: the Apple and Windows wakers combined, WNS on or off. */
    function build(options: { wns: boolean }): { core: Core; waker: ClosableDeviceWaker; log: ReturnType<typeof quietLog> } {
      const ports = storePorts(database);
      const log = quietLog();
      const windows = createWindowsWaker({
        enrollments: ports.windowsEnrollments,
        sender: options.wns
          ? createWnsSender({ packageSid: 'ms-app://s-1-15-2-1-2-3', clientSecret: 'secret', tokenUrl: `${wns.url}/accesstoken.srf`, channelHosts: ['localhost'], ca: tls.cert, retryDelayMs: 5 })
          : undefined,
        log,
      });
      const apple: ClosableDeviceWaker = { wake: () => Promise.resolve(), close: () => Promise.resolve() };
      const waker = combineWakers(apple, windows);
      const core = makeCore(ports, systemClock, { waker, ...(options.wns ? { wns: { packageFamilyName: PFN } } : {}) });
      return { core, waker, log };
    }

    async function aPC(core: Core): Promise<string> {
      const id = randomUUID();
      await core.windowsEnrollments.create(enrollment(id));
      await core.devices.put(aManagedDevice({ id, operatingSystem: 'Windows', deviceName: 'DESKTOP-1', manufacturer: 'Contoso', model: 'Laptop' }));
      return id;
    }

    /** The PC's first session: inventory is due; with WNS the PFN and the channel Gets come with it. */
    async function firstSession(core: Core, id: string): Promise<QueuedCommand[]> {
      const e = await core.windowsEnrollments.get(id);
      assert.ok(e);
      await windowsSessionStart(core)(e, { initiator: 'client', devInfo: {}, loginStatus: undefined, checkIn: true });
      return core.commands.forEnrollment(id);
    }

    /** The PC answers the PFN Replace (200) and the channel Get (its Results). */
    async function answerPush(core: Core, commands: readonly QueuedCommand[], channelUri: string): Promise<void> {
      const handler = windowsResultHandler(core);
      for (const c of commands) {
        const targets = targetsOf(c);
        if (targets.some((t) => t.startsWith(`Replace ${PUSH}/PFN`))) {
          await handler.handle(c, { uuid: c.uuid, result: { status: 'acknowledged', response: { statuses: [{ code: '200' }], results: [] } } });
        }
        if (targets.some((t) => t === `Get ${PUSH}/ChannelURI`)) {
          await handler.handle(c, { uuid: c.uuid, result: { status: 'acknowledged', response: {
            statuses: [{ code: '200' }],
            results: [{ target: `${PUSH}/ChannelURI`, format: 'chr', data: channelUri }, { target: `${PUSH}/Status`, format: 'int', data: '0' }],
          } } });
        }
      }
    }

    it('queues the PFN and the channel Gets with the first inventory, stores the channel, and sends the PFN once', async () => {
      const { core, waker } = build({ wns: true });
      const id = await aPC(core);
      const queued = await firstSession(core, id);
      const all = queued.flatMap(targetsOf);
      assert.ok(all.includes(`Replace ${PUSH}/PFN = ${PFN}`), all.join('\n'));
      assert.ok(all.includes(`Get ${PUSH}/ChannelURI`) && all.includes(`Get ${PUSH}/Status`));

      await answerPush(core, queued, wns.channel(`pc-${id}`));
      const stored = await core.windowsEnrollments.get(id);
      assert.equal(stored?.wnsPfn, PFN);
      assert.equal(stored?.wnsChannelUri, wns.channel(`pc-${id}`));
      assert.equal(stored?.wnsChannelStatus, '0');
      assert.deepEqual(await core.windowsEnrollments.wnsChannels([id, 'someone-else']), [{ enrollmentId: id, channelUri: wns.channel(`pc-${id}`) }]);

      // The next refresh asks for the channel again, but not the PFN the PC already has.
      const again = wnsChannelCommands({ packageFamilyName: PFN }, stored ?? {}, new Date()).flatMap((c) => {
        const p = parseWindowsCommand(c.payload);
        return p.verb === 'Atomic' ? [] : p.items.map((i) => `${p.verb} ${i.target}`);
      });
      assert.deepEqual(again, [`Get ${PUSH}/ChannelURI`, `Get ${PUSH}/Status`]);
      await waker.close();
    });

    it('a PC that had no channel yet when asked is asked again in a later session, not in every one', async () => {
      const { core: base, waker } = build({ wns: true });
      let offset = 0;
      const core: Core = { ...base, clock: { now: () => new Date(Date.now() + offset) } };
      const id = await aPC(core);
      const queued = await firstSession(core, id);
      await answerPush(core, queued, '');
      assert.equal((await core.windowsEnrollments.get(id))?.wnsPfn, PFN);
      assert.equal((await core.windowsEnrollments.get(id))?.wnsChannelUri, undefined, 'an empty ChannelURI is no channel');
      const channelGets = async () => (await core.commands.forEnrollment(id)).filter((c) => targetsOf(c).includes(`Get ${PUSH}/ChannelURI`)).length;
      assert.equal(await channelGets(), 1);

      await firstSession(core, id);
      assert.equal(await channelGets(), 1, 'not again a moment later');
      offset = 3 * 60_000;
      const later = await firstSession(core, id);
      assert.equal(await channelGets(), 2, 'asked again at a session minutes later');
      assert.equal(later.filter((c) => targetsOf(c).some((t) => t.startsWith(`Replace ${PUSH}/PFN`))).length, 1, 'the PFN the PC accepted is not set again');
      await waker.close();
    });

    it('a remote action, and an enqueue followed by core.waker.wake, reach the PC\'s channel as a raw notification', async () => {
      const { core, waker, log } = build({ wns: true });
      const id = await aPC(core);
      await answerPush(core, await firstSession(core, id), wns.channel(`act-${id}`));
      const path = `/ch/act-${id}`;
      const posted = () => wns.notifications.filter((n) => n.path === path);

      await runDeviceAction({ ...core, planners: [windowsActionPlanner(core)] }, { deviceId: id, scope: allScope, request: { action: 'rebootNow' }, initiatedBy: 'admin' });
      await until(() => posted().length === 1, 'the action woke the PC');
      assert.equal(posted()[0]?.headers['x-wns-type'], 'wns/raw');
      assert.equal(posted()[0]?.headers['content-type'], 'application/octet-stream');

      // The sender coalesces a wake into one still in flight to the same channel: let the action's
      // finish (WNS answered) before waking again.
      await until(() => log.lines.some((l) => l.includes('Windows PCs woken')), 'the action\'s wake finished');
      // Apple ids and unknown ids in the same wake are left to the Apple waker.
      await core.waker.wake([id, 'an-iphone', id]);
      assert.equal(posted().length, 2, 'one notification for the PC named twice');
      assert.ok(!log.lines.some((l) => l.startsWith('error')), log.lines.join('\n'));
      await waker.close();
    });

    it('an expired channel (410) is forgotten, unless the PC reported a new one meanwhile', async () => {
      const { core, waker, log } = build({ wns: true });
      const id = await aPC(core);
      await answerPush(core, await firstSession(core, id), wns.channel(`old-${id}`));
      wns.answers.set(`/ch/old-${id}`, (res) => res.writeHead(410).end());
      await core.waker.wake([id]);
      assert.equal((await core.windowsEnrollments.get(id))?.wnsChannelUri, undefined);
      assert.deepEqual(await core.windowsEnrollments.wnsChannels([id]), []);
      assert.ok(log.lines.some((l) => l.includes('WNS channel expired')));
      assert.equal(await core.windowsEnrollments.clearWnsChannel(id, wns.channel(`old-${id}`)), false);

      await core.windowsEnrollments.update(id, { wnsChannelUri: wns.channel(`new-${id}`) });
      assert.equal(await core.windowsEnrollments.clearWnsChannel(id, wns.channel(`old-${id}`)), false, 'a newer channel stays');
      assert.equal((await core.windowsEnrollments.get(id))?.wnsChannelUri, wns.channel(`new-${id}`));
      await waker.close();
    });

    it('without WNS settings: no PFN is given, nothing is sent, PCs keep to their poll schedule', async () => {
      const { core, waker } = build({ wns: false });
      const id = await aPC(core);
      const queued = await firstSession(core, id);
      assert.ok(queued.length > 0, 'the inventory is queued');
      assert.ok(!queued.flatMap(targetsOf).some((t) => t.includes('/Push/')), 'no DMClient Push commands');

      // Even a PC that reported a channel under an earlier configuration is not notified.
      await core.windowsEnrollments.update(id, { wnsChannelUri: wns.channel(`off-${id}`) });
      await runDeviceAction({ ...core, planners: [windowsActionPlanner(core)] }, { deviceId: id, scope: allScope, request: { action: 'rebootNow' }, initiatedBy: 'admin' });
      await core.waker.wake([id]);
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(wns.notifications.filter((n) => n.path === `/ch/off-${id}`).length, 0);
      await waker.close();
    });
  });
}
