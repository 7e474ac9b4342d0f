// Builds the audit event of one change: who (actor), what (activity, category, operation type),
// how it ended (result), which request (correlationId) and which resources, with the properties
// that changed computed from the resource before and after. Values are JSON text, as Graph's
// auditProperty values are; a property whose name looks like a secret (core/secrets.ts, and a few
// more below), at any depth, is written as "********" so that no secret reaches the audit log.
import type { Principal } from '../auth/principal.js';
import type { Clock } from '../clock.js';
import { isSecretName } from '../secrets.js';
import type {
  AuditActor, AuditActorType, AuditCategory, AuditOperationType, AuditProperty, AuditResult, NewAuditEvent,
} from './audit-event.js';
import type { AuditLog } from './ports.js';

export const MASKED = '********';
/**
 * Secrets the shared name rule (core/secrets.ts, also the logs') does not catch but Graph's MDM
 * resources have: Wi-Fi preSharedKey, FileVault/BitLocker recovery keys, the activation lock
 * bypass code. Masking a harmless `…Key` too is a small price in an audit log.
 */
const alsoSecret = /keys?$|bypasscode$/i;
const secretName = (name: string) => isSecretName(name) || alsoSecret.test(name);
/** Longest value kept, in characters; a longer one (a script, a certificate) is cut and marked. */
export const MAX_VALUE_LENGTH = 4096;
const MAX_DEPTH = 12;

type Properties = Readonly<Record<string, unknown>>;

export interface ResourceChange {
  /** The Graph type name: 'User', 'Group', 'ManagedDevice', 'DeviceCompliancePolicy', … */
  type: string;
  id: string | null;
  displayName?: string | null;
  /** The resource before the change; absent for a Create. */
  before?: Properties | null;
  /** The resource after the change; absent for a Delete. */
  after?: Properties | null;
}

export interface ChangeInput {
  actor: AuditActor;
  /** Friendly name, also the event's displayName: "Create user", "Remote lock". */
  activity: string;
  category: AuditCategory;
  /** activityOperationType. */
  operation: AuditOperationType;
  /** activityResult; 'Success' when absent. */
  result?: AuditResult;
  /** The request id of the request being served (or the CLI run's id). */
  correlationId: string;
  /** The resource changed; `resources` when there are several (both may be given). */
  resource?: ResourceChange;
  resources?: readonly ResourceChange[];
  /** Defaults to "<operation> <type of the first resource>", e.g. "Create User". */
  activityType?: string;
  /** Defaults to the category. */
  componentName?: string;
}

/** The event for a change that happened at `at`. Pure: no clock, no id (the store assigns it). */
export function changeEvent(input: ChangeInput & { at: Date }): NewAuditEvent {
  const resources = [...(input.resource ? [input.resource] : []), ...(input.resources ?? [])];
  const first = resources[0];
  return {
    displayName: input.activity,
    componentName: input.componentName ?? input.category,
    actor: { ...input.actor, userPermissions: [...input.actor.userPermissions] },
    activity: input.activity,
    activityDateTime: input.at.toISOString(),
    activityType: input.activityType ?? (first ? `${input.operation} ${first.type}` : input.operation),
    activityOperationType: input.operation,
    activityResult: input.result ?? 'Success',
    correlationId: input.correlationId,
    resources: resources.map((r) => ({
      displayName: r.displayName ?? null,
      auditResourceType: r.type,
      resourceId: r.id,
      modifiedProperties: diffProperties(r.before ?? undefined, r.after ?? undefined),
    })),
    category: input.category,
  };
}

/** Builds the event of a change and appends it to the log. */
export async function recordChange(deps: { audit: AuditLog; clock: Clock }, input: ChangeInput): Promise<void> {
  await deps.audit.record(changeEvent({ ...input, at: deps.clock.now() }));
}

/**
 * The properties that differ between `before` and `after`, in the order of `after` and then of
 * the properties only `before` has. A property that is absent, undefined or null counts as having
 * no value (null in the result). Values are compared by content, not by key order.
 */
export function diffProperties(before: Properties | undefined, after: Properties | undefined): AuditProperty[] {
  const names = [...new Set([...Object.keys(after ?? {}), ...Object.keys(before ?? {})])];
  const changed: AuditProperty[] = [];
  for (const name of names) {
    const old = before && Object.hasOwn(before, name) ? before[name] : undefined;
    const now = after && Object.hasOwn(after, name) ? after[name] : undefined;
    const oldText = jsonText(old, false);
    const newText = jsonText(now, false);
    if (oldText === newText) continue;
    if (secretName(name)) {
      changed.push({ displayName: name, oldValue: MASKED, newValue: MASKED });
    } else {
      changed.push({ displayName: name, oldValue: shown(old), newValue: shown(now) });
    }
  }
  return changed;
}

function shown(value: unknown): string | null {
  const text = jsonText(value, true);
  if (text === null || text.length <= MAX_VALUE_LENGTH) return text;
  return `${text.slice(0, MAX_VALUE_LENGTH)}…[${text.length - MAX_VALUE_LENGTH} more characters]`;
}

/** JSON text with object keys sorted; `mask` replaces secret-named members at any depth. */
function jsonText(value: unknown, mask: boolean): string | null {
  const plain = toPlain(value, mask, 0);
  return plain === undefined ? null : JSON.stringify(plain);
}

function toPlain(value: unknown, mask: boolean, depth: number): unknown {
  if (value === undefined || value === null) return undefined;
  if (depth > MAX_DEPTH) return '[too deep]';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (ArrayBuffer.isView(value)) return `[${value.byteLength} bytes]`;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'bigint':
      return value.toString();
    case 'function':
    case 'symbol':
    case 'undefined':
      return undefined;
    case 'object':
      break;
  }
  if (Array.isArray(value)) return value.map((v) => toPlain(v, mask, depth + 1) ?? null);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const member = toPlain((value as Record<string, unknown>)[key], mask, depth + 1);
    if (member === undefined) continue;
    out[key] = mask && secretName(key) ? MASKED : member;
  }
  return out;
}

const noActor: Omit<AuditActor, 'auditActorType'> = {
  userPermissions: [], applicationId: null, applicationDisplayName: null, userPrincipalName: null,
  servicePrincipalName: null, ipAddress: null, userId: null,
};

/**
 * The actor of a request made by a principal: a person is 'ItPro' (userId, userPrincipalName), an
 * API client 'Application' (applicationId is its client id), the CLI on the server 'System'.
 * userPermissions are the resource operations its roles granted at the time, whatever the scope.
 */
export function actorOf(principal: Principal, extra: { ipAddress?: string | null } = {}): AuditActor {
  const permissions = new Set(principal.grants.flatMap((g) => [...g.allowed]));
  const common = { ...noActor, userPermissions: [...permissions].sort(), ipAddress: extra.ipAddress ?? null };
  switch (principal.kind) {
    case 'user':
      return { ...common, auditActorType: 'ItPro', userId: principal.id, userPrincipalName: principal.name };
    case 'apiClient':
      return { ...common, auditActorType: 'Application', applicationId: principal.name, applicationDisplayName: principal.displayName };
    case 'cli':
      return { ...common, auditActorType: 'System', userId: principal.id, applicationDisplayName: principal.displayName };
  }
}

/** An actor that is not a principal: a background job, a device user in the company portal. */
export function otherActor(type: Exclude<AuditActorType, 'ItPro' | 'Application'>, fields: Partial<Omit<AuditActor, 'auditActorType'>> = {}): AuditActor {
  return { ...noActor, ...fields, auditActorType: type };
}
