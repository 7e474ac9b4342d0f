import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeSyncML } from './syncml.js';
import { packSyncML, replyHeader } from './syncml-encode.js';
import { describeSyncmlStatus, isSyncmlSuccess } from './syncml-status.js';
import { NEXT_MESSAGE_ALERT_BYTES, withNextMessageAlert } from './syncml-next-message.js';
import { dmClientUnenroll } from './csp.js';

describe('SyncML status codes ("OMA DM protocol support")', () => {
  it('counts 1xx and 2xx as done, except 215 (canceled by the user) and 216 (rolled back)', () => {
    for (const c of ['101', '200', '202', '212', '214']) assert.equal(isSyncmlSuccess(c), true, c);
    for (const c of ['215', '216', '400', '404', '405', '500', '507', 'abc', '']) assert.equal(isSyncmlSuccess(c), false, c);
  });
  it('describes the documented codes, and the others by class', () => {
    assert.match(describeSyncmlStatus('405'), /not allowed/);
    assert.match(describeSyncmlStatus('507'), /Atomic failed/);
    assert.match(describeSyncmlStatus('409'), /Originator exception/);
    assert.match(describeSyncmlStatus('599'), /Recipient exception/);
    assert.match(describeSyncmlStatus('xyz'), /Unknown status xyz/);
  });
});

describe('Alert 1222 in a server message', () => {
  it('follows the statuses with the next CmdID, before Final when there is one, and re-parses', () => {
    const header = replyHeader({ verDTD: '1.2', verProto: 'DM/1.2', sessionId: '7', msgId: '2', target: 'https://s/ManagementServer/MDM.svc', source: 'PC' }, '2');
    const statuses = [{ msgRef: '2', cmdRef: '0', cmd: 'SyncHdr', code: '200' }, { msgRef: '2', cmdRef: '3', cmd: 'Results', code: '200' }];
    for (const final of [false, true]) {
      const [first] = packSyncML({ header, statuses, commands: [], maxMsgSize: 10_000, final });
      const out = withNextMessageAlert(first!);
      assert.equal(out.bytes, Buffer.byteLength(out.xml));
      assert.ok(out.bytes - first!.bytes <= NEXT_MESSAGE_ALERT_BYTES);
      const back = decodeSyncML(out.xml);
      assert.equal(back.final, final);
      assert.deepEqual(back.commands.map((c) => (c.type === 'Status' ? `S${c.cmdId}` : c.type === 'Alert' ? `A${c.cmdId}:${c.data}` : c.type)), ['S1', 'S2', 'A3:1222']);
    }
  });
});

describe('CSP paths', () => {
  it('escapes the provider id in the DMClient Unenroll LocURI', () => {
    assert.equal(dmClientUnenroll('Steward'), './Vendor/MSFT/DMClient/Provider/Steward/Unenroll');
    assert.equal(dmClientUnenroll('MS DM Server'), './Vendor/MSFT/DMClient/Provider/MS%20DM%20Server/Unenroll');
  });
});
