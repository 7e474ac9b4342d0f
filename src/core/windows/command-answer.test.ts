import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { QueuedCommand } from '../commands/ports.js';
import { commandResult, windowsResponseOf } from './command-answer.js';
import { inventoryFromResponse } from './inventory-results.js';
import type { CollectedAnswer, CollectedStatus } from './session-table.js';

const command = (payload: QueuedCommand['payload']): QueuedCommand => ({
  uuid: 'u', enrollmentId: 'e', platform: 'windows', requestType: 'x', payload, priority: 0, state: 'sent',
  createdAt: new Date(0), notBefore: new Date(0), sentAt: new Date(0), expiresAt: undefined, finishedAt: undefined, deliveries: 1, notNowCount: 0, result: undefined,
});
const exec = command({ verb: 'Exec', items: [{ target: './Device/Vendor/MSFT/Reboot/RebootNow' }] });
const get = command({ verb: 'Get', items: [{ target: './DevDetail/SwV' }, { target: './Vendor/MSFT/DeviceStatus/TPM/SpecificationVersion' }] });
const st = (code: string, over: Partial<CollectedStatus> = {}): CollectedStatus => ({ cmdId: '4', cmd: 'Exec', code, own: true, ...over });
const answer = (c: QueuedCommand, statuses: CollectedStatus[], results: CollectedAnswer['results'] = []): CollectedAnswer => ({ command: c, statuses, results });

describe('a Windows command\'s result from its Status and Results', () => {
  it('waits for the command\'s own status', () => {
    assert.equal(commandResult(answer(exec, [])), undefined);
    assert.equal(commandResult(answer(exec, [st('200', { own: false })])), undefined);
  });

  it('acknowledges 200, 202 (accepted for processing) and 1xx; SyncML has no NotNow', () => {
    for (const code of ['200', '202', '101']) assert.equal(commandResult(answer(exec, [st(code)]))?.status, 'acknowledged', code);
  });

  it('fails 4xx and 5xx with the code and the OMA DM table\'s words', () => {
    const r = commandResult(answer(exec, [st('405')]));
    assert.ok(r?.status === 'error');
    assert.deepEqual(r.errorChain, [{ domain: 'syncml', code: 405, description: 'Command not allowed on the target (a read-only node, or a lock without a PIN set).' }]);
    assert.deepEqual(windowsResponseOf(r.response), { statuses: [{ code: '405' }], results: [] });
  });

  it('reads a Get with one item missing (per-item statuses) as answered, and keeps the 404', () => {
    const r = commandResult(answer(get, [
      st('200', { cmd: 'Get', targetRef: './DevDetail/SwV' }),
      st('404', { cmd: 'Get', targetRef: './Vendor/MSFT/DeviceStatus/TPM/SpecificationVersion' }),
    ], [{ source: './DevDetail/SwV', format: 'chr', data: '10.0.19045.5011' }]));
    assert.equal(r?.status, 'acknowledged');
    const response = windowsResponseOf(r?.response);
    assert.ok(response);
    const { fields, facts } = inventoryFromResponse(response);
    assert.deepEqual(fields, { osVersion: '10.0.19045.5011' });
    assert.deepEqual(facts, { tpmSpecificationVersion: null }, 'no TPM: known absent');
    const absent = commandResult(answer(get, [st('404', { cmd: 'Get' })]));
    assert.equal(absent?.status, 'acknowledged', 'every node absent: an answer too');
    assert.deepEqual(inventoryFromResponse(windowsResponseOf(absent?.response) ?? { statuses: [], results: [] }).facts, { tpmSpecificationVersion: null });
    assert.equal(commandResult(answer(get, [st('500', { cmd: 'Get' })]))?.status, 'error', 'a failure is not an answer');
  });

  it('follows an Atomic\'s own status, with the failing child in the chain', () => {
    const atomic = command({ verb: 'Atomic', commands: [{ verb: 'Add', items: [{ target: './a' }] }, { verb: 'Replace', items: [{ target: './b' }] }] });
    const r = commandResult(answer(atomic, [st('507', { cmd: 'Atomic' }), st('216', { own: false, cmd: 'Add' }), st('405', { own: false, cmd: 'Replace' })]));
    assert.ok(r?.status === 'error');
    assert.deepEqual(r.errorChain.map((e) => e.code), [507, 405]);
    assert.match(r.errorChain[1]?.description ?? '', /\(Replace\)$/);
    assert.equal(commandResult(answer(atomic, [st('200', { cmd: 'Atomic' }), st('200', { own: false }), st('200', { own: false })]))?.status, 'acknowledged');
  });
});

describe('inventory from DevDetail and DeviceStatus answers', () => {
  it('fills the managedDevice and the facts, whatever case or ./Device prefix the PC writes', () => {
    const { fields, facts } = inventoryFromResponse({
      statuses: [{ code: '200' }],
      results: [
        { target: './DevDetail/SwV', data: '10.0.22631.4460' },
        { target: './DevDetail/OEM', data: 'Contoso' },
        { target: './devdetail/devtyp', data: 'Laptop 14' },
        { target: './DevDetail/Ext/Microsoft/SMBIOSSerialNumber', data: ' SN-1 ' },
        { target: './DevDetail/Ext/Microsoft/TotalRAM', data: '8192' },
        { target: './Device/Vendor/MSFT/DeviceStatus/Compliance/EncryptionCompliance', data: '0' },
        { target: './Vendor/MSFT/DeviceStatus/SecureBootState', data: '2' },
        { target: './Vendor/MSFT/DeviceStatus/Firewall/Status', data: '1' },
        { target: './Vendor/MSFT/DeviceStatus/DomainName', data: '' },
        { target: './Vendor/MSFT/DeviceStatus/OS/Mode', data: 'garbage' },
        { target: './Device/Vendor/MSFT/Policy/Result/DeviceLock/DevicePasswordEnabled', data: '0' },
      ],
    });
    assert.deepEqual(fields, { osVersion: '10.0.22631.4460', manufacturer: 'Contoso', model: 'Laptop 14', serialNumber: 'SN-1', physicalMemoryInBytes: 8192 * 1024 * 1024, isEncrypted: false });
    assert.deepEqual(facts, { totalRamMb: 8192, encryptionCompliant: false, secureBootState: 'disabled', firewallStatus: 1, domainName: '', devicePasswordEnabled: true });
    // DevicePasswordEnabled's 1 (the default) is "not required": the CSP's inverted sense.
    const off = inventoryFromResponse({ statuses: [{ code: '200' }], results: [{ target: './Vendor/MSFT/Policy/Result/DeviceLock/DevicePasswordEnabled', data: '1' }] });
    assert.deepEqual(off.facts, { devicePasswordEnabled: false });
  });
});
