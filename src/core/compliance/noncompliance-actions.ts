// Carries out a compliance policy's actions for noncompliance (scheduledActionsForRule →
// scheduledActionConfigurations): once a device has been noncompliant with the policy for the
// action's gracePeriodHours, `notification` e-mails its primary user from the notification
// message template, `remoteLock` and `retire` run the device action through the same machinery as
// the Graph actions. `block` acts through evaluation (inGracePeriod, then noncompliant); the other
// types (wipe, pushNotification, removeResourceAccessProfiles) are stored and not carried out.
//
// Each action happens once per noncompliance episode: the episode is the state's noncompliantSince,
// which a device that becomes compliant loses, so that falling out again starts a new one. The run
// is claimed in the database before acting (action-ports.ts), so replicas on one
// PostgreSQL act once between them. Work goes a page of devices at a time: one query finds the due
// devices of one action of one policy, one claims them, two read their devices and users.
import { randomUUID } from 'node:crypto';
import type { AuditLog } from '../audit/ports.js';
import { changeEvent, otherActor } from '../audit/record-change.js';
import type { NewAuditEvent } from '../audit/audit-event.js';
import type { ActionPlanner, RemoteActionRequest } from '../actions/planner.js';
import { runDeviceAction, type RunDeviceActionDeps } from '../actions/run-device-action.js';
import { appleActionPlanner, type ApplePlannerDeps } from '../apple/action-planner.js';
import { windowsActionPlanner, type WindowsPlannerDeps } from '../windows/action-planner.js';
import type { ManagedDevice } from '../devices/managed-device.js';
import type { GroupStore, UserStore } from '../directory/ports.js';
import type { User } from '../directory/user.js';
import { StewardError } from '../errors.js';
import type { MailSender } from '../notifications/ports.js';
import { renderNotification, type NotificationMessageTemplate, type NotificationTemplateStore } from '../notifications/template.js';
import { allScope } from '../rbac/scope.js';
import type { ActionRun, ComplianceActionStore } from './action-ports.js';
import type { ComplianceActionType, CompliancePolicy } from './policy.js';
import type { CompliancePolicyStore } from './ports.js';

/** The action types carried out here. */
const CARRIED_OUT: ReadonlySet<ComplianceActionType> = new Set(['notification', 'remoteLock', 'retire']);

/** Devices per page. */
const PAGE = 200;

/** A claim older than this is taken to belong to a replica that stopped mid-action. */
export const CLAIM_LEASE_MS = 15 * 60_000;

const ACTOR = otherActor('System', { applicationDisplayName: 'Steward compliance actions' });

export type NoncomplianceActionDeps = Omit<RunDeviceActionDeps, 'planners'> & ApplePlannerDeps & WindowsPlannerDeps & {
  compliancePolicies: Pick<CompliancePolicyStore, 'list'>;
  complianceActions: ComplianceActionStore;
  notificationTemplates: Pick<NotificationTemplateStore, 'getMany'>;
  users: Pick<UserStore, 'getMany'>;
  groups: Pick<GroupStore, 'transitiveMembers'>;
  auditLog: AuditLog;
  /** Absent when no SMTP server is configured: notifications then fail, saying so. */
  mailer?: MailSender;
};

/** One of a policy's action configurations, with where it sits. */
interface ActionSpec {
  policy: CompliancePolicy;
  key: string;
  actionType: ComplianceActionType;
  gracePeriodHours: number;
  notificationTemplateId: string | null;
  ccGroupIds: string[];
}

export const actionKey = (ruleIndex: number, configIndex: number, actionType: ComplianceActionType) => `${ruleIndex}.${configIndex}:${actionType}`;

function actionSpecs(policies: readonly CompliancePolicy[]): ActionSpec[] {
  return policies.flatMap((policy) => policy.scheduledActionsForRule.flatMap((rule, r) => rule.scheduledActionConfigurations.flatMap((a, c) => (CARRIED_OUT.has(a.actionType)
    ? [{ policy, key: actionKey(r, c, a.actionType), actionType: a.actionType, gracePeriodHours: a.gracePeriodHours, notificationTemplateId: a.notificationTemplateId || null, ccGroupIds: a.notificationMessageCCList }]
    : []))));
}

interface Outcome { state: 'done' | 'failed'; detail: string; audited: Record<string, unknown> }

/** What a run reads once for the whole pass. */
interface PassContext {
  templates: Map<string, NotificationMessageTemplate | undefined>;
  ccMail: Map<string, Promise<string[]>>;
  planners: readonly ActionPlanner[];
}

export interface ActionsReport { done: number; failed: number }

/**
 * Carries out every due action (the maintenance sweep), or only those of `deviceIds` (right after
 * they were evaluated). Returns how many runs ended done and failed.
 */
export async function carryOutComplianceActions(deps: NoncomplianceActionDeps, options: { deviceIds?: readonly string[] } = {}): Promise<ActionsReport> {
  if (options.deviceIds?.length === 0) return { done: 0, failed: 0 };
  const specs = actionSpecs(await deps.compliancePolicies.list());
  const report: ActionsReport = { done: 0, failed: 0 };
  if (specs.length === 0) return report;
  const templateIds = [...new Set(specs.flatMap((s) => (s.notificationTemplateId ? [s.notificationTemplateId] : [])))];
  const templates = new Map<string, NotificationMessageTemplate | undefined>(templateIds.map((id) => [id, undefined]));
  for (const t of await deps.notificationTemplates.getMany(templateIds)) templates.set(t.id, t);
  const context: PassContext = { templates, ccMail: new Map(), planners: [appleActionPlanner(deps), windowsActionPlanner(deps)] };
  const token = randomUUID();
  const chunks = options.deviceIds ? chunk([...new Set(options.deviceIds)].sort(), PAGE) : [undefined];
  for (const spec of specs) {
    for (const deviceIds of chunks) {
      let after: string | undefined;
      for (;;) {
        const now = deps.clock.now();
        const staleBefore = new Date(now.getTime() - CLAIM_LEASE_MS);
        const candidates = await deps.complianceActions.due({
          policyId: spec.policy.id, actionKey: spec.key, begunBy: new Date(now.getTime() - spec.gracePeriodHours * 3600_000).toISOString(),
          staleBefore: staleBefore.toISOString(), limit: PAGE, ...(after === undefined ? {} : { afterDeviceId: after }), ...(deviceIds ? { deviceIds } : {}),
        });
        if (candidates.length === 0) break;
        after = candidates[candidates.length - 1]?.deviceId;
        const claimed = await deps.complianceActions.claim(candidates.map((c) => ({ ...c, actionKey: spec.key, actionType: spec.actionType })), token, now, staleBefore);
        if (claimed.length > 0) {
          const counts = await carryOut(deps, context, spec, claimed, token);
          report.done += counts.done;
          report.failed += counts.failed;
        }
        if (candidates.length < PAGE) break;
      }
    }
  }
  return report;
}

async function carryOut(deps: NoncomplianceActionDeps, context: PassContext, spec: ActionSpec, runs: readonly ActionRun[], token: string): Promise<ActionsReport> {
  const devices = new Map((await deps.devices.getMany(runs.map((r) => r.deviceId), allScope)).map((d) => [d.id, d]));
  const userIds = [...new Set([...devices.values()].flatMap((d) => (d.userId ? [d.userId] : [])))];
  const users = spec.actionType === 'notification' ? new Map((await deps.users.getMany(userIds, allScope)).map((u) => [u.id, u])) : new Map<string, User>();
  const results: (ActionRun & Outcome)[] = [];
  for (const run of runs) {
    const device = devices.get(run.deviceId);
    let outcome: Outcome;
    try {
      if (!device) outcome = failed('The device no longer exists.', {});
      else if (spec.actionType === 'notification') outcome = await notify(deps, context, spec, device, device.userId ? users.get(device.userId) : undefined);
      else outcome = await deviceAction(deps, context, device, spec.actionType === 'remoteLock' ? { action: 'remoteLock' } : { action: 'retire' });
    } catch (err) {
      // An error this code did not foresee fails this run only; the rest of the page goes on.
      outcome = failed(err instanceof Error ? err.message : String(err), {});
    }
    results.push({ ...run, ...outcome });
  }
  const now = deps.clock.now();
  await deps.complianceActions.finish(results.map(({ deviceId, policyId, actionKey: key, episode, state, detail }) => ({ deviceId, policyId, actionKey: key, episode, state, detail })), token, now);
  const events = results.map((r) => auditEvent(spec, devices.get(r.deviceId), r, now));
  if (deps.auditLog.recordMany) await deps.auditLog.recordMany(events);
  else for (const e of events) await deps.auditLog.record(e);
  const done = results.filter((r) => r.state === 'done').length;
  return { done, failed: results.length - done };
}

const failed = (detail: string, audited: Record<string, unknown>): Outcome => ({ state: 'failed', detail, audited: { ...audited, failureReason: detail } });

async function notify(deps: NoncomplianceActionDeps, context: PassContext, spec: ActionSpec, device: ManagedDevice, user: User | undefined): Promise<Outcome> {
  const template = spec.notificationTemplateId ? context.templates.get(spec.notificationTemplateId) : undefined;
  if (!template) return failed(spec.notificationTemplateId ? `Notification message template ${spec.notificationTemplateId} does not exist.` : 'The notification action names no notification message template.', {});
  const to = user?.mail ?? device.emailAddress;
  if (!to) return failed('The device\'s primary user has no e-mail address.', { notificationTemplateId: template.id });
  if (!deps.mailer) return failed('No SMTP server is configured (--smtp-url), so the e-mail was not sent.', { notificationTemplateId: template.id, recipient: to });
  const mail = renderNotification(template, {
    userName: user?.displayName ?? device.userDisplayName ?? '', userPrincipalName: user?.userPrincipalName ?? device.userPrincipalName ?? '',
    deviceName: device.deviceName ?? device.id, deviceId: device.id,
    osAndVersion: [device.operatingSystem, device.osVersion].filter(Boolean).join(' '), policyName: spec.policy.displayName,
  });
  if (!mail) return failed(`Notification message template ${template.displayName} has no localized message to send.`, { notificationTemplateId: template.id });
  const cc = (await Promise.all(spec.ccGroupIds.map((g) => ccOf(deps, context, g)))).flat().filter((m) => m.toLowerCase() !== to.toLowerCase());
  const audited = { notificationTemplateId: template.id, recipient: to, cc: [...new Set(cc)], subject: mail.subject };
  try {
    await deps.mailer.send({ to, cc: [...new Set(cc)], subject: mail.subject, text: mail.text });
  } catch (err) {
    return failed(`The e-mail to ${to} was not sent: ${err instanceof Error ? err.message : String(err)}`, audited);
  }
  return { state: 'done', detail: `E-mailed ${to}.`, audited };
}

/** The e-mail addresses of a CC group's users (notificationMessageCCList holds group ids), read once per pass. */
function ccOf(deps: NoncomplianceActionDeps, context: PassContext, groupId: string): Promise<string[]> {
  let p = context.ccMail.get(groupId);
  if (!p) {
    p = deps.groups.transitiveMembers(groupId).then(async (refs) => {
      const users = await deps.users.getMany(refs.filter((r) => r.type === 'user').map((r) => r.id), allScope);
      return users.flatMap((u) => (u.mail ? [u.mail] : []));
    });
    context.ccMail.set(groupId, p);
  }
  return p;
}

async function deviceAction(deps: NoncomplianceActionDeps, context: PassContext, device: ManagedDevice, request: RemoteActionRequest): Promise<Outcome> {
  try {
    const { action } = await runDeviceAction({ ...deps, planners: context.planners }, { deviceId: device.id, scope: allScope, request, initiatedBy: null });
    return { state: 'done', detail: `Queued ${request.action} (device action ${action.id}).`, audited: { deviceActionId: action.id, actionState: action.actionState } };
  } catch (err) {
    // A device that cannot do it (a desktop PC and remoteLock, no enrollment) is told in words.
    if (err instanceof StewardError) return failed(err.message, {});
    throw err;
  }
}

const ACTIVITY: Readonly<Record<string, string>> = {
  notification: 'Send noncompliance notification',
  remoteLock: 'remoteLock ManagedDevice',
  retire: 'retire ManagedDevice',
};

function auditEvent(spec: ActionSpec, device: ManagedDevice | undefined, run: ActionRun & Outcome, at: Date): NewAuditEvent {
  return changeEvent({
    actor: ACTOR, activity: ACTIVITY[spec.actionType] ?? spec.actionType, category: 'Compliance', operation: 'Action',
    result: run.state === 'done' ? 'Success' : 'Failure', correlationId: randomUUID(), at,
    activityType: `Noncompliance ${spec.actionType}`,
    resource: {
      type: 'ManagedDevice', id: run.deviceId, displayName: device?.deviceName ?? null,
      after: { actionType: spec.actionType, policyId: spec.policy.id, policyName: spec.policy.displayName, noncompliantSince: run.episode, gracePeriodHours: spec.gracePeriodHours, ...run.audited },
    },
  });
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
