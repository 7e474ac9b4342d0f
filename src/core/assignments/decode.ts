// The body of Graph's assign action on a compliance policy or a configuration profile:
// {assignments: [{target}]}, each target one of the four assignment target types Steward supports.
import { invalidInput } from '../errors.js';
import { checkGraphObject, isControlInformation, type GraphVersion } from '../compliance/graph-value.js';
import type { AssignmentTarget } from './targets.js';

const kinds: Record<string, AssignmentTarget['kind']> = {
  '#microsoft.graph.groupAssignmentTarget': 'group',
  '#microsoft.graph.exclusionGroupAssignmentTarget': 'exclusionGroup',
  '#microsoft.graph.allDevicesAssignmentTarget': 'allDevices',
  '#microsoft.graph.allLicensedUsersAssignmentTarget': 'allLicensedUsers',
};

/** `entity`: the assignment type of the collection ('deviceCompliancePolicyAssignment', 'deviceConfigurationAssignment'). */
export function decodeAssignBody(body: unknown, version: GraphVersion, entity = 'deviceCompliancePolicyAssignment'): AssignmentTarget[] {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw invalidInput('The request body must be a JSON object {"assignments": [...]}.');
  const extra = Object.keys(body).find((k) => !isControlInformation(k) && k !== 'assignments');
  if (extra !== undefined) throw invalidInput(`Property '${extra}' is not a parameter of the assign action.`, extra);
  const list = (body as { assignments?: unknown }).assignments;
  if (!Array.isArray(list)) throw invalidInput(`assignments: must be an array of ${entity}.`, 'assignments');
  if (list.length > 200) throw invalidInput('assignments: at most 200.', 'assignments');
  return list.map((item, i) => {
    const path = `assignments[${i}]`;
    const a = checkGraphObject(entity, item, { path, version, ignore: new Set(['id', 'source', 'sourceId']) });
    const target = a.target as Record<string, unknown> | undefined;
    if (!target) throw invalidInput(`${path}.target is required.`, `${path}.target`);
    const odataType = target['@odata.type'];
    const kind = typeof odataType === 'string' ? kinds[odataType] : undefined;
    if (!kind) throw invalidInput(`${path}.target: ${String(odataType)} is not supported; use one of ${Object.keys(kinds).join(', ')}.`, `${path}.target`);
    const filterId = target.deviceAndAppManagementAssignmentFilterId;
    if (typeof filterId === 'string' && filterId !== '' && target.deviceAndAppManagementAssignmentFilterType !== 'none') {
      throw invalidInput(`${path}.target: assignment filters are not supported yet.`, `${path}.target.deviceAndAppManagementAssignmentFilterId`);
    }
    if (kind === 'group' || kind === 'exclusionGroup') {
      const groupId = target.groupId;
      if (typeof groupId !== 'string' || groupId === '') throw invalidInput(`${path}.target.groupId is required.`, `${path}.target.groupId`);
      return { kind, groupId };
    }
    return { kind };
  });
}
