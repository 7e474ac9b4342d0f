// Graph beta's bulk remote action, registered under /v1.0 and /beta as the other actions are:
//
// POST /deviceManagement/managedDevices/executeAction
//      { actionName, deviceIds, keepEnrollmentData, keepUserData, persistEsimDataPlan, … }
//      → 200 bulkManagedDeviceActionResult { successfulDeviceIds, failedDeviceIds,
//        notFoundDeviceIds, notSupportedDeviceIds }
//
// actionName is Graph's managedDeviceRemoteAction. Steward runs the members it has as single
// actions too (retire, wipe, rebootNow, syncDevice) and refuses the others with a 400 naming them.
// The caller needs the action's own permission (Microsoft.Intune_RemoteTasks_RebootNow, …), and
// each device is taken only within that permission's scope (out of it: notFound, as reads answer).
// Every device that can do the action gets its commands and its deviceActionResult in one
// transaction, and all of them are woken in one push batch.
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { isAllowed, scopeFor } from '../../core/auth/principal.js';
import type { RemoteActionName, RemoteActionRequest } from '../../core/actions/planner.js';
import { MAX_BULK_DEVICES, runBulkDeviceAction } from '../../core/actions/run-bulk-device-action.js';
import type { Core } from '../../core/deps.js';
import { StewardError, invalidInput } from '../../core/errors.js';
import { decodeBody } from './body.js';
import { contextUrl, graphVersion } from './collection.js';
import { ACTION_ROUTES, actionPlanners, type DeviceActionRouteDeps } from './device-actions.js';

export type ExecuteActionRouteDeps = DeviceActionRouteDeps & Pick<Core, 'actionQueue'>;

/** Graph's managedDeviceRemoteAction members (beta). */
const GRAPH_REMOTE_ACTIONS = [
  'retire', 'delete', 'fullScan', 'quickScan', 'signatureUpdate', 'wipe', 'customTextNotification', 'rebootNow', 'setDeviceName',
  'syncDevice', 'deprovision', 'disable', 'reenable', 'moveDeviceToOrganizationalUnit', 'activateDeviceEsim', 'collectDiagnostics',
  'initiateMobileDeviceManagementKeyRecovery', 'initiateOnDemandProactiveRemediation', 'initiateDeviceAttestation', 'unknownFutureValue',
] as const;

const flag = z.boolean().nullable().optional();
const text = z.string().max(1024, 'must be at most 1024 characters').nullable().optional();

const requestSchema = z.object({
  actionName: z.string({ error: 'is required' }),
  deviceIds: z.array(z.string().min(1, 'must not hold an empty id').max(200, 'must hold ids of at most 200 characters'), { error: 'is required: the managedDevice ids to act on' })
    .min(1, 'must name at least one managedDevice')
    .max(MAX_BULK_DEVICES, `must name at most ${MAX_BULK_DEVICES} managedDevices`),
  keepEnrollmentData: flag,
  keepUserData: flag,
  persistEsimDataPlan: flag,
  notificationTitle: text,
  notificationBody: text,
  deviceName: text,
  carrierUrl: text,
  deprovisionReason: text,
  organizationalUnitPath: text,
}).strict();

type ExecuteActionRequest = z.infer<typeof requestSchema>;

/** The managedDeviceRemoteAction members Steward runs in bulk, as the request each device gets. */
const BULK_ACTIONS: Readonly<Partial<Record<string, { action: RemoteActionName; request(body: ExecuteActionRequest): RemoteActionRequest }>>> = {
  retire: { action: 'retire', request: () => ({ action: 'retire' }) },
  wipe: {
    action: 'wipe',
    request: (b) => ({ action: 'wipe', keepEnrollmentData: b.keepEnrollmentData ?? false, keepUserData: b.keepUserData ?? false, persistEsimDataPlan: b.persistEsimDataPlan ?? false }),
  },
  rebootNow: { action: 'rebootNow', request: () => ({ action: 'rebootNow' }) },
  syncDevice: { action: 'syncDevice', request: () => ({ action: 'syncDevice' }) },
};

/** Parameters that belong to other actions: refused rather than silently ignored. */
const PARAMETERS_OF: Readonly<Record<string, readonly (keyof ExecuteActionRequest)[]>> = {
  wipe: ['keepEnrollmentData', 'keepUserData', 'persistEsimDataPlan'],
};
const ACTION_PARAMETERS: readonly (keyof ExecuteActionRequest)[] = [
  'keepEnrollmentData', 'keepUserData', 'persistEsimDataPlan', 'notificationTitle', 'notificationBody', 'deviceName', 'carrierUrl', 'deprovisionReason', 'organizationalUnitPath',
];

function decode(body: unknown): { actionName: string; deviceIds: string[]; request: RemoteActionRequest } {
  const b = decodeBody(requestSchema, body, 'executeAction request');
  const bulk = BULK_ACTIONS[b.actionName];
  if (bulk === undefined) {
    const supported = Object.keys(BULK_ACTIONS).join(', ');
    if (!(GRAPH_REMOTE_ACTIONS as readonly string[]).includes(b.actionName)) throw invalidInput(`actionName: '${b.actionName}' is not a managedDeviceRemoteAction. Steward runs ${supported}.`, 'actionName');
    throw invalidInput(`actionName: Steward does not run '${b.actionName}' through executeAction; it runs ${supported}.`, 'actionName');
  }
  const allowed = PARAMETERS_OF[b.actionName] ?? [];
  for (const name of ACTION_PARAMETERS) {
    if (b[name] !== undefined && b[name] !== null && !allowed.includes(name)) throw invalidInput(`${name} does not apply to ${b.actionName}.`, name);
  }
  return { actionName: b.actionName, deviceIds: b.deviceIds, request: bulk.request(b) };
}

export const executeActionRoutes: FastifyPluginAsync<{ deps: ExecuteActionRouteDeps; publicUrl: URL }> = async (app, { deps, publicUrl }) => {
  const planners = actionPlanners(deps);
  app.post('/deviceManagement/managedDevices/executeAction', {
    // Seeing devices is the least a caller needs; the action's own permission is checked below,
    // once the body says which action it is.
    config: { permission: 'Microsoft.Intune_ManagedDevices_Read' },
    schema: { summary: 'Run one remote action on many managed devices (Graph beta)', tags: ['managedDevices'] },
  }, async (req, reply) => {
    const { actionName, deviceIds, request } = decode(req.body);
    const permission = ACTION_ROUTES[request.action].permission;
    const principal = req.principal;
    if (principal === undefined || !isAllowed(principal, permission)) {
      const reason = `The caller's roles do not grant ${permission}.`;
      await deps.audit.refused(req, 'Authorization refused', { reason });
      throw new StewardError('forbidden', reason);
    }
    const outcome = await runBulkDeviceAction({ ...deps, planners }, {
      deviceIds, scope: scopeFor(principal, permission), request, initiatedBy: principal.id,
    });
    if (outcome.failedDeviceIds.length > 0) {
      req.log.warn({ actionName, failed: outcome.failedDeviceIds.length, first: outcome.reasons.get(outcome.failedDeviceIds[0] ?? '') }, 'executeAction: some devices failed');
    }
    if (outcome.successfulDeviceIds.length > 0) {
      await deps.audit.change(req, {
        activity: `${actionName} ManagedDevice`, category: 'Device', operation: 'Action',
        resource: {
          type: 'ManagedDevice', id: null, displayName: `${outcome.successfulDeviceIds.length} devices (executeAction)`,
          after: { actionName, actionState: 'pending', successfulDeviceIds: outcome.successfulDeviceIds, notSupportedDeviceIds: outcome.notSupportedDeviceIds },
        },
      });
    }
    return reply.code(200).send({
      '@odata.context': contextUrl(publicUrl, graphVersion(req), 'microsoft.graph.bulkManagedDeviceActionResult'),
      successfulDeviceIds: outcome.successfulDeviceIds,
      failedDeviceIds: outcome.failedDeviceIds,
      notFoundDeviceIds: outcome.notFoundDeviceIds,
      notSupportedDeviceIds: outcome.notSupportedDeviceIds,
      // Steward extension (docs/api.md): why each device was not supported or failed.
      failureReasons: Object.fromEntries(outcome.reasons),
    });
  });
};
