// Graph's managedDevice remote actions, DELETE managedDevice and the device's detectedApps, under
// /v1.0 and /beta. Each action is a bound action answering 204, as in Graph:
//
// POST /deviceManagement/managedDevices/{id}/remoteLock       RemoteTasks_RemoteLock
//      Steward extension: optional { "message", "phoneNumber" } shown on the lock screen.
// POST …/wipe             { keepEnrollmentData, keepUserData, macOsUnlockCode, persistEsimDataPlan }   RemoteTasks_Wipe
// POST …/retire           RemoteTasks_Retire          POST …/resetPasscode    RemoteTasks_ResetPasscode
// POST …/rebootNow        RemoteTasks_RebootNow       POST …/shutDown         RemoteTasks_ShutDown
// POST …/syncDevice       RemoteTasks_SyncDevice      POST …/locateDevice     RemoteTasks_LocateDevice
// POST …/enableLostMode   { message, phoneNumber, footer } (Graph beta)        RemoteTasks_EnableLostMode
// POST …/disableLostMode  RemoteTasks_DisableLostMode
// POST …/setDeviceName    { deviceName } (Graph beta)                          RemoteTasks_SetDeviceName
// DELETE /deviceManagement/managedDevices/{id}                ManagedDevices_Delete
// GET  /deviceManagement/managedDevices/{id}/detectedApps     ManagedDevices_Read (Graph beta's navigation)
//
// A device out of the caller's scope for the action's permission answers 404, as reads do; one that
// cannot do the action answers 409 (400 for a bad parameter) saying why, and nothing is queued.
import { windowsActionPlanner } from '../../core/windows/action-planner.js';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { ResourceOperation } from '../../core/auth/principal.js';
import type { DeviceAction } from '../../core/actions/ports.js';
import type { ActionPlanner, RemoteActionName, RemoteActionRequest } from '../../core/actions/planner.js';
import { runDeviceAction, type RunDeviceActionDeps } from '../../core/actions/run-device-action.js';
import { deleteManagedDevice } from '../../core/actions/delete-managed-device.js';
import { appleActionPlanner } from '../../core/apple/action-planner.js';
import type { DetectedAppRow } from '../../core/apple/inventory-ports.js';
import { getManagedDevice } from '../../core/devices/get-managed-device.js';
import type { ManagedDevice } from '../../core/devices/managed-device.js';
import { invalidInput } from '../../core/errors.js';
import type { Core } from '../../core/deps.js';
import type { AuditTrail } from '../audit-trail.js';
import { decodeBody } from './body.js';
import { executeActionRoutes } from './execute-action.js';
import { contextUrl, graphVersion, nextLink, queryOptions } from './collection.js';

export type DeviceActionRouteDeps = Pick<Core, 'devices' | 'commands' | 'deviceActions' | 'actionQueue' | 'deviceRecords' | 'deviceInventory' | 'appleEnrollments' | 'windowsEnrollments' | 'windowsInventory' | 'waker' | 'clock'> & { audit: AuditTrail };

const ENTITY_SET = 'deviceManagement/managedDevices';

const optText = (max: number) => z.string().max(max, `must be at most ${max} characters`).nullable().optional();
const optBool = z.boolean().nullable().optional();
const noParameters = z.object({}).strict();

interface ActionRoute {
  permission: ResourceOperation;
  summary: string;
  /** The request from the body; `undefined` body (no JSON sent) is allowed for every action. */
  decode(body: unknown): RemoteActionRequest;
  /** What the audit log keeps of the parameters: never a PIN or unlock code. */
  audited?(request: RemoteActionRequest): Record<string, unknown>;
}

function body<T extends z.ZodRawShape>(shape: T, body: unknown, action: string): z.infer<z.ZodObject<T>> {
  return decodeBody(z.object(shape).strict(), body ?? {}, `${action} request`);
}

const simple = (action: Exclude<RemoteActionName, 'remoteLock' | 'wipe' | 'enableLostMode' | 'setDeviceName'>, permission: ResourceOperation, summary: string): ActionRoute => ({
  permission,
  summary,
  decode: (b) => {
    decodeBody(noParameters, b ?? {}, `${action} request`);
    return { action };
  },
});

const strip = <T extends Record<string, unknown>>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null));

export const ACTION_ROUTES: Readonly<Record<RemoteActionName, ActionRoute>> = {
  remoteLock: {
    permission: 'Microsoft.Intune_RemoteTasks_RemoteLock',
    summary: 'Lock the device (Steward extension: a message and phone number on the lock screen)',
    decode: (b) => {
      const p = body({ message: optText(1000), phoneNumber: optText(64) }, b, 'remoteLock');
      return { action: 'remoteLock', ...strip({ message: p.message, phoneNumber: p.phoneNumber }) };
    },
    audited: (r) => (r.action === 'remoteLock' ? strip({ message: r.message, phoneNumber: r.phoneNumber }) : {}),
  },
  wipe: {
    permission: 'Microsoft.Intune_RemoteTasks_Wipe',
    summary: 'Erase the device (factory reset)',
    decode: (b) => {
      const p = body({ keepEnrollmentData: optBool, keepUserData: optBool, macOsUnlockCode: optText(64), persistEsimDataPlan: optBool }, b, 'wipe');
      return {
        action: 'wipe',
        keepEnrollmentData: p.keepEnrollmentData ?? false,
        keepUserData: p.keepUserData ?? false,
        persistEsimDataPlan: p.persistEsimDataPlan ?? false,
        ...(p.macOsUnlockCode ? { macOsUnlockCode: p.macOsUnlockCode } : {}),
      };
    },
    audited: (r) => (r.action === 'wipe' ? { keepEnrollmentData: r.keepEnrollmentData, keepUserData: r.keepUserData, persistEsimDataPlan: r.persistEsimDataPlan } : {}),
  },
  retire: simple('retire', 'Microsoft.Intune_RemoteTasks_Retire', 'Remove company data and end management; personal data stays'),
  resetPasscode: simple('resetPasscode', 'Microsoft.Intune_RemoteTasks_ResetPasscode', 'Clear the device passcode (iOS/iPadOS)'),
  rebootNow: simple('rebootNow', 'Microsoft.Intune_RemoteTasks_RebootNow', 'Restart the device'),
  shutDown: simple('shutDown', 'Microsoft.Intune_RemoteTasks_ShutDown', 'Shut the device down'),
  syncDevice: simple('syncDevice', 'Microsoft.Intune_RemoteTasks_SyncDevice', 'Refresh the device inventory now'),
  locateDevice: simple('locateDevice', 'Microsoft.Intune_RemoteTasks_LocateDevice', 'Locate a device in lost mode'),
  enableLostMode: {
    permission: 'Microsoft.Intune_RemoteTasks_EnableLostMode',
    summary: 'Put a supervised iOS/iPadOS device in lost mode (Graph beta)',
    decode: (b) => {
      const p = body({ message: optText(1000), phoneNumber: optText(64), footer: optText(200) }, b, 'enableLostMode');
      return { action: 'enableLostMode', ...strip({ message: p.message, phoneNumber: p.phoneNumber, footer: p.footer }) };
    },
    audited: (r) => (r.action === 'enableLostMode' ? strip({ message: r.message, phoneNumber: r.phoneNumber, footer: r.footer }) : {}),
  },
  disableLostMode: simple('disableLostMode', 'Microsoft.Intune_RemoteTasks_DisableLostMode', 'Take the device out of lost mode'),
  setDeviceName: {
    permission: 'Microsoft.Intune_RemoteTasks_SetDeviceName',
    summary: 'Rename the device (Graph beta): supervised iOS/iPadOS, macOS, Windows (applies at the next restart)',
    decode: (b) => {
      const p = body({ deviceName: z.string().trim().min(1, 'is required').max(255, 'must be at most 255 characters') }, b, 'setDeviceName');
      return { action: 'setDeviceName', deviceName: p.deviceName };
    },
    audited: (r) => (r.action === 'setDeviceName' ? { deviceName: r.deviceName } : {}),
  },
};

/** The planners of every platform Steward manages; Windows adds its own here. */
export function actionPlanners(deps: Pick<Core, 'appleEnrollments' | 'deviceInventory' | 'windowsEnrollments' | 'windowsInventory' | 'clock'>): ActionPlanner[] {
  return [appleActionPlanner(deps), windowsActionPlanner(deps)];
}

/** Graph's deviceActionResult (or its remoteLock / locateDevice subtype), plus Steward's failureReason. */
export function presentDeviceActionResult(a: DeviceAction) {
  const base = {
    actionName: a.actionName,
    actionState: a.actionState,
    startDateTime: a.startDateTime,
    lastUpdatedDateTime: a.lastUpdatedDateTime,
    failureReason: a.failureReason,
  };
  if (a.details?.unlockPin !== undefined) return { '@odata.type': '#microsoft.graph.remoteLockActionResult', ...base, unlockPin: a.details.unlockPin };
  if (a.details?.deviceLocation !== undefined) return { '@odata.type': '#microsoft.graph.locateDeviceActionResult', ...base, deviceLocation: a.details.deviceLocation };
  return base;
}

/** A device's deviceActionResults: the latest action of each name, newest first (as Intune shows them). */
export function presentDeviceActionResults(actions: readonly DeviceAction[]) {
  const seen = new Set<string>();
  return actions.filter((a) => !seen.has(a.actionName) && Boolean(seen.add(a.actionName))).map(presentDeviceActionResult);
}

/** Graph's detectedApp. Its id is stable per app and version across devices, as the fleet-wide list's is. */
export function presentDetectedApp(device: Pick<ManagedDevice, 'operatingSystem'>, app: DetectedAppRow) {
  const platform = device.operatingSystem === 'macOS' ? 'macOS' : device.operatingSystem === 'iOS' || device.operatingSystem === 'iPadOS' ? 'ios' : 'unknown';
  return {
    '@odata.type': '#microsoft.graph.detectedApp',
    id: createHash('sha256').update(`${platform}\u0000${app.identifier}\u0000${app.version}`).digest('hex'),
    displayName: app.displayName ?? app.identifier,
    version: app.version,
    sizeInByte: app.sizeInBytes,
    deviceCount: app.deviceCount,
    platform,
    publisher: null,
  };
}

const MAX_TOP = 999;

function appsPage(q: Record<string, string | undefined>): { limit: number; after?: { identifier: string; version: string } } {
  const top = q.$top === undefined ? 100 : Number(q.$top);
  if (!Number.isInteger(top) || top < 1 || top > MAX_TOP) throw invalidInput(`$top must be a whole number from 1 to ${MAX_TOP}.`, '$top');
  const token = q.$skiptoken;
  if (token === undefined) return { limit: top };
  try {
    const [identifier, version] = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown[];
    if (typeof identifier === 'string' && typeof version === 'string') return { limit: top, after: { identifier, version } };
  } catch { /* answered below */ }
  throw invalidInput('$skiptoken is not one this service issued.', '$skiptoken');
}

export const deviceActionRoutes: FastifyPluginAsync<{ deps: DeviceActionRouteDeps; publicUrl: URL }> = async (app, { deps, publicUrl }) => {
  const planners = actionPlanners(deps);
  const runDeps: RunDeviceActionDeps = { ...deps, planners };
  const audit = (req: FastifyRequest, activity: string, device: ManagedDevice, after: Record<string, unknown>, operation: 'Action' | 'Delete' = 'Action') =>
    deps.audit.change(req, {
      activity, category: 'Device', operation,
      resource: { type: 'ManagedDevice', id: device.id, displayName: device.deviceName, ...(operation === 'Delete' ? { before: after } : { after }) },
    });

  // Many devices at once: POST …/managedDevices/executeAction (Graph beta), in execute-action.ts.
  await app.register(executeActionRoutes, { deps, publicUrl });

  for (const [name, route] of Object.entries(ACTION_ROUTES) as [RemoteActionName, ActionRoute][]) {
    app.post<{ Params: { id: string } }>(`/deviceManagement/managedDevices/:id/${name}`, {
      config: { permission: route.permission },
      schema: { summary: route.summary, tags: ['managedDevices'] },
    }, async (req, reply) => {
      const request = route.decode(req.body);
      const { device, action } = await runDeviceAction(runDeps, { deviceId: req.params.id, scope: req.scope, request, initiatedBy: req.principal?.id ?? null });
      await audit(req, `${name} ManagedDevice`, device, { actionName: name, actionState: action.actionState, ...(route.audited?.(request) ?? {}) });
      return reply.code(204).send();
    });
  }

  app.delete<{ Params: { id: string } }>('/deviceManagement/managedDevices/:id', {
    config: { permission: 'Microsoft.Intune_ManagedDevices_Delete' },
    schema: { summary: 'Delete a managed device: forget it and end its enrollment', tags: ['managedDevices'] },
  }, async (req, reply) => {
    const device = await deleteManagedDevice({ ...deps, planners }, { id: req.params.id, scope: req.scope });
    await audit(req, 'Delete ManagedDevice', device, { deviceName: device.deviceName, serialNumber: device.serialNumber, operatingSystem: device.operatingSystem }, 'Delete');
    return reply.code(204).send();
  });

  app.get<{ Params: { id: string } }>('/deviceManagement/managedDevices/:id/detectedApps', {
    config: { permission: 'Microsoft.Intune_ManagedDevices_Read' },
    schema: { summary: 'Apps installed on a managed device (from its inventory)', tags: ['managedDevices'] },
  }, async (req) => {
    const device = await getManagedDevice(deps, { id: req.params.id, scope: req.scope });
    const page = appsPage(queryOptions(req));
    // One more than asked says whether there is a next page.
    const rows = await deps.deviceInventory.apps(device.id, { ...page, limit: page.limit + 1 });
    const items = rows.slice(0, page.limit);
    const last = items.at(-1);
    const next = rows.length > page.limit && last ? Buffer.from(JSON.stringify([last.identifier, last.version])).toString('base64url') : undefined;
    return {
      '@odata.context': contextUrl(publicUrl, graphVersion(req), `${ENTITY_SET}('${device.id}')/detectedApps`),
      ...(next ? { '@odata.nextLink': nextLink(req, publicUrl, next) } : {}),
      value: items.map((a) => presentDetectedApp(device, a)),
    };
  });
};
