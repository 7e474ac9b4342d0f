// Actions for noncompliance over real stores (SQLite and PostgreSQL) and a local SMTP server: the
// notification e-mails the device's user from the template (tokens filled in, CC group), right
// after evaluation and once per episode; remoteLock and retire queue their commands through the
// device action machinery when their grace period has passed; two replicas act once between
// them; every run lands in the audit log with the system as actor; a device that becomes
// compliant starts a new episode.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { testDialects } from '../../store/testing.js';
import type { Database } from '../../store/database.js';
import { storePorts } from '../../store/ports.js';
import { makeCore, type Core } from '../deps.js';
import type { Clock } from '../clock.js';
import { aManagedDevice } from '../../../test/support/devices.js';
import { aGroup, aUser, addMembers } from '../../../test/support/rbac.js';
import { startTestSmtpServer, type TestSmtpServer } from '../../../test/support/smtp.js';
import { createSmtpSender, type ClosableMailSender } from '../../mail/smtp.js';
import type { ComplianceActionItem, CompliancePolicy } from './policy.js';
import type { ManagedDevice } from '../devices/managed-device.js';
import { allScope } from '../rbac/scope.js';
import { reevaluateDevices } from './reevaluate.js';
import { runMaintenance } from '../maintenance.js';
import { carryOutComplianceActions } from './noncompliance-actions.js';
import { createTemplate } from '../notifications/save-template.js';
import { updateUser } from '../directory/update-user.js';
import { parseAuditQuery } from '../audit/list-audit-events.js';

const T0 = new Date('2026-03-01T12:00:00.000Z');
const HOUR = 3600_000;

const action = (actionType: ComplianceActionItem['actionType'], gracePeriodHours: number, extra: Partial<ComplianceActionItem> = {}): ComplianceActionItem =>
  ({ actionType, gracePeriodHours, notificationTemplateId: null, notificationMessageCCList: [], ...extra });

function aPolicy(actions: ComplianceActionItem[]): CompliancePolicy {
  return {
    id: randomUUID(), type: 'iosCompliancePolicy', displayName: 'iOS minimum', description: null, createdDateTime: T0.toISOString(), lastModifiedDateTime: T0.toISOString(),
    version: 1, roleScopeTagIds: ['0'], settings: { osMinimumVersion: '17.0' },
    scheduledActionsForRule: [{ ruleName: 'PasswordRequired', scheduledActionConfigurations: actions }], assignments: [],
  };
}

for (const dialect of testDialects()) {
  describe(`actions for noncompliance on ${dialect.name}`, () => {
    let database: Database;
    let smtp: TestSmtpServer;
    let mailer: ClosableMailSender;
    let core: Core;
    let now = T0;
    const clock: Clock = { now: () => now };
    before(async () => {
      database = await dialect.open();
      smtp = await startTestSmtpServer({ user: 'steward', password: 's3cret-smtp' });
      mailer = createSmtpSender({ url: new URL(smtp.url), password: 's3cret-smtp', from: 'Steward <it@contoso.test>' });
      core = makeCore(storePorts(database), clock, { mailer });
    });
    after(async () => { mailer.close(); await smtp.close(); await database.close(); });

    async function aPhone(userId: string | null, osVersion = '16.4'): Promise<ManagedDevice> {
      const d = aManagedDevice({ osVersion, userId, deviceName: `Phone-${randomUUID().slice(0, 4)}`, lastSyncDateTime: now.toISOString() });
      const { roleScopeTagIds: _t, ...record } = d;
      await core.devices.put(record);
      await core.appleEnrollments.create({
        id: d.id, profileId: null, userId, ownership: 'company', platform: 'iOS',
        state: 'enrolled', udid: `udid-${d.id}`, serialNumber: null, enrollmentType: 'Device', identitySerial: null, topic: 'com.apple.mgmt.External.test',
        pushToken: 'ab', pushMagic: 'magic', unlockToken: null, bootstrapToken: null, awaitingConfiguration: false, createdAt: now.toISOString(),
        authenticatedAt: null, enrolledAt: now.toISOString(), lastSeenAt: null, unenrolledAt: null,
      });
      return d;
    }

    async function assigned(policy: CompliancePolicy, groupId: string): Promise<CompliancePolicy> {
      await core.compliancePolicies.create(policy);
      await core.compliancePolicies.setAssignments(policy.id, [{ id: 'a', target: { kind: 'group', groupId } }], now);
      return policy;
    }

    const auditFor = async (deviceId: string) => (await core.auditLog.list(parseAuditQuery({ $top: '999', $filter: "category eq 'Compliance'" }))).items
      .filter((e) => e.resources.some((r) => r.resourceId === deviceId) && e.category === 'Compliance');

    const setOs = async (device: ManagedDevice, osVersion: string) => {
      const current = await core.devices.get(device.id, allScope);
      assert.ok(current);
      const { roleScopeTagIds: _t, ...record } = current;
      await core.devices.put({ ...record, osVersion, lastSyncDateTime: now.toISOString() });
    };

    it('e-mails the primary user from the template right after evaluation, once per episode, and again after a compliant spell', async () => {
      now = T0;
      const ann = await aUser(core, 'ann');
      await updateUser(core, { id: ann.id, scope: allScope, changes: { mail: 'ann@contoso.test' } });
      const boss = await aUser(core, 'boss');
      await updateUser(core, { id: boss.id, scope: allScope, changes: { mail: 'boss@contoso.test' } });
      const managers = await aGroup(core);
      await addMembers(core, managers, boss.id);
      const template = await createTemplate(core, { scope: allScope, body: {
        displayName: 'Update your phone', brandingOptions: ['includeDeviceDetails'], localizedNotificationMessages: [
          { locale: 'de-de', subject: 'Bitte {{DeviceName}} aktualisieren', messageTemplate: 'Hallo {{UserName}}' },
          { locale: 'en-us', subject: 'Please update {{DeviceName}}', messageTemplate: 'Hello {{UserName}} ({{userprincipalname}}), {{DeviceName}} ({{OSAndVersion}}) does not meet {{PolicyName}}.', isDefault: true },
        ] } });
      const group = await aGroup(core);
      const phone = await aPhone(ann.id);
      await addMembers(core, group, ann.id);
      const policy = await assigned(aPolicy([action('block', 0), action('notification', 0, { notificationTemplateId: template.id, notificationMessageCCList: [managers.id] })]), group.id);

      await reevaluateDevices(core, [phone.id]);
      assert.equal(smtp.received.length, 1, 'sent right after evaluation, without a sweep');
      const mail = smtp.received[0]!;
      assert.equal(mail.user, 'steward', 'authenticated with the configured user');
      assert.equal(mail.from, 'it@contoso.test');
      assert.deepEqual(mail.recipients.sort(), ['ann@contoso.test', 'boss@contoso.test']);
      assert.equal(mail.headers.get('to'), 'ann@contoso.test');
      assert.equal(mail.headers.get('cc'), 'boss@contoso.test');
      assert.equal(mail.subject, `Please update ${phone.deviceName ?? ''}`);
      assert.match(mail.text, new RegExp(`^Hello ann \\(ann@example\\.test\\), ${phone.deviceName ?? ''} \\(iOS 16\\.4\\) does not meet iOS minimum\\.`));
      assert.match(mail.text, new RegExp(`Device ID: ${phone.id}`), 'includeDeviceDetails adds the device');

      // Sweeps and more evaluations: no second e-mail for the same episode.
      now = new Date(T0.getTime() + 2 * HOUR);
      await runMaintenance(core);
      await reevaluateDevices(core, [phone.id]);
      await runMaintenance(core);
      assert.equal(smtp.received.length, 1);
      const runs = await core.complianceActions.forDevice(phone.id);
      assert.deepEqual(runs.map((r) => [r.policyId, r.actionType, r.state, r.episode]), [[policy.id, 'notification', 'done', T0.toISOString()]]);
      const events = await auditFor(phone.id);
      assert.equal(events.length, 1);
      assert.equal(events[0]?.activity, 'Send noncompliance notification');
      assert.equal(events[0]?.actor.auditActorType, 'System');
      assert.equal(events[0]?.activityResult, 'Success');

      // Compliant resets the episode; falling out again e-mails again.
      await setOs(phone, '18.1');
      await reevaluateDevices(core, [phone.id]);
      assert.equal((await core.devices.get(phone.id, allScope))?.complianceState, 'compliant');
      assert.equal((await runMaintenance(core)).complianceActions.pruned, 1, 'the ended episode\'s run is pruned');
      now = new Date(T0.getTime() + 5 * HOUR);
      await setOs(phone, '16.7');
      await reevaluateDevices(core, [phone.id]);
      assert.equal(smtp.received.length, 2);
      assert.match(smtp.received[1]!.text, /iOS 16\.7/);
      await core.compliancePolicies.delete(policy.id);
    });

    it('remote-locks after the grace period and retires after N days, each once, through the device action machinery', async () => {
      now = T0;
      const bob = await aUser(core, 'bob');
      const group = await aGroup(core);
      const phone = await aPhone(bob.id);
      await addMembers(core, group, phone.id);
      const policy = await assigned(aPolicy([action('block', 12), action('remoteLock', 24), action('retire', 72)]), group.id);
      await reevaluateDevices(core, [phone.id]);
      // The sweep also queues inventory refreshes: only the action's commands matter here.
      const pending = async () => (await core.commands.forEnrollment(phone.id, { states: ['pending'] })).map((c) => c.requestType).filter((t) => t === 'DeviceLock' || t === 'RemoveProfile');
      assert.deepEqual(await pending(), [], 'nothing before the grace periods end');
      assert.equal((await core.devices.get(phone.id, allScope))?.complianceState, 'inGracePeriod');

      now = new Date(T0.getTime() + 25 * HOUR);
      const first = await runMaintenance(core);
      assert.equal(first.complianceActions.failed, 0);
      assert.deepEqual(await pending(), ['DeviceLock']);
      assert.equal((await core.deviceActions.forDevice(phone.id))[0]?.actionName, 'remoteLock');
      await runMaintenance(core);
      assert.deepEqual(await pending(), ['DeviceLock'], 'locked once');

      now = new Date(T0.getTime() + 73 * HOUR);
      await runMaintenance(core);
      await runMaintenance(core);
      const actions = (await core.deviceActions.forDevice(phone.id)).map((a) => a.actionName).sort();
      assert.deepEqual(actions, ['remoteLock', 'retire']);
      assert.equal((await core.devices.get(phone.id, allScope))?.managementState, 'retirePending');
      const events = await auditFor(phone.id);
      assert.deepEqual(events.map((e) => e.activity).sort(), ['remoteLock ManagedDevice', 'retire ManagedDevice']);
      assert.ok(events.every((e) => e.actor.auditActorType === 'System' && e.activityResult === 'Success'));
      await core.compliancePolicies.delete(policy.id);
    });

    it('two replicas sweeping at once e-mail once; without SMTP the action fails once, in the audit log', async () => {
      now = T0;
      const cara = await aUser(core, 'cara');
      await updateUser(core, { id: cara.id, scope: allScope, changes: { mail: 'cara@contoso.test' } });
      const template = await createTemplate(core, { scope: allScope, body: { displayName: 'Fix it', localizedNotificationMessages: [{ locale: 'en-us', subject: 'Fix {{DeviceName}}', messageTemplate: 'Hi {{UserName}}' }] } });
      const group = await aGroup(core);
      const phones = [await aPhone(cara.id), await aPhone(cara.id), await aPhone(cara.id)];
      await addMembers(core, group, ...phones.map((p) => p.id));
      // Evaluated without acting (a core with no actions hook), so that the replicas find them due.
      const quiet = { ...core, actOnNoncompliance: undefined };
      const policy = await assigned(aPolicy([action('notification', 1, { notificationTemplateId: template.id })]), group.id);
      await reevaluateDevices(quiet, phones.map((p) => p.id));
      const before = smtp.received.length;
      now = new Date(T0.getTime() + 2 * HOUR);
      const replicas = [core, makeCore(storePorts(database), clock, { mailer }), makeCore(storePorts(database), clock, { mailer })];
      const reports = await Promise.all(replicas.map((r) => carryOutComplianceActions(r)));
      assert.equal(reports.reduce((n, r) => n + r.done, 0), 3, JSON.stringify(reports));
      assert.equal(smtp.received.length - before, 3, 'one e-mail per device');
      assert.deepEqual(smtp.received.slice(before).map((m) => m.headers.get('to')), ['cara@contoso.test', 'cara@contoso.test', 'cara@contoso.test']);

      // A policy acting without SMTP: failed, once, audited as a failure that says why.
      const noMail = makeCore(storePorts(database), clock);
      const other = await assigned(aPolicy([action('notification', 0, { notificationTemplateId: template.id })]), group.id);
      await reevaluateDevices(quiet, phones.map((p) => p.id));
      const r1 = await carryOutComplianceActions(noMail);
      const r2 = await carryOutComplianceActions(noMail);
      assert.deepEqual([r1.failed, r2.failed], [3, 0]);
      const failure = (await auditFor(phones[0]!.id)).find((e) => e.activityResult === 'Failure');
      assert.ok(failure);
      assert.match(JSON.stringify(failure.resources[0]?.modifiedProperties), /No SMTP server is configured/);
      await core.compliancePolicies.delete(policy.id);
      await core.compliancePolicies.delete(other.id);
    });
  });
}
