// The typed input of a compliance policy request, from its JSON body: the @odata.type picks the
// subtype, every property is checked against the CSDL (graph-value.ts), read-only properties that
// Intune's exports carry (id, createdDateTime, lastModifiedDateTime, version, supportsScopeTags)
// are ignored, and scheduledActionsForRule is read into its own shape.
import { invalidInput } from '../errors.js';
import { checkGraphObject, isControlInformation, type GraphVersion } from './graph-value.js';
import { complianceActionTypes, compliancePolicyTypes, type ComplianceActionItem, type CompliancePolicyType, type ScheduledActionForRule } from './policy.js';

const READ_ONLY = new Set(['id', 'createdDateTime', 'lastModifiedDateTime', 'version', 'supportsScopeTags']);
const HANDLED = new Set(['scheduledActionsForRule', 'assignments', 'roleScopeTagIds', 'displayName', 'description']);

export interface PolicyInput {
  displayName?: string;
  description?: string | null;
  roleScopeTagIds?: string[];
  settings: Record<string, unknown>;
  scheduledActionsForRule?: ScheduledActionForRule[];
}

/** The subtype an '@odata.type' value names, with or without '#'; undefined when absent. */
export function policyTypeOf(odataType: unknown): CompliancePolicyType | undefined {
  if (odataType === undefined) return undefined;
  const m = typeof odataType === 'string' ? /^#?microsoft\.graph\.(.+)$/.exec(odataType) : null;
  const found = compliancePolicyTypes.find((t) => t.toLowerCase() === m?.[1]?.toLowerCase());
  if (!found) {
    throw invalidInput(`@odata.type ${JSON.stringify(odataType)} is not a compliance policy type Steward supports; expected one of ${compliancePolicyTypes.map((t) => `#microsoft.graph.${t}`).join(', ')}.`, '@odata.type');
  }
  return found;
}

function readActionItem(v: unknown, path: string): ComplianceActionItem {
  const o = checkGraphShape(v, path, ['actionType', 'gracePeriodHours', 'notificationTemplateId', 'notificationMessageCCList']);
  const actionType = o.actionType ?? 'noAction';
  if (typeof actionType !== 'string' || !(complianceActionTypes as readonly string[]).includes(actionType)) {
    throw invalidInput(`${path}.actionType: expected one of ${complianceActionTypes.join(', ')}.`, `${path}.actionType`);
  }
  const hours = o.gracePeriodHours ?? 0;
  if (typeof hours !== 'number' || !Number.isInteger(hours) || hours < 0 || hours > 8760) {
    throw invalidInput(`${path}.gracePeriodHours: must be a whole number of hours from 0 to 8760.`, `${path}.gracePeriodHours`);
  }
  const template = o.notificationTemplateId ?? null;
  if (template !== null && typeof template !== 'string') throw invalidInput(`${path}.notificationTemplateId: must be a string.`, `${path}.notificationTemplateId`);
  const cc = o.notificationMessageCCList ?? [];
  if (!Array.isArray(cc) || cc.some((c) => typeof c !== 'string')) throw invalidInput(`${path}.notificationMessageCCList: must be an array of group ids.`, `${path}.notificationMessageCCList`);
  return { actionType: actionType as ComplianceActionItem['actionType'], gracePeriodHours: hours, notificationTemplateId: template, notificationMessageCCList: cc as string[] };
}

/** An object's properties by their expected names (case-insensitive); ids and annotations dropped, others refused. */
function checkGraphShape(v: unknown, path: string, names: readonly string[]): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw invalidInput(`${path}: must be a JSON object.`, path);
  const byLower = new Map(names.map((n) => [n.toLowerCase(), n]));
  const out: Record<string, unknown> = {};
  for (const [k, value] of Object.entries(v)) {
    if (isControlInformation(k) || k === 'id') continue;
    const name = byLower.get(k.toLowerCase());
    if (!name) throw invalidInput(`Property '${path}.${k}' does not exist here.`, `${path}.${k}`);
    out[name] = value;
  }
  return out;
}

export function readScheduledActions(v: unknown): ScheduledActionForRule[] {
  if (v === null) return [];
  if (!Array.isArray(v)) throw invalidInput('scheduledActionsForRule: must be an array.', 'scheduledActionsForRule');
  if (v.length > 10) throw invalidInput('scheduledActionsForRule: at most 10 rules.', 'scheduledActionsForRule');
  return v.map((rule, i) => {
    const path = `scheduledActionsForRule[${i}]`;
    const o = checkGraphShape(rule, path, ['ruleName', 'scheduledActionConfigurations']);
    const ruleName = o.ruleName ?? null;
    if (ruleName !== null && typeof ruleName !== 'string') throw invalidInput(`${path}.ruleName: must be a string.`, `${path}.ruleName`);
    const configs = o.scheduledActionConfigurations ?? [];
    if (!Array.isArray(configs) || configs.length > 20) throw invalidInput(`${path}.scheduledActionConfigurations: must be an array of at most 20 actions.`, `${path}.scheduledActionConfigurations`);
    return { ruleName, scheduledActionConfigurations: configs.map((c, j) => readActionItem(c, `${path}.scheduledActionConfigurations[${j}]`)) };
  });
}

function readTags(v: unknown): string[] {
  if (!Array.isArray(v) || v.length > 100 || v.some((t) => typeof t !== 'string' || t.length === 0 || t.length > 128)) {
    throw invalidInput('roleScopeTagIds: must be an array of at most 100 scope tag ids.', 'roleScopeTagIds');
  }
  return [...new Set(v as string[])];
}

/**
 * A create (`mode: 'create'`, displayName required) or update body of `type`. On update the body's
 * @odata.type, when given, must be the policy's own.
 */
export function decodePolicyBody(type: CompliancePolicyType, body: unknown, version: GraphVersion, mode: 'create' | 'update'): PolicyInput {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw invalidInput(`The request body must be a JSON object (a microsoft.graph.${type}).`);
  const checked = checkGraphObject(type, body, { path: '', version, ignore: READ_ONLY, handled: HANDLED });
  const { scheduledActionsForRule, assignments: _assignments, roleScopeTagIds, displayName, description, ...settings } = checked;
  const out: PolicyInput = { settings };
  if (displayName !== undefined && displayName !== null) {
    if (typeof displayName !== 'string' || displayName.trim() === '' || displayName.length > 256) throw invalidInput('displayName: must be a non-empty string of at most 256 characters.', 'displayName');
    out.displayName = displayName;
  } else if (mode === 'create') {
    throw invalidInput('displayName is required.', 'displayName');
  }
  if (description !== undefined) {
    if (description !== null && (typeof description !== 'string' || description.length > 1024)) throw invalidInput('description: must be a string of at most 1024 characters.', 'description');
    out.description = description;
  }
  if (roleScopeTagIds !== undefined && roleScopeTagIds !== null) out.roleScopeTagIds = readTags(roleScopeTagIds);
  if (scheduledActionsForRule !== undefined) out.scheduledActionsForRule = readScheduledActions(scheduledActionsForRule);
  return out;
}
