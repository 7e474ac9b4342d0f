// Configuration delivery on SQLite and PostgreSQL: the store (assignments, per-device states, the
// answer only for the command that carries the current version, orphans), and reconcile over a
// fleet: a batch's commands and states written in one transaction (never one query per device),
// a steady fleet reconciled again queues and writes nothing, two replicas reconciling at once
// leave one state per device and profile, and a removal's state stays until the device answers.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testDialects, withTestDatabase } from './testing.js';
import { storePorts } from './ports.js';
import { makeCore } from '../core/deps.js';
import { systemClock } from '../core/clock.js';
import type { ConfigurationDeliveryStore } from '../core/configuration/delivery-ports.js';
import type { ConfigurationDeviceState } from '../core/configuration/delivery-ports.js';
import { reconcileFleet, type ReconcileDeps } from '../core/configuration/reconcile.js';
import { aManagedDevice } from '../../test/support/devices.js';

function aState(deviceId: string, configurationId: string, overrides: Partial<ConfigurationDeviceState> = {}): ConfigurationDeviceState {
  return {
    deviceId, configurationId, version: 1, status: 'pending', errorDetail: null, settingStates: [], commandUuid: `cmd-${deviceId}-${configurationId}`,
    removal: { platform: 'apple', identifier: `com.steward.configuration.${configurationId}` }, lastReportedDateTime: '2026-01-01T00:00:00.000Z',
    deviceName: 'iPhone', deviceModel: 'iPhone 15', userName: null, userPrincipalName: null, ...overrides,
  };
}

const profile = (id: string, settings: Record<string, unknown>, odataType = 'iosGeneralDeviceConfiguration') => ({
  id, odataType, displayName: `Profile ${id}`, description: null, version: 1, createdDateTime: '2026-01-01T00:00:00.000Z',
  lastModifiedDateTime: '2026-01-01T00:00:00.000Z', roleScopeTagIds: ['0'], settings,
});

for (const dialect of testDialects()) {
  describe(`configuration delivery on ${dialect.name}`, () => {
    it('stores assignments and states, answers only the current command, prunes orphans', () => withTestDatabase(dialect, async (database) => {
      const ports = storePorts(database);
      const store = ports.configurationDelivery;
      await ports.deviceConfigurations.create(profile('p1', { cameraBlocked: true }));
      await store.setAssignments('p1', [{ id: 'p1_allDevices', target: { kind: 'allDevices' } }, { id: 'p1_group_g', target: { kind: 'group', groupId: 'g' } }]);
      assert.deepEqual((await store.assignments('p1')).map((a) => a.id), ['p1_allDevices', 'p1_group_g']);
      await store.setAssignments('p1', [{ id: 'p1_group_h', target: { kind: 'group', groupId: 'h' } }]);
      assert.deepEqual([...(await store.allAssignments())].map(([k, v]) => [k, v.map((a) => a.target)]), [['p1', [{ kind: 'group', groupId: 'h' }]]]);

      const d1 = aManagedDevice();
      const d2 = aManagedDevice();
      await ports.devices.put(d1);
      await ports.devices.put(d2);
      await store.write([aState(d1.id, 'p1'), aState(d2.id, 'p1'), aState(d1.id, 'gone')], []);
      // Written twice (a second replica): the same rows.
      await store.write([aState(d1.id, 'p1'), aState(d2.id, 'p1')], []);
      assert.deepEqual((await store.forConfiguration('p1')).map((s) => s.deviceId).sort(), [d1.id, d2.id].sort());
      assert.deepEqual((await store.forDevices([d1.id])).get(d1.id)?.map((s) => s.configurationId), ['gone', 'p1']);

      // A newer version took over from the old command: the old one's answer changes nothing.
      await store.write([aState(d1.id, 'p1', { version: 2, commandUuid: 'v2' })], [{ deviceId: d1.id, configurationId: 'gone' }]);
      const answer = { status: 'succeeded' as const, errorDetail: null, settingStates: [], lastReportedDateTime: '2026-01-02T00:00:00.000Z' };
      assert.equal(await store.report(`cmd-${d1.id}-p1`, answer), false);
      assert.equal(await store.report('v2', answer), true);
      const [state] = (await store.forDevices([d1.id])).get(d1.id) ?? [];
      assert.deepEqual([state?.version, state?.status, state?.lastReportedDateTime, state?.removal], [2, 'succeeded', '2026-01-02T00:00:00.000Z', { platform: 'apple', identifier: 'com.steward.configuration.p1' }]);
      assert.equal((await store.byCommand('v2'))?.deviceId, d1.id);

      await ports.deviceRecords.removeDevice(d2.id, new Date());
      assert.equal(await store.pruneOrphans(), 1);
      assert.deepEqual([...(await store.forDevices([d1.id, d2.id])).keys()], [d1.id]);
      // Deleting the profile takes its assignments along; states stay until reconcile removes them.
      await ports.deviceConfigurations.delete('p1');
      assert.deepEqual(await store.assignments('p1'), []);
      assert.equal((await store.forDevices([d1.id])).get(d1.id)?.length, 1);
    }));

    it('ends a state only when the answer to its removal confirms it', () => withTestDatabase(dialect, async (database) => {
      const store = storePorts(database).configurationDelivery;
      const d = aManagedDevice();
      await store.write([aState(d.id, 'installing'), aState(d.id, 'going', { status: 'removing', commandUuid: 'rm' }), aState(d.id, 'reassigned', { status: 'pending', commandUuid: 'install' })], []);
      // An install's command is no removal; an unknown one removes nothing.
      assert.equal(await store.removed(`cmd-${d.id}-installing`), false);
      assert.equal(await store.removed('install'), false);
      assert.equal(await store.removed('unknown'), false);
      assert.equal(await store.removed('rm'), true);
      assert.equal(await store.removed('rm'), false, 'once');
      assert.deepEqual((await store.forDevices([d.id])).get(d.id)?.map((s) => s.configurationId), ['installing', 'reassigned']);
    }));

    it('reconciles a fleet in batches, idempotently and safely with two replicas at once', () => withTestDatabase(dialect, async (database) => {
      const ports = storePorts(database);
      const core = makeCore(ports, systemClock);
      let writes = 0;
      const configurationDelivery: ConfigurationDeliveryStore = { ...ports.configurationDelivery, write: (...args) => { writes++; return ports.configurationDelivery.write(...args); } };
      const woken: string[] = [];
      const deps: ReconcileDeps = { ...core, configurationDelivery, waker: { wake: (ids) => { woken.push(...ids); return Promise.resolve(); } } };
      const devices = Array.from({ length: 1100 }, (_, i) => aManagedDevice({ operatingSystem: i % 10 === 0 ? 'Windows' : 'iOS' }));
      for (const d of devices) await ports.devices.put(d);
      await ports.deviceConfigurations.create(profile('camera', { cameraBlocked: true }));
      await ports.deviceConfigurations.create(profile('wifi', { ssid: 'Staff', wiFiSecurityType: 'open' }, 'iosWiFiConfiguration'));
      for (const id of ['camera', 'wifi']) await ports.configurationDelivery.setAssignments(id, [{ id: `${id}_all`, target: { kind: 'allDevices' } }]);

      // Two replicas sweep at once.
      await Promise.all([reconcileFleet(deps, 500), reconcileFleet(deps, 500)]);
      const ios = devices.filter((d) => d.operatingSystem === 'iOS');
      const states = await ports.configurationDelivery.forDevices(devices.map((d) => d.id));
      assert.equal([...states.values()].flat().length, ios.length * 2);
      assert.ok(devices.filter((d) => d.operatingSystem === 'Windows').every((d) => !states.has(d.id)), 'iOS profiles never reach a PC');
      // At most one write (one transaction) per batch and replica: three batches, two replicas (a
      // replica that finds a batch already done by the other writes nothing for it).
      assert.ok(writes >= 3 && writes <= 3 * 2, `${writes} writes`);
      const first = ios[0]!;
      const queued = await ports.commands.forEnrollment(first.id);
      assert.ok(queued.length >= 2 && queued.length <= 4 && queued.every((c) => c.requestType === 'InstallProfile'));
      // Every state names a command queued for its device.
      for (const s of [...states.values()].flat()) assert.equal((await ports.commands.results(s.commandUuid ?? ''))?.enrollmentId, s.deviceId);
      assert.ok(woken.includes(first.id));

      // Steady: nothing written, nothing woken.
      writes = 0;
      woken.length = 0;
      await reconcileFleet(deps, 500);
      assert.deepEqual([writes, woken.length], [0, 0]);

      // Unassigned: one RemoveProfile per device, queued a batch at a time; each state stays,
      // removing and naming its RemoveProfile, until the device answers.
      await ports.configurationDelivery.setAssignments('wifi', []);
      await reconcileFleet(deps, 500);
      assert.equal(writes, 3);
      const removal = await ports.commands.forEnrollment(first.id, { requestType: 'RemoveProfile' });
      assert.equal(removal.length, 1);
      const removing = await ports.configurationDelivery.forConfiguration('wifi');
      assert.equal(removing.length, ios.length);
      assert.ok(removing.every((s) => s.status === 'removing' && s.settingStates.length === 0));
      assert.equal(removing.find((s) => s.deviceId === first.id)?.commandUuid, removal[0]?.uuid);
      // Steady again: a removal waiting for its answer is not queued twice.
      writes = 0;
      await reconcileFleet(deps, 500);
      assert.equal(writes, 0);
      assert.equal((await ports.commands.forEnrollment(first.id, { requestType: 'RemoveProfile' })).length, 1);
    }));
  });
}
