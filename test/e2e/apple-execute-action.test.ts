// Graph beta's bulk action (POST …/managedDevices/executeAction) end to end: one request sorts the
// devices into Graph's bulkManagedDeviceActionResult, queues for those that can do the action,
// and simulated devices (sim/apple) receive and answer the commands over the wire.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testDialects } from '../../src/store/testing.js';
import { appleTestAppFor, enrolledDevice } from '../support/apple.js';
import { bearer } from '../support/http.js';

const admin = bearer('Microsoft.Intune_ManagedDevices_Read', 'Microsoft.Intune_RemoteTasks_RebootNow', 'Microsoft.Intune_RemoteTasks_Wipe', 'Microsoft.Intune_RemoteTasks_SyncDevice');
const readOnly = bearer('Microsoft.Intune_ManagedDevices_Read');

interface BulkResult {
  successfulDeviceIds: string[];
  failedDeviceIds: string[];
  notFoundDeviceIds: string[];
  notSupportedDeviceIds: string[];
  failureReasons: Record<string, string>;
}
interface ActionResult { actionName: string; actionState: string }

for (const dialect of testDialects()) {
  describe(`executeAction on ${dialect.name}`, () => {
    const app = appleTestAppFor(dialect);
    const execute = (payload: Record<string, unknown>, headers = admin, version = 'beta') =>
      app.t.app.inject({ method: 'POST', url: `/${version}/deviceManagement/managedDevices/executeAction`, headers, payload });
    const actionResult = async (id: string, name: string) => {
      const res = await app.t.app.inject({ url: `/v1.0/deviceManagement/managedDevices/${id}`, headers: admin });
      assert.equal(res.statusCode, 200, res.body);
      return res.json<{ deviceActionResults: ActionResult[] }>().deviceActionResults.find((r) => r.actionName === name);
    };

    it('restarts every device that can restart, and sorts the rest as Graph does', async () => {
      const a = await enrolledDevice(app.t, 'iPhone', { supervised: true });
      const b = await enrolledDevice(app.t, 'iPad', { supervised: true });
      const unsupervised = await enrolledDevice(app.t, 'iPhone', { supervised: false });
      for (const d of [a, b, unsupervised]) await d.device.connect(); // the inventory says who is supervised
      const missing = '00000000-0000-4000-8000-000000000000';

      const res = await execute({ actionName: 'rebootNow', deviceIds: [a.id, unsupervised.id, missing, b.id, a.id] });
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json<BulkResult & { '@odata.context': string }>();
      assert.match(body['@odata.context'], /\/beta\/\$metadata#microsoft\.graph\.bulkManagedDeviceActionResult$/);
      assert.deepEqual(body.successfulDeviceIds, [a.id, b.id], 'in the order given, each once');
      assert.deepEqual(body.notSupportedDeviceIds, [unsupervised.id]);
      assert.deepEqual(body.notFoundDeviceIds, [missing]);
      assert.deepEqual(body.failedDeviceIds, []);
      assert.match(body.failureReasons[unsupervised.id] ?? '', /supervised/);

      for (const d of [a, b]) {
        assert.equal((await actionResult(d.id, 'rebootNow'))?.actionState, 'pending');
        const session = await d.device.connect();
        assert.deepEqual(session.commands.map((c) => [c.RequestType, c.Status]), [['RestartDevice', 'Acknowledged']]);
        assert.equal(d.device.state.restarts, 1);
        assert.equal((await actionResult(d.id, 'rebootNow'))?.actionState, 'done', 'the answer settles the action');
      }
      assert.deepEqual((await unsupervised.device.connect()).commands, [], 'nothing was queued for the device that cannot restart');
      assert.equal(await actionResult(unsupervised.id, 'rebootNow'), undefined);
    });

    it('queues every command of a many-command action in order (syncDevice), under /v1.0 too', async () => {
      const d = await enrolledDevice(app.t, 'iPhone', { supervised: true });
      await d.device.connect();
      const res = await execute({ actionName: 'syncDevice', deviceIds: [d.id] }, admin, 'v1.0');
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual(res.json<BulkResult>().successfulDeviceIds, [d.id]);
      const session = await d.device.connect();
      const asked = session.commands.map((c) => c.RequestType);
      assert.equal(asked[0], 'DeviceInformation');
      for (const r of ['SecurityInfo', 'InstalledApplicationList', 'ProfileList', 'CertificateList']) assert.ok(asked.includes(r), `${r} was asked for: ${asked.join(', ')}`);
      assert.equal((await actionResult(d.id, 'syncDevice'))?.actionState, 'done');
    });

    it('passes the action\'s parameters to each device and reports per device what cannot be done (wipe of a Mac needs its PIN)', async () => {
      const mac = await enrolledDevice(app.t, 'Mac');
      await mac.device.connect();
      const res = await execute({ actionName: 'wipe', deviceIds: [mac.id], keepUserData: false });
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json<BulkResult>();
      assert.deepEqual(body.notSupportedDeviceIds, [mac.id]);
      assert.match(body.failureReasons[mac.id] ?? '', /macOsUnlockCode/);
      assert.deepEqual((await mac.device.connect()).commands, []);
    });

    it('refuses an action it does not run, a parameter of another action, and an empty or missing device list, queuing nothing', async () => {
      const d = await enrolledDevice(app.t, 'iPhone', { supervised: true });
      await d.device.connect();
      const cases: [Record<string, unknown>, RegExp][] = [
        [{ actionName: 'fullScan', deviceIds: [d.id] }, /does not run 'fullScan'.*rebootNow/],
        [{ actionName: 'remoteLockEverything', deviceIds: [d.id] }, /not a managedDeviceRemoteAction/],
        [{ actionName: 'rebootNow', deviceIds: [d.id], keepUserData: true }, /keepUserData does not apply to rebootNow/],
        [{ actionName: 'rebootNow', deviceIds: [] }, /deviceIds/],
        [{ actionName: 'rebootNow' }, /deviceIds/],
        [{ actionName: 'rebootNow', deviceIds: [d.id], color: 'red' }, /color/],
      ];
      for (const [payload, message] of cases) {
        const res = await execute(payload);
        assert.equal(res.statusCode, 400, `${JSON.stringify(payload)}: ${res.body}`);
        assert.match(res.json<{ error: { message: string } }>().error.message, message);
      }
      assert.deepEqual((await d.device.connect()).commands, []);
    });

    it('needs the action\'s own permission: a caller who may only read devices is refused and nothing is queued', async () => {
      const d = await enrolledDevice(app.t, 'iPhone', { supervised: true });
      await d.device.connect();
      const res = await execute({ actionName: 'rebootNow', deviceIds: [d.id] }, readOnly);
      assert.equal(res.statusCode, 403, res.body);
      assert.match(res.json<{ error: { message: string } }>().error.message, /RebootNow/);
      assert.deepEqual((await d.device.connect()).commands, []);
    });
  });
}
