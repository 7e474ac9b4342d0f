import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeSyncML } from '../../protocol/windows/syncml.js';
import { encodeSyncML } from '../../protocol/windows/syncml-encode.js';
import { parseWindowsCommand, syncml, toCommandOut, windowsCommand, WindowsCommandError } from './command-payload.js';

const header = { sessionId: '1', msgId: '1', target: 'PC', source: 'https://s' };

describe('Windows commands on the queue', () => {
  it('is JSON the queue stores, with a requestType people can read, and encodes as one SyncML command', () => {
    const wipe = windowsCommand(syncml.exec('./Device/Vendor/MSFT/RemoteWipe/doWipe'), { priority: 10 });
    assert.deepEqual(wipe, { requestType: 'Exec ./Device/Vendor/MSFT/RemoteWipe/doWipe', payload: { verb: 'Exec', items: [{ target: './Device/Vendor/MSFT/RemoteWipe/doWipe' }] }, platform: 'windows', priority: 10 });
    const get = windowsCommand(syncml.get('./DevDetail/SwV', './DevDetail/OEM'));
    assert.equal(get.requestType, 'Get ./DevDetail/SwV (+1)');
    const atomic = windowsCommand({ verb: 'Atomic', commands: [{ verb: 'Add', items: [{ target: './Vendor/MSFT/Policy/Config/Camera/AllowCamera', format: 'int', data: '0' }] }, { verb: 'Delete', items: [{ target: './a' }] }] });
    assert.equal(atomic.requestType, 'Atomic Add ./Vendor/MSFT/Policy/Config/Camera/AllowCamera (+1)');
    const out = encodeSyncML({ header, statuses: [], commands: [get, atomic, wipe].map((c) => toCommandOut(parseWindowsCommand(c.payload))) });
    const back = decodeSyncML(out.xml);
    assert.deepEqual(back.commands.map((c) => c.type), ['Get', 'Atomic', 'Exec']);
    const add = back.commands[1]?.type === 'Atomic' ? back.commands[1].commands[0] : undefined;
    assert.deepEqual(add, { type: 'Add', cmdId: '3', items: [{ target: './Vendor/MSFT/Policy/Config/Camera/AllowCamera', meta: { format: 'int' }, data: '0' }] });
  });

  it('refuses what Windows would refuse or could not address', () => {
    const bad = (p: unknown) => assert.throws(() => parseWindowsCommand(p), WindowsCommandError);
    bad({ verb: 'Get', items: [] });
    bad({ verb: 'Get', items: [{ target: '/Vendor/MSFT/x' }] }); // "LocURI can't start with /"
    bad({ verb: 'Get', items: [{ target: './a b' }] });
    bad({ verb: 'Sequence', items: [{ target: './a' }] });
    bad({ verb: 'Atomic', commands: [{ verb: 'Get', items: [{ target: './a' }] }] }); // Get in Atomic: 500
    bad({ verb: 'Atomic', commands: [{ verb: 'Atomic', commands: [] }] }); // nested Atomic: 500
    bad({ verb: 'Replace', items: [{ target: './a', data: 1 }] });
    bad(null);
    bad('Get ./a');
    assert.throws(() => windowsCommand({ verb: 'Get', items: [{ target: '' }] }), WindowsCommandError);
  });
});
