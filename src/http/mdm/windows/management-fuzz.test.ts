// What an enrolled PC (or anyone holding its certificate) may send that is not SyncML Steward can
// answer: malformed XML, wrong namespaces, DOCTYPE/XXE, entity bombs, oversized bodies, WBXML,
// and fast-check's inventions around a valid message. Never a 5xx; a refusal is plain text, 400
// (or 403/415), never SyncML; and a refused message stores nothing.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { testDialects } from '../../../store/testing.js';
import type { Database } from '../../../store/database.js';
import { syncml, windowsCommand } from '../../../core/windows/command-payload.js';
import { anEnrolledPC, FORWARDED_CERT_HEADER, managementTestApp, type ManagementTestApp } from '../../../../test/support/windows-management.js';
import type { ManagedWindowsPC } from '../../../../sim/windows/management-pc.js';
import { alert, clientMessage, replaceDevInfo, results, status } from '../../../../sim/windows/management-syncml.js';

async function snapshot(database: Database): Promise<string> {
  const db = database.db;
  const [queue, enrollments, inventory, devices] = await Promise.all([
    db.selectFrom('command_queue').select(['uuid', 'state', 'deliveries', 'finished_at']).orderBy('uuid').execute(),
    db.selectFrom('windows_enrollments').select(['id', 'state', 'last_seen_at', 'device_id']).orderBy('id').execute(),
    db.selectFrom('device_inventory').select(['device_id', 'requested_at', 'reported_at', 'windows']).orderBy('device_id').execute(),
    db.selectFrom('managed_devices').select(['id', 'last_sync_date_time', 'os_version']).orderBy('id').execute(),
  ]);
  return JSON.stringify({ queue, enrollments, inventory, devices });
}

for (const dialect of testDialects()) {
  describe(`Windows management refuses what it cannot answer, on ${dialect.name}`, () => {
    let database: Database;
    let t: ManagementTestApp;
    let pc: ManagedWindowsPC;
    let valid: string;

    const send = (body: string | Uint8Array, contentType = 'application/vnd.syncml.dm+xml') => t.app.inject({
      method: 'POST', url: '/ManagementServer/MDM.svc',
      headers: { 'content-type': contentType, [FORWARDED_CERT_HEADER]: pc.options.headers?.[FORWARDED_CERT_HEADER] ?? '' },
      payload: typeof body === 'string' ? body : Buffer.from(body),
    });

    /** The message is refused in words, with this status, and nothing changed in the database. */
    async function refused(body: string | Uint8Array, code: number, contentType?: string): Promise<void> {
      const before = await snapshot(database);
      const res = await send(body, contentType);
      assert.equal(res.statusCode, code, res.body);
      assert.match(String(res.headers['content-type']), /^text\/plain/);
      assert.equal(await snapshot(database), before, 'a refused message stores nothing');
    }

    before(async () => {
      database = await dialect.open();
      t = await managementTestApp(database, { listen: false, devices: { forwardedCertificateHeader: FORWARDED_CERT_HEADER } });
      ({ pc } = await anEnrolledPC(t, { over: 'header' }));
      await pc.sync();
      // Commands waiting, so that a message wrongly taken for a session would hand them out.
      const id = (await t.core.windowsEnrollments.activeByDeviceId(pc.options.deviceId))?.id ?? '';
      await t.core.commands.enqueue([id], windowsCommand(syncml.exec('./Device/Vendor/MSFT/Reboot/RebootNow')));
      valid = clientMessage(pc.header('900', 1), [alert(1, '1201'), replaceDevInfo(2, pc.devInfo())]);
    });
    after(async () => {
      await t.app.close();
      await database.close();
    });

    it('refuses DOCTYPEs, external entities and entity bombs before reading anything', async () => {
      const xxe = `<?xml version="1.0"?><!DOCTYPE SyncML [<!ENTITY x SYSTEM "file:///etc/passwd">]>${valid.replace(/^<\?xml[^>]*\?>/, '').replace('<Data>1201</Data>', '<Data>&x;</Data>')}`;
      await refused(xxe, 400);
      const bomb = `<!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>${valid.replace(/^<\?xml[^>]*\?>/, '')}`;
      await refused(bomb, 400);
      await refused(valid.replace('<Data>1201</Data>', '<Data>&undefined;</Data>'), 400);
    });

    it('refuses wrong namespaces, versions, encodings, WBXML, oversized bodies and a MaxMsgSize nothing fits in', async () => {
      await refused(valid.replace('SYNCML:SYNCML1.2', 'urn:not-syncml'), 400);
      await refused(valid.replace('xmlns="SYNCML:SYNCML1.2"', ''), 400);
      await refused(valid.replace('<VerProto>DM/1.2</VerProto>', '<VerProto>DM/1.1</VerProto>'), 400);
      await refused(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(valid, 'utf16le')]), 400);
      await refused(valid.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"'), 400);
      await refused(new Uint8Array([0x02, 0x00, 0x00, 0x6a, 0x1d]), 415, 'application/vnd.syncml.dm+wbxml');
      await refused(valid, 415, 'application/json');
      await refused(valid.replace('</SyncBody>', `<Replace><CmdID>9</CmdID><Item><Data>${'x'.repeat(5 * 1024 * 1024)}</Data></Item></Replace></SyncBody>`), 400);
      await refused(clientMessage({ ...pc.header('901', 1), maxMsgSize: 100 }, [alert(1, '1201')]), 400);
      await refused('', 400);
    });

    it('never answers 5xx, whatever comes (fast-check)', async () => {
      const fragments = ['<!DOCTYPE x>', '&amp;', '&#0;', '&#x110000;', '<![CDATA[x]]>', '</SyncBody>', '<SyncBody>', '<Final/>', '<Status><CmdID>1</CmdID></Status>', '<Results><CmdID>1</CmdID><CmdRef>1</CmdRef></Results>',
        '<Alert><CmdID>1</CmdID><Data>1226</Data></Alert>', '<x:y xmlns:x="urn:a"/>', '<a:b/>', '\u0000', '\uFFFE', '\uD800', '<MsgID>999999999999</MsgID>', '<Meta><MaxMsgSize xmlns="syncml:metinf">-1</MaxMsgSize></Meta>', '"', "'", '<', '>'];
      const mutated = fc.tuple(fc.nat({ max: valid.length }), fc.nat({ max: 200 }), fc.oneof(fc.constantFrom(...fragments), fc.string({ maxLength: 40 }))).map(([at, cut, insert]) => valid.slice(0, at) + insert + valid.slice(Math.min(valid.length, at + cut)));
      const structured = fc.record({
        sessionId: fc.oneof(fc.constantFrom('1', '2', 'A1', ''), fc.string({ maxLength: 70 })),
        msgId: fc.oneof(fc.integer({ min: -3, max: 5 }), fc.constant(2 ** 40)),
        code: fc.oneof(fc.constantFrom('1201', '1200', '1222', '1224', '1226', '0'), fc.string({ maxLength: 6 })),
        statusRef: fc.tuple(fc.string({ maxLength: 4 }), fc.string({ maxLength: 4 }), fc.string({ maxLength: 8 })),
        data: fc.string({ maxLength: 50 }),
        maxMsgSize: fc.option(fc.integer({ min: 0, max: 2 ** 31 })),
      }).map((r) => clientMessage({ ...pc.header(r.sessionId, r.msgId), ...(r.maxMsgSize === null ? {} : { maxMsgSize: r.maxMsgSize }) }, [
        alert(1, r.code, { type: 'com.microsoft/MDM/LoginStatus', data: r.data }),
        status(2, { msgRef: r.statusRef[0], cmdRef: r.statusRef[1], cmd: 'Get', data: r.statusRef[2] }),
        results(3, { msgRef: r.statusRef[0], cmdRef: r.statusRef[1], items: [{ source: r.data, data: r.data }] }),
      ]).replace('<Alert><CmdID>1</CmdID><Data>1226</Data>', '<Alert><CmdID>1</CmdID><Data>1201</Data>'));
      const bytes = fc.uint8Array({ maxLength: 600 });
      await fc.assert(fc.asyncProperty(fc.oneof(mutated, structured, bytes, fc.string({ maxLength: 300 })), async (body) => {
        const before = await snapshot(database);
        const res = await send(body);
        assert.ok([200, 400, 403, 415].includes(res.statusCode), `HTTP ${res.statusCode}: ${res.body.slice(0, 300)}`);
        if (res.statusCode !== 200) {
          assert.match(String(res.headers['content-type']), /^text\/plain/, 'a refusal is plain text');
          assert.ok(!/^\s*(<\?xml|<SyncML[\s>])[\s\S]*<\/SyncML>\s*$/.test(res.body), 'a refusal is not SyncML');
          assert.equal(await snapshot(database), before, 'a refused message stores nothing');
        }
      }), { numRuns: 150 });
      // The PC is still managed after all that.
      assert.equal((await t.core.windowsEnrollments.activeByDeviceId(pc.options.deviceId))?.state, 'enrolled');
    });
  });
}
