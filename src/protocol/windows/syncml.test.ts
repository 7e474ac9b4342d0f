import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ProtocolError } from './errors.js';
import { alertMeaning, decodeSyncML, devInfo, type SyncCommand } from './syncml.js';
import { encodeSyncML, packSyncML, replyHeader, statusesFor, type CommandOut } from './syncml-encode.js';

const sample = (f: string): string => readFileSync(new URL(`./testdata/${f}`, import.meta.url), 'utf8');
const alerts = (cmds: SyncCommand[]) => cmds.filter((c): c is Extract<SyncCommand, { type: 'Alert' }> => c.type === 'Alert');

describe('decodeSyncML on Microsoft samples', () => {
  it('[MS-MDM] §4 client init: header, 1224 LoginStatus, DevInfo', () => {
    const m = decodeSyncML(sample('syncml-client-init.xml'));
    assert.deepEqual(m.header, { verDTD: '1.2', verProto: 'DM/1.2', sessionId: '1', msgId: '1', target: 'https://contoso.com/management-server', source: '{unique device id}' });
    assert.equal(m.final, true);
    assert.deepEqual(alerts(m.commands).flatMap(alertMeaning), [{ kind: 'login-status', status: 'user' }]);
    assert.deepEqual(devInfo(m), { devId: '{unique device id}', man: 'Microsoft Corporation', mod: 'Surface', dmV: '1.3', lang: 'en-US' });
  });
  it('unenrollment: 1226 generic alert with the syncml:metinfo namespace', () => {
    const m = decodeSyncML(sample('syncml-unenroll-1226.xml'));
    assert.deepEqual(alerts(m.commands).flatMap(alertMeaning), [{ kind: 'unenroll-request' }]);
    assert.equal(devInfo(m).devId, '{unique device ID}');
  });
  it('server Get sample', () => {
    const m = decodeSyncML(sample('syncml-server-get.xml'));
    assert.deepEqual(m.commands, [{ type: 'Get', cmdId: '2', items: [{ target: './DevDetail/SwV' }] }]);
  });
  it('reads MaxMsgSize, 1201, AADUserToken, Status, Results, unknown elements', () => {
    const m = decodeSyncML(`<SyncML xmlns="SYNCML:SYNCML1.2"><SyncHdr><VerDTD>1.2</VerDTD><VerProto>DM/1.2</VerProto><SessionID>5</SessionID><MsgID>2</MsgID>
      <Target><LocURI>https://s/ManagementServer/MDM.svc</LocURI></Target><Source><LocURI>DEV1</LocURI></Source>
      <Meta><A:MaxMsgSize xmlns:A="syncml:metinf">512000</A:MaxMsgSize></Meta></SyncHdr><SyncBody>
      <Alert><CmdID>1</CmdID><Data>1201</Data></Alert>
      <Alert><CmdID>2</CmdID><Data>1224</Data><Item><Meta><Type xmlns="syncml:metinf">com.microsoft/MDM/AADUserToken</Type></Meta><Data>eyJ0</Data></Item></Alert>
      <Status><CmdID>3</CmdID><MsgRef>1</MsgRef><CmdRef>4</CmdRef><Cmd>Replace</Cmd><Data>200</Data></Status>
      <Results><CmdID>4</CmdID><MsgRef>1</MsgRef><CmdRef>5</CmdRef><Item><Source><LocURI>./DevDetail/SwV</LocURI></Source><Meta><Format xmlns="syncml:metinf">chr</Format></Meta><Data>10.0.22631.1</Data></Item></Results>
      <Bogus><CmdID>9</CmdID></Bogus><Final/></SyncBody></SyncML>`);
    assert.equal(m.header.maxMsgSize, 512000);
    assert.deepEqual(alerts(m.commands).flatMap(alertMeaning), [{ kind: 'session-start', initiator: 'client' }, { kind: 'aad-user-token', token: 'eyJ0' }]);
    assert.deepEqual(m.commands[2], { type: 'Status', cmdId: '3', msgRef: '1', cmdRef: '4', cmd: 'Replace', data: '200', items: [] });
    assert.deepEqual(m.commands[3], { type: 'Results', cmdId: '4', msgRef: '1', cmdRef: '5', items: [{ source: './DevDetail/SwV', meta: { format: 'chr' }, data: '10.0.22631.1' }] });
    assert.deepEqual(m.commands[4], { type: 'Unknown', name: 'Bogus', cmdId: '9' });
    const st = statusesFor(m);
    assert.deepEqual(st.map((s) => [s.cmdRef, s.cmd, s.code]), [['0', 'SyncHdr', '200'], ['1', 'Alert', '200'], ['2', 'Alert', '200'], ['4', 'Results', '200'], ['9', 'Bogus', '400']]);
  });
  it('refuses wrong namespace, version and missing header parts', () => {
    const hdr = (ns: string, proto = 'DM/1.2', extra = '<MsgID>1</MsgID>') => `<SyncML xmlns="${ns}"><SyncHdr><VerDTD>1.2</VerDTD><VerProto>${proto}</VerProto><SessionID>1</SessionID>${extra}<Target><LocURI>a</LocURI></Target><Source><LocURI>b</LocURI></Source></SyncHdr><SyncBody/></SyncML>`;
    const code = (x: string) => { try { decodeSyncML(x); return 'ok'; } catch (e) { return e instanceof ProtocolError ? e.code : 'other'; } };
    assert.equal(code(hdr('SYNCML:SYNCML1.2')), 'ok');
    assert.equal(code(hdr('syncml:syncml1.2')), 'ok');
    assert.equal(code(hdr('urn:other')), 'wrong-namespace');
    assert.equal(code(hdr('SYNCML:SYNCML1.2', 'DM/1.1')), 'unsupported-version');
    assert.equal(code(hdr('SYNCML:SYNCML1.2', 'DM/1.2', '')), 'missing-element');
    assert.equal(code(hdr('SYNCML:SYNCML1.2', 'DM/1.2', '<MsgID>x</MsgID>')), 'invalid-value');
  });
});

describe('encodeSyncML and packSyncML', () => {
  const received = decodeSyncML(sample('syncml-client-init.xml'));
  const commands: CommandOut[] = [
    { type: 'Get', items: [{ target: './DevDetail/SwV' }] },
    { type: 'Replace', items: [{ target: './Vendor/MSFT/Policy/Config/Camera/AllowCamera', meta: { format: 'int' }, data: '0' }] },
    { type: 'Exec', items: [{ target: './Device/Vendor/MSFT/RemoteWipe/doWipe', data: '<&>' }] },
    { type: 'Atomic', commands: [{ type: 'Add', items: [{ target: './a', data: '1' }] }, { type: 'Delete', items: [{ target: './b' }] }] },
  ];
  it('answers with header Status first, then commands, and re-parses', () => {
    const out = encodeSyncML({ header: replyHeader(received.header, '1'), statuses: statusesFor(received), commands });
    assert.equal(out.bytes, Buffer.byteLength(out.xml));
    const back = decodeSyncML(out.xml);
    assert.deepEqual(back.header, { verDTD: '1.2', verProto: 'DM/1.2', sessionId: '1', msgId: '1', target: '{unique device id}', source: 'https://contoso.com/management-server' });
    assert.equal(back.final, true);
    assert.deepEqual(back.commands.map((c) => c.type), ['Status', 'Status', 'Status', 'Get', 'Replace', 'Exec', 'Atomic']);
    assert.deepEqual(back.commands[0], { type: 'Status', cmdId: '1', msgRef: '1', cmdRef: '0', cmd: 'SyncHdr', data: '200', targetRef: 'https://contoso.com/management-server', sourceRef: '{unique device id}', items: [] });
    assert.deepEqual(out.cmdIds, [['4'], ['5'], ['6'], ['7', '8', '9']]);
    assert.deepEqual(back.commands[4], { type: 'Replace', cmdId: '5', items: [{ target: './Vendor/MSFT/Policy/Config/Camera/AllowCamera', meta: { format: 'int' }, data: '0' }] });
    assert.equal(back.commands[5]?.type === 'Exec' && back.commands[5].items[0]?.data, '<&>');
    const atomic = back.commands[6];
    assert.ok(atomic?.type === 'Atomic');
    assert.deepEqual(atomic.commands.map((c) => c.type === 'Unknown' ? '' : c.cmdId), ['8', '9']);
  });
  it('splits under MaxMsgSize, every command once and in order, MsgIDs counting up', () => {
    const many: CommandOut[] = Array.from({ length: 40 }, (_, i) => ({ type: 'Get', items: [{ target: `./DevDetail/Ext/Item${i}` }] }));
    const msgs = packSyncML({ header: replyHeader(received.header, '3'), statuses: statusesFor(received), commands: many, maxMsgSize: 1200 });
    assert.ok(msgs.length > 2);
    const targets: string[] = [];
    msgs.forEach((m, i) => {
      assert.ok(m.bytes <= 1200 && Buffer.byteLength(m.xml) === m.bytes);
      const back = decodeSyncML(m.xml);
      assert.equal(back.header.msgId, String(3 + i));
      for (const c of back.commands) if (c.type === 'Get') targets.push(c.items[0]?.target ?? '');
    });
    assert.equal(msgs[0]?.statuses, 3);
    assert.deepEqual(targets, many.map((c) => (c.type === 'Get' ? c.items[0]?.target : '')));
    assert.throws(() => packSyncML({ header: replyHeader(received.header, '1'), statuses: [], commands: [{ type: 'Replace', items: [{ target: './x', data: 'x'.repeat(5000) }] }], maxMsgSize: 1200 }),
      (e: unknown) => e instanceof ProtocolError && e.code === 'message-too-large');
  });
});
