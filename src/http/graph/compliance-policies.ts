// Graph's deviceManagement/deviceCompliancePolicies (under /v1.0 and /beta): CRUD with the list's
// query options, the assign action and assignments, scheduledActionsForRule, deviceStatuses,
// deviceStatusOverview, userStatuses and userStatusOverview, and each managed device's
// deviceCompliancePolicyStates. Thin: decode, one core call, present.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ComplianceDeps } from '../../core/compliance/reevaluate.js';
import { assignPolicy, createPolicy, deletePolicy, getPolicy, listPolicies, updatePolicy } from '../../core/compliance/save-policy.js';
import { decodePolicyBody, policyTypeOf } from '../../core/compliance/decode-policy.js';
import { decodeAssignBody } from '../../core/compliance/decode-assignments.js';
import { getManagedDevice } from '../../core/devices/get-managed-device.js';
import type { ManagedDeviceStore } from '../../core/devices/ports.js';
import { invalidInput } from '../../core/errors.js';
import type { AuditTrail } from '../audit-trail.js';
import { collection, contextUrl, graphVersion, queryOptions } from './collection.js';
import { listCompliancePolicyPage } from '../../core/compliance/list-policies.js';
import {
  presentAssignment, presentDeviceOverview, presentDeviceStatus, presentPolicy, presentPolicyState, presentScheduledActions,
  policyUserStatuses, presentUserOverview, presentUserStatusOfPolicy,
} from './compliance-present.js';

export interface ComplianceRouteDeps extends ComplianceDeps {
  devices: ManagedDeviceStore;
  audit: AuditTrail;
}

const SET = 'deviceManagement/deviceCompliancePolicies';
const tags = ['deviceCompliancePolicies'];
const EXPANDABLE = new Set(['assignments', 'scheduledActionsForRule']);

/** $expand=assignments,scheduledActionsForRule (what import and export tools ask for). */
function expandOf(req: FastifyRequest): Set<string> {
  const raw = queryOptions(req).$expand ?? queryOptions(req).expand;
  const out = new Set<string>();
  for (const part of (raw ?? '').split(',').map((p) => p.trim()).filter(Boolean)) {
    if (!EXPANDABLE.has(part)) throw invalidInput(`$expand: ${part} cannot be expanded here; expand assignments or scheduledActionsForRule.`, '$expand');
    out.add(part);
  }
  return out;
}

export const compliancePolicyRoutes: FastifyPluginAsync<{ deps: ComplianceRouteDeps; publicUrl: URL }> = async (app, { deps, publicUrl }) => {
  const entity = (req: FastifyRequest, path = SET) => `${contextUrl(publicUrl, graphVersion(req), path)}/$entity`;

  app.get('/deviceManagement/deviceCompliancePolicies', {
    config: { permission: 'Microsoft.Intune_DeviceCompliancePolices_Read' }, schema: { summary: 'List device compliance policies', tags },
  }, async (req) => {
    const expand = expandOf(req);
    // $expand is this route's own; the rest are the collection's query options.
    const options = Object.fromEntries(Object.entries(queryOptions(req)).filter(([k]) => !/^\$?expand$/i.test(k)));
    const page = await listCompliancePolicyPage(deps, { queryOptions: options, scope: req.scope });
    return collection(req, publicUrl, graphVersion(req), SET, page, (p) => presentPolicy(p, graphVersion(req), expand), { polymorphic: true });
  });

  app.post('/deviceManagement/deviceCompliancePolicies', {
    config: { permission: 'Microsoft.Intune_DeviceCompliancePolices_Create' }, schema: { summary: 'Create a device compliance policy', tags },
  }, async (req, reply) => {
    const raw = req.body as Record<string, unknown> | null;
    const type = policyTypeOf(raw && typeof raw === 'object' ? raw['@odata.type'] : undefined);
    if (!type) throw invalidInput('@odata.type is required: the compliance policy type, such as #microsoft.graph.iosCompliancePolicy.', '@odata.type');
    const body = decodePolicyBody(type, req.body, graphVersion(req), 'create');
    const policy = await createPolicy(deps, { type, body, scope: req.scope });
    const shown = presentPolicy(policy, graphVersion(req));
    await deps.audit.change(req, { activity: 'Create device compliance policy', category: 'Compliance', operation: 'Create', resource: { type: 'DeviceCompliancePolicy', id: policy.id, displayName: policy.displayName, after: shown } });
    return reply.code(201).send({ '@odata.context': entity(req), ...shown });
  });

  app.get<{ Params: { id: string } }>('/deviceManagement/deviceCompliancePolicies/:id', {
    config: { permission: 'Microsoft.Intune_DeviceCompliancePolices_Read' }, schema: { summary: 'Get a device compliance policy', tags },
  }, async (req) => {
    const expand = expandOf(req);
    const policy = await getPolicy(deps, { id: req.params.id, scope: req.scope });
    return { '@odata.context': entity(req), ...presentPolicy(policy, graphVersion(req), expand) };
  });

  app.patch<{ Params: { id: string } }>('/deviceManagement/deviceCompliancePolicies/:id', {
    config: { permission: 'Microsoft.Intune_DeviceCompliancePolices_Update' }, schema: { summary: 'Update a device compliance policy', tags },
  }, async (req, reply) => {
    const current = await getPolicy(deps, { id: req.params.id, scope: req.scope });
    const raw = req.body as Record<string, unknown> | null;
    const given = policyTypeOf(raw && typeof raw === 'object' ? raw['@odata.type'] : undefined);
    if (given !== undefined && given !== current.type) throw invalidInput(`@odata.type ${given} does not match the policy's type ${current.type}; a policy's type cannot change.`, '@odata.type');
    const body = decodePolicyBody(current.type, req.body, graphVersion(req), 'update');
    const { before, after } = await updatePolicy(deps, { id: current.id, body, scope: req.scope });
    await deps.audit.change(req, {
      activity: 'Update device compliance policy', category: 'Compliance', operation: 'Patch',
      resource: { type: 'DeviceCompliancePolicy', id: after.id, displayName: after.displayName, before: presentPolicy(before, 'beta'), after: presentPolicy(after, 'beta') },
    });
    return reply.code(204).send();
  });

  app.delete<{ Params: { id: string } }>('/deviceManagement/deviceCompliancePolicies/:id', {
    config: { permission: 'Microsoft.Intune_DeviceCompliancePolices_Delete' }, schema: { summary: 'Delete a device compliance policy', tags },
  }, async (req, reply) => {
    const policy = await deletePolicy(deps, { id: req.params.id, scope: req.scope });
    await deps.audit.change(req, { activity: 'Delete device compliance policy', category: 'Compliance', operation: 'Delete', resource: { type: 'DeviceCompliancePolicy', id: policy.id, displayName: policy.displayName, before: presentPolicy(policy, 'beta') } });
    return reply.code(204).send();
  });

  app.post<{ Params: { id: string } }>('/deviceManagement/deviceCompliancePolicies/:id/assign', {
    config: { permission: 'Microsoft.Intune_DeviceCompliancePolices_Assign' }, schema: { summary: 'Assign a device compliance policy (replaces its assignments)', tags },
  }, async (req) => {
    const targets = decodeAssignBody(req.body, graphVersion(req));
    const before = await getPolicy(deps, { id: req.params.id, scope: req.scope });
    const { policy, assignments } = await assignPolicy(deps, { id: req.params.id, targets, scope: req.scope });
    await deps.audit.change(req, {
      activity: 'Assign device compliance policy', category: 'Compliance', operation: 'Action',
      resource: { type: 'DeviceCompliancePolicy', id: policy.id, displayName: policy.displayName, before: { assignments: before.assignments.map(presentAssignment) }, after: { assignments: assignments.map(presentAssignment) } },
    });
    return { '@odata.context': contextUrl(publicUrl, graphVersion(req), 'Collection(microsoft.graph.deviceCompliancePolicyAssignment)'), value: assignments.map(presentAssignment) };
  });

  app.get<{ Params: { id: string } }>('/deviceManagement/deviceCompliancePolicies/:id/assignments', {
    config: { permission: 'Microsoft.Intune_DeviceCompliancePolices_Read' }, schema: { summary: 'The policy\'s assignments', tags },
  }, async (req) => {
    const policy = await getPolicy(deps, { id: req.params.id, scope: req.scope });
    return { '@odata.context': contextUrl(publicUrl, graphVersion(req), `${SET}('${policy.id}')/assignments`), value: policy.assignments.map(presentAssignment) };
  });

  app.get<{ Params: { id: string } }>('/deviceManagement/deviceCompliancePolicies/:id/scheduledActionsForRule', {
    config: { permission: 'Microsoft.Intune_DeviceCompliancePolices_Read' }, schema: { summary: 'The policy\'s actions for noncompliance', tags },
  }, async (req) => {
    const policy = await getPolicy(deps, { id: req.params.id, scope: req.scope });
    return { '@odata.context': contextUrl(publicUrl, graphVersion(req), `${SET}('${policy.id}')/scheduledActionsForRule`), value: presentScheduledActions(policy) };
  });

  /** The policy's states on the devices the caller may see, with those devices (one query for the lot). */
  const visibleStates = async (req: FastifyRequest<{ Params: { id: string } }>) => {
    const policy = await getPolicy(deps, { id: req.params.id, scope: req.scope });
    const all = await deps.complianceStates.forPolicy(policy.id);
    const devices = new Map((await deps.devices.getMany(all.map((s) => s.deviceId), req.scope)).map((d) => [d.id, d]));
    return { policy, states: all.filter((s) => devices.has(s.deviceId)), devices };
  };

  app.get<{ Params: { id: string } }>('/deviceManagement/deviceCompliancePolicies/:id/deviceStatuses', {
    config: { permission: 'Microsoft.Intune_DeviceCompliancePolices_Read' }, schema: { summary: 'Per-device compliance with the policy', tags },
  }, async (req) => {
    const { policy, states } = await visibleStates(req);
    return { '@odata.context': contextUrl(publicUrl, graphVersion(req), `${SET}('${policy.id}')/deviceStatuses`), value: states.map(presentDeviceStatus) };
  });

  app.get<{ Params: { id: string } }>('/deviceManagement/deviceCompliancePolicies/:id/deviceStatusOverview', {
    config: { permission: 'Microsoft.Intune_DeviceCompliancePolices_Read' }, schema: { summary: 'Counts of devices per compliance status', tags },
  }, async (req) => {
    const { policy, states, devices } = await visibleStates(req);
    return { '@odata.context': entity(req, `${SET}('${policy.id}')/deviceStatusOverview`), ...presentDeviceOverview(policy, states, devices, graphVersion(req)) };
  });

  app.get<{ Params: { id: string } }>('/deviceManagement/deviceCompliancePolicies/:id/userStatuses', {
    config: { permission: 'Microsoft.Intune_DeviceCompliancePolices_Read' }, schema: { summary: 'Per-user compliance with the policy (the worst of each user\'s devices)', tags },
  }, async (req) => {
    const { policy, states, devices } = await visibleStates(req);
    const value = policyUserStatuses(states, devices).map((u) => presentUserStatusOfPolicy(policy, u));
    return { '@odata.context': contextUrl(publicUrl, graphVersion(req), `${SET}('${policy.id}')/userStatuses`), value };
  });

  app.get<{ Params: { id: string } }>('/deviceManagement/deviceCompliancePolicies/:id/userStatusOverview', {
    config: { permission: 'Microsoft.Intune_DeviceCompliancePolices_Read' }, schema: { summary: 'Counts of users per compliance status', tags },
  }, async (req) => {
    const { policy, states, devices } = await visibleStates(req);
    return { '@odata.context': entity(req, `${SET}('${policy.id}')/userStatusOverview`), ...presentUserOverview(policy, policyUserStatuses(states, devices), graphVersion(req)) };
  });

  app.get<{ Params: { id: string } }>('/deviceManagement/managedDevices/:id/deviceCompliancePolicyStates', {
    config: { permission: 'Microsoft.Intune_ManagedDevices_Read' }, schema: { summary: 'The device\'s compliance per policy, with setting states', tags: ['managedDevices'] },
  }, async (req) => {
    const device = await getManagedDevice(deps, { id: req.params.id, scope: req.scope });
    // Policies shown as the caller's scope tags allow, as on deviceCompliancePolicies.
    const [states, policies] = await Promise.all([deps.complianceStates.forDevices([device.id]), listPolicies(deps, { scope: req.scope })]);
    const byId = new Map(policies.map((p) => [p.id, p]));
    const value = (states.get(device.id) ?? []).flatMap((s) => {
      const p = byId.get(s.policyId);
      return p ? [presentPolicyState(s, p)] : [];
    });
    return { '@odata.context': contextUrl(publicUrl, graphVersion(req), `deviceManagement/managedDevices('${device.id}')/deviceCompliancePolicyStates`), value };
  });
};
