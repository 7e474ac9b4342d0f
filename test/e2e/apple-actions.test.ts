// Inventory and remote actions end to end: the admin acts through Graph, a simulated device
// (sim/apple) receives Apple's commands over the wire, and deviceActionResults follow its answers.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testDialects } from '../../src/store/testing.js';
import { appleTestAppFor, enrolledDevice, type DeviceKind } from '../support/apple.js';
import { bearer } from '../support/http.js';

const admin = bearer(
  'Microsoft.Intune_ManagedDevices_Read', 'Microsoft.Intune_ManagedDevices_Delete', 'Microsoft.Intune_RemoteTasks_RemoteLock',
  'Microsoft.Intune_RemoteTasks_Wipe', 'Microsoft.Intune_RemoteTasks_Retire', 'Microsoft.Intune_RemoteTasks_ResetPasscode',
  'Microsoft.Intune_RemoteTasks_RebootNow', 'Microsoft.Intune_RemoteTasks_ShutDown', 'Microsoft.Intune_RemoteTasks_SyncDevice',
  'Microsoft.Intune_RemoteTasks_LocateDevice', 'Microsoft.Intune_RemoteTasks_DisableLostMode',
);

interface ActionResult { actionName: string; actionState: string; failureReason: string | null; unlockPin?: string }

for (const dialect of testDialects()) {
  describe(`Apple inventory and remote actions on ${dialect.name}`, () => {
    const app = appleTestAppFor(dialect);
    const enroll = (kind: DeviceKind, options: { supervised?: boolean; passcodePresent?: boolean } = {}) => enrolledDevice(app.t, kind, options);
    const getDevice = async (id: string) => {
      const res = await app.t.app.inject({ url: `/v1.0/deviceManagement/managedDevices/${id}`, headers: admin });
      assert.equal(res.statusCode, 200, res.body);
      return res.json<Record<string, unknown> & { deviceActionResults: ActionResult[] }>();
    };
    const act = (id: string, action: string, payload?: Record<string, unknown>) =>
      app.t.app.inject({ method: 'POST', url: `/v1.0/deviceManagement/managedDevices/${id}/${action}`, headers: admin, ...(payload ? { payload } : {}) });
    const result = async (id: string, action: string) => (await getDevice(id)).deviceActionResults.find((r) => r.actionName === action);

    it('fills Graph\'s properties from the inventory the device reports after enrolling', async () => {
      const { device, id } = await enroll('iPhone', { supervised: true });
      const session = await device.connect();
      const asked = session.commands.map((c) => c.RequestType);
      for (const r of ['DeviceInformation', 'SecurityInfo', 'InstalledApplicationList', 'ProfileList', 'CertificateList']) assert.ok(asked.includes(r), `${r} was asked for: ${asked.join(', ')}`);
      assert.ok(session.commands.every((c) => c.Status === 'Acknowledged'));
      const d = await getDevice(id);
      const hw = device.state.hardware;
      assert.equal(d.osVersion, hw.osVersion);
      assert.equal(d.serialNumber, hw.serialNumber);
      assert.equal(d.isSupervised, true);
      assert.equal(d.manufacturer, 'Apple');
      assert.ok(Number(d.totalStorageSpaceInBytes) > 0, 'capacity from DeviceCapacity');
      assert.equal(d.isEncrypted, true, 'an iPhone with a passcode has data protection');
      const apps = await app.t.app.inject({ url: `/v1.0/deviceManagement/managedDevices/${id}/detectedApps`, headers: admin });
      assert.equal(apps.statusCode, 200, apps.body);
      assert.equal(apps.json<{ value: unknown[] }>().value.length, device.state.apps.length);
    });

    it('locks an iPhone with a message and phone number, and records the action done', async () => {
      const { device, id } = await enroll('iPhone');
      await device.connect();
      const res = await act(id, 'remoteLock', { message: 'Found? Call IT', phoneNumber: '+1 555 0100' });
      assert.equal(res.statusCode, 204, res.body);
      assert.equal((await result(id, 'remoteLock'))?.actionState, 'pending');
      const session = await device.connect();
      assert.deepEqual(session.commands.map((c) => [c.RequestType, c.Status]), [['DeviceLock', 'Acknowledged']]);
      assert.equal(device.state.locked, true);
      assert.equal(device.state.lastLock?.Message, 'Found? Call IT');
      assert.equal(device.state.lastLock?.PhoneNumber, '+1 555 0100');
      assert.equal((await result(id, 'remoteLock'))?.actionState, 'done');
    });

    it('resets an iPhone\'s passcode with its UnlockToken, and refuses it on a Mac with nothing queued', async () => {
      const { device, id } = await enroll('iPhone');
      await device.connect();
      assert.equal((await act(id, 'resetPasscode')).statusCode, 204);
      const session = await device.connect();
      assert.deepEqual(session.commands.map((c) => [c.RequestType, c.Status]), [['ClearPasscode', 'Acknowledged']]);
      assert.equal(device.state.passcodePresent, false);
      assert.equal((await result(id, 'resetPasscode'))?.actionState, 'done');

      const mac = await enroll('Mac');
      await mac.device.connect();
      const refused = await act(mac.id, 'resetPasscode');
      assert.equal(refused.statusCode, 409, refused.body);
      assert.match(refused.json<{ error: { message: string } }>().error.message, /macOS/i);
      assert.deepEqual((await mac.device.connect()).commands, [], 'nothing was queued');
    });

    it('refuses what an unsupervised iPhone cannot do, with nothing queued', async () => {
      const { device, id } = await enroll('iPhone', { supervised: false });
      await device.connect();
      for (const action of ['shutDown', 'locateDevice', 'disableLostMode']) {
        const res = await act(id, action);
        assert.equal(res.statusCode, 409, `${action}: ${res.body}`);
        assert.match(res.json<{ error: { message: string } }>().error.message, /supervised|lost mode/i);
      }
      assert.deepEqual((await device.connect()).commands, []);
    });

    it('reports a failed action with the device\'s reason', async () => {
      const { device, id } = await enroll('iPhone', { supervised: true });
      await device.connect();
      assert.equal((await act(id, 'rebootNow')).statusCode, 204);
      device.failNext('RestartDevice', [{ ErrorCode: 12004, ErrorDomain: 'MCMDMErrorDomain', LocalizedDescription: 'Restart is not allowed now', USEnglishDescription: 'Restart is not allowed now' }]);
      await device.connect();
      const r = await result(id, 'rebootNow');
      assert.equal(r?.actionState, 'failed');
      assert.match(r?.failureReason ?? '', /Restart is not allowed now/);
    });

    it('erases a Mac with the six-digit PIN Graph\'s macOsUnlockCode gives, and refuses it without one', async () => {
      const { device, id } = await enroll('Mac');
      await device.connect();
      const missing = await act(id, 'wipe', {});
      assert.equal(missing.statusCode, 400, missing.body);
      assert.equal((await act(id, 'wipe', { macOsUnlockCode: '12345' })).statusCode, 400);
      assert.equal((await act(id, 'wipe', { macOsUnlockCode: '123456' })).statusCode, 204);
      const session = await device.connect();
      assert.deepEqual(session.commands.map((c) => c.RequestType), ['EraseDevice']);
      assert.equal(session.end, 'erased');
      assert.equal(device.state.erased, true);
      assert.equal((await result(id, 'wipe'))?.actionState, 'done');
    });

    it('retires a device: Steward\'s profile goes, the device checks out and leaves managedDevices', async () => {
      const { device, id } = await enroll('iPad');
      await device.connect();
      assert.equal((await act(id, 'retire')).statusCode, 204);
      const session = await device.connect();
      assert.ok(session.commands.some((c) => c.RequestType === 'RemoveProfile'));
      assert.equal(session.end, 'unenrolled');
      assert.equal(device.enrolled, false);
      assert.equal((await app.t.core.appleEnrollments.get(id))?.state, 'unenrolled');
      const gone = await app.t.app.inject({ url: `/v1.0/deviceManagement/managedDevices/${id}`, headers: admin });
      assert.equal(gone.statusCode, 404);
    });

    it('syncs on demand and deletes a device so that its next check-in is refused', async () => {
      const { device, id } = await enroll('iPhone');
      await device.connect();
      assert.equal((await act(id, 'syncDevice')).statusCode, 204);
      const session = await device.connect();
      assert.ok(session.commands.some((c) => c.RequestType === 'DeviceInformation'));
      const del = await app.t.app.inject({ method: 'DELETE', url: `/v1.0/deviceManagement/managedDevices/${id}`, headers: admin });
      assert.equal(del.statusCode, 204);
      const after = await device.connect();
      assert.equal(after.httpStatus, 403);
      const unknown = await act('00000000-0000-0000-0000-000000000000', 'remoteLock');
      assert.equal(unknown.statusCode, 404);
    });
  });
}
