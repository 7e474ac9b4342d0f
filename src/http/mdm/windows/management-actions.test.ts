// Remote actions on Windows PCs through the shared queue, and what survives a server that dies
// mid-session: the Windows ActionPlanner's commands go out in the PC's next OMA-DM session over
// mutual TLS and settle the action with the PC's Status; on SQLite and PostgreSQL.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testDialects } from '../../../store/testing.js';
import type { Database } from '../../../store/database.js';
import { allScope } from '../../../core/rbac/scope.js';
import { runDeviceAction, type RunDeviceActionDeps } from '../../../core/actions/run-device-action.js';
import type { RemoteActionRequest } from '../../../core/actions/planner.js';
import { windowsActionPlanner } from '../../../core/windows/action-planner.js';
import { syncml, windowsCommand } from '../../../core/windows/command-payload.js';
import { INVENTORY_GETS } from '../../../core/windows/inventory-commands.js';
import { StewardError } from '../../../core/errors.js';
import { bearer } from '../../../../test/support/http.js';
import { anEnrolledPC, managementTestApp, type ManagementTestApp } from '../../../../test/support/windows-management.js';

const wipe = (over: Partial<Extract<RemoteActionRequest, { action: 'wipe' }>> = {}): RemoteActionRequest => ({ action: 'wipe', keepEnrollmentData: false, keepUserData: false, persistEsimDataPlan: false, ...over });

for (const dialect of testDialects()) {
  describe(`Windows remote actions and sessions on ${dialect.name}`, () => {
    let database: Database;
    let t: ManagementTestApp;
    let deps: RunDeviceActionDeps;

    const act = (deviceId: string, request: RemoteActionRequest) => runDeviceAction(deps, { deviceId, scope: allScope, request, initiatedBy: 'admin' });
    /** A PC enrolled and through its first session (inventory answered). */
    const aManagedPC = async (options: Parameters<typeof anEnrolledPC>[1] = {}) => {
      const enrolled = await anEnrolledPC(t, options);
      await enrolled.pc.sync();
      return enrolled;
    };

    before(async () => {
      database = await dialect.open();
      t = await managementTestApp(database);
      deps = { ...t.core, planners: [windowsActionPlanner(t.core)] };
    });
    after(async () => {
      await t.close();
      await database.close();
    });

    it('wipe: doWipe, or doWipePersistUserData with keepUserData; the PC accepts, the action is done and the enrollment ends', async () => {
      const { pc, enrollmentId } = await aManagedPC();
      const { action } = await act(enrollmentId, wipe({ keepUserData: true }));
      assert.equal(action.actionState, 'pending');
      assert.equal((await t.core.devices.get(enrollmentId, allScope))?.managementState, 'wipePending');
      const report = await pc.sync();
      assert.deepEqual(report.handled, [{ kind: 'Exec', targets: ['./Device/Vendor/MSFT/RemoteWipe/doWipePersistUserData'], status: '200' }]);
      assert.equal((await t.core.deviceActions.get(action.id))?.actionState, 'done');
      assert.equal((await t.core.devices.get(enrollmentId, allScope))?.managementState, 'wipeIssued');
      assert.equal((await t.core.windowsEnrollments.get(enrollmentId))?.state, 'unenrolled');
      assert.equal(pc.enrolled, false);

      const other = await aManagedPC();
      await act(other.enrollmentId, wipe());
      assert.deepEqual((await other.pc.sync()).handled.map((h) => h.targets[0]), ['./Device/Vendor/MSFT/RemoteWipe/doWipe']);
      await act((await aManagedPC()).enrollmentId, wipe({ keepEnrollmentData: true }));
      await assert.rejects(act((await aManagedPC()).enrollmentId, wipe({ macOsUnlockCode: '123456' })), (e: unknown) => e instanceof StewardError && e.code === 'invalid-input');
    });

    it('rebootNow, syncDevice and retire (DMClient Unenroll of Steward\'s provider) go out in the next session', async () => {
      const { pc, enrollmentId } = await aManagedPC();
      await act(enrollmentId, { action: 'rebootNow' });
      await act(enrollmentId, { action: 'syncDevice' });
      const report = await pc.sync();
      assert.deepEqual(report.handled.map((h) => h.targets[0]), ['./Device/Vendor/MSFT/Reboot/RebootNow', ...INVENTORY_GETS.map((g) => g[0])]);
      assert.deepEqual(pc.tree.executed.map((e) => e.target), ['./Device/Vendor/MSFT/Reboot/RebootNow']);

      const { action } = await act(enrollmentId, { action: 'retire' });
      await pc.sync();
      assert.deepEqual(pc.tree.executed.at(-1), { target: './Vendor/MSFT/DMClient/Provider/Steward/Unenroll', data: 'Steward' });
      assert.equal((await t.core.deviceActions.get(action.id))?.actionState, 'done');
      assert.equal((await t.core.devices.get(enrollmentId, allScope))?.managementState, 'retireIssued');
      assert.equal((await t.core.windowsEnrollments.get(enrollmentId))?.state, 'unenrolled');
    });

    it('goes through Graph\'s actions: rebootNow on a PC is queued, delivered and shown in deviceActionResults', async () => {
      const { pc, enrollmentId } = await aManagedPC();
      const headers = bearer('Microsoft.Intune_RemoteTasks_RebootNow', 'Microsoft.Intune_ManagedDevices_Read', 'Microsoft.Intune_RemoteTasks_ResetPasscode');
      const res = await t.app.inject({ method: 'POST', url: `/v1.0/deviceManagement/managedDevices/${enrollmentId}/rebootNow`, headers });
      assert.equal(res.statusCode, 204, res.body);
      assert.deepEqual((await pc.sync()).handled.map((h) => h.targets[0]), ['./Device/Vendor/MSFT/Reboot/RebootNow']);
      const device = await t.app.inject({ url: `/v1.0/deviceManagement/managedDevices/${enrollmentId}`, headers });
      const results = device.json<{ deviceActionResults: { actionName: string; actionState: string }[] }>().deviceActionResults;
      assert.deepEqual(results.map((r) => [r.actionName, r.actionState]), [['rebootNow', 'done']]);
      const refused = await t.app.inject({ method: 'POST', url: `/v1.0/deviceManagement/managedDevices/${enrollmentId}/resetPasscode`, headers });
      assert.equal(refused.statusCode, 409, refused.body);
    });

    it('remoteLock: refused on desktop editions, sent to Windows Holographic; the PC\'s 405 (no PIN) fails the action with its reason', async () => {
      const desktop = await aManagedPC();
      await assert.rejects(act(desktop.enrollmentId, { action: 'remoteLock' }), (e: unknown) => e instanceof StewardError && e.code === 'conflict' && /desktop editions cannot be locked remotely/.test(e.message));
      for (const refused of ['shutDown', 'locateDevice', 'enableLostMode', 'resetPasscode'] as const) {
        await assert.rejects(act(desktop.enrollmentId, { action: refused }), (e: unknown) => e instanceof StewardError && e.code === 'conflict');
      }

      const hololens = await aManagedPC({ hardware: { edition: 136, osPlatform: 'Windows Holographic for Business', hasPin: false } });
      const { action } = await act(hololens.enrollmentId, { action: 'remoteLock' });
      const report = await hololens.pc.sync();
      assert.deepEqual(report.handled, [{ kind: 'Exec', targets: ['./Vendor/MSFT/RemoteLock/Lock'], status: '405' }]);
      const after = await t.core.deviceActions.get(action.id);
      assert.equal(after?.actionState, 'failed');
      assert.match(after?.failureReason ?? '', /Exec \.\/Vendor\/MSFT\/RemoteLock\/Lock failed on the device: Command not allowed.*\(syncml 405\)/);
    });

    it('nothing is lost when the server dies mid-session: the command comes again in a later session and is recorded once', async () => {
      const { pc, enrollmentId } = await aManagedPC();
      const { action } = await act(enrollmentId, { action: 'rebootNow' });
      const [uuid] = action.commandUuids;

      // The PC opens a session and gets the reboot; the server dies before the PC's answer arrives.
      const session = pc.session();
      const reply = await session.start();
      assert.equal(reply.commands.length, 1);
      await t.close();
      await assert.rejects(session.answer(reply));
      assert.equal(pc.tree.executed.length, 1, 'the PC rebooted, but nobody heard');

      // A new Steward on the same database: no session state at all.
      const t2 = await managementTestApp(database, { clock: t.clock });
      pc.options.url = `${t2.url ?? ''}/ManagementServer/MDM.svc`;
      try {
        // The command was handed out: not again at once…
        assert.deepEqual((await pc.sync()).handled, []);
        assert.equal((await t2.core.commands.results(uuid ?? ''))?.state, 'sent');
        // …but after the redelivery timeout (5 minutes), in the PC's next session.
        t.clock.advance(5 * 60_000 + 1000);
        const later = await pc.sync();
        assert.deepEqual(later.handled, [{ kind: 'Exec', targets: ['./Device/Vendor/MSFT/Reboot/RebootNow'], status: '200' }]);
        const stored = await t2.core.commands.results(uuid ?? '');
        assert.equal(stored?.state, 'acknowledged');
        assert.equal(stored?.deliveries, 2);
        assert.equal(await t2.core.commands.record(enrollmentId, uuid ?? '', { status: 'acknowledged' }, new Date()), 'already-recorded', 'answered once');
        assert.equal((await t2.core.deviceActions.get(action.id))?.actionState, 'done');
      } finally {
        await t2.close();
        t = await managementTestApp(database, { clock: t.clock });
      }
    });

    it('respects MaxMsgSize: forty commands reach a PC that takes 4 KB messages, over several messages, each answered once', async () => {
      const { pc, enrollmentId } = await aManagedPC({ maxMsgSize: 4096 });
      pc.options.url = `${t.url ?? ''}/ManagementServer/MDM.svc`;
      const queued = [];
      for (let i = 0; i < 40; i++) queued.push(...await t.core.commands.enqueue([enrollmentId], windowsCommand(syncml.get(`./Vendor/MSFT/DeviceStatus/UAC/Status?n=${i}`))));
      const report = await pc.sync();
      assert.ok(report.replies.length >= 3, `${report.replies.length} server messages`);
      assert.ok(report.replies.slice(0, -1).some((r) => !r.final), 'a message without Final while more follows');
      assert.equal(report.handled.length, 40);
      assert.deepEqual(report.handled.map((h) => h.targets[0]), queued.map((_, i) => `./Vendor/MSFT/DeviceStatus/UAC/Status?n=${i}`), 'in queue order');
      const states = await Promise.all(queued.map((c) => t.core.commands.results(c.uuid)));
      assert.ok(states.every((c) => c?.deliveries === 1 && c.state !== 'sent' && c.state !== 'pending'));
    });

    it('a queued command larger than the PC\'s MaxMsgSize fails with the reason instead of blocking the queue', async () => {
      const { pc, enrollmentId } = await aManagedPC({ maxMsgSize: 4096 });
      const [big] = await t.core.commands.enqueue([enrollmentId], windowsCommand({ verb: 'Replace', items: [{ target: './Vendor/MSFT/Policy/Config/Browser/HomePages', format: 'chr', data: 'x'.repeat(8000) }] }));
      const [small] = await t.core.commands.enqueue([enrollmentId], windowsCommand(syncml.exec('./Device/Vendor/MSFT/Reboot/RebootNow')));
      const report = await pc.sync();
      assert.deepEqual(report.handled.map((h) => h.targets[0]), ['./Device/Vendor/MSFT/Reboot/RebootNow']);
      const failed = await t.core.commands.results(big?.uuid ?? '');
      assert.equal(failed?.state, 'error');
      assert.match(JSON.stringify(failed?.result), /MaxMsgSize \(4096 bytes\)/);
      assert.equal((await t.core.commands.results(small?.uuid ?? ''))?.state, 'acknowledged');
    });
  });
}
