// Runs a parsed membership rule against one user or device, and maps Steward's records to the
// property names rules use.
//
// Semantics (Microsoft's page, https://learn.microsoft.com/entra/identity/users/groups-dynamic-membership,
// where it says; Steward's choice, stated here, where it does not):
// - "Regex and string operations aren't case sensitive": every text comparison, -in and -match
//   ignore case (JavaScript's locale-independent toLowerCase; regex.ts folds case per character).
// - A property that is missing, null or "" is null (Entra stores no empty strings). `-eq null` is
//   true for it, `-ne null` false. Every positive operator (-eq "x", -startsWith, -contains,
//   -endsWith, -in, -match, -le, -ge) is false on null, and every negated one (-ne "x",
//   -notStartsWith, …, -notIn, -notMatch) is its exact negation, hence true. So a condition is
//   always true or false and `-not (X)` is always the opposite of X.
// - A string collection compared with a string operator (the page's `user.otherMails -startsWith
//   "alias@domain"`) asks whether some item passes; the negated operator asks that none does.
// - `-any` is true when some item passes, `-all` when every item does, so -all is true on an empty
//   collection: the page's "users who have no assigned service plan" example,
//   `user.assignedPlans -all (assignedPlan.servicePlanId -eq null)`, relies on that.
// - Values of the wrong type are read leniently rather than thrown on: numbers and booleans where
//   text is expected become text, "true"/"false" count as booleans, a date may be a Date, an ISO
//   string or epoch milliseconds; anything else is null.
import type { Duration, MembershipRule, RuleExpr } from './parse.js';
import { compileRegex, type SafeRegex } from './regex.js';

export interface EvaluateOptions {
  /** The instant `system.now` stands for; pass the Clock's time. Defaults to the current time. */
  now?: Date;
}

type Subject = Readonly<Record<string, unknown>>;
/** What a property name reads: the subject's properties, or inside -any/-all, the item's. */
type Scope = { kind: 'subject'; subject: Subject } | { kind: 'item'; item: unknown };

export function evaluateRule(rule: MembershipRule, subject: Subject, options: EvaluateOptions = {}): boolean {
  return new Evaluator(options).test(rule.expr, { kind: 'subject', subject });
}

const regexes = new WeakMap<RuleExpr, SafeRegex>();
const inLists = new WeakMap<RuleExpr, ReadonlySet<string>>();

class Evaluator {
  private now: number | undefined;
  constructor(private readonly options: EvaluateOptions) {}

  test(e: RuleExpr, scope: Scope): boolean {
    switch (e.kind) {
      case 'and': return e.operands.every((o) => this.test(o, scope));
      case 'or': return e.operands.some((o) => this.test(o, scope));
      case 'not': return !this.test(e.operand, scope);
      case 'isNull': return isNull(read(scope, e.property)) !== e.negated;
      case 'text': {
        const value = e.value.toLowerCase();
        return texts(read(scope, e.property)).some((s) => textTest(s.toLowerCase(), e.test, value)) !== e.negated;
      }
      case 'in': {
        let set = inLists.get(e);
        if (!set) { set = new Set(e.values.map((v) => v.toLowerCase())); inLists.set(e, set); }
        const values = set;
        return texts(read(scope, e.property)).some((s) => values.has(s.toLowerCase())) !== e.negated;
      }
      case 'match': {
        let re = regexes.get(e);
        if (!re) { re = compileRegex(e.pattern); regexes.set(e, re); }
        const compiled = re;
        return texts(read(scope, e.property)).some((s) => compiled.test(s)) !== e.negated;
      }
      case 'boolean': {
        const b = toBoolean(read(scope, e.property));
        return (b !== undefined && b === e.value) !== e.negated;
      }
      case 'date': {
        const at = toEpoch(read(scope, e.property));
        const target = e.value.kind === 'instant' ? e.value.epochMs : this.fromNow(e.value.sign, e.value.offset);
        const passes = at !== undefined && (e.test === 'eq' ? at === target : e.test === 'le' ? at <= target : at >= target);
        return passes !== e.negated;
      }
      case 'quantified': {
        const items = collection(read(scope, e.property));
        const itemPasses = (item: unknown) => this.test(e.condition, { kind: 'item', item });
        return e.quantifier === 'any' ? items.some(itemPasses) : items.every(itemPasses);
      }
    }
  }

  private fromNow(sign: 1 | -1, offset: Duration | null): number {
    this.now ??= (this.options.now ?? new Date()).getTime();
    if (!offset) return this.now;
    const d = new Date(this.now);
    d.setUTCFullYear(d.getUTCFullYear() + sign * offset.years, d.getUTCMonth() + sign * offset.months, d.getUTCDate() + sign * offset.days);
    d.setUTCHours(d.getUTCHours() + sign * offset.hours, d.getUTCMinutes() + sign * offset.minutes, d.getUTCSeconds() + sign * offset.seconds);
    return d.getTime();
  }
}

function read(scope: Scope, property: string): unknown {
  if (scope.kind === 'subject') return Object.hasOwn(scope.subject, property) ? scope.subject[property] : undefined;
  if (property === '_') return scope.item;
  const item = scope.item;
  return typeof item === 'object' && item !== null && Object.hasOwn(item, property) ? (item as Record<string, unknown>)[property] : undefined;
}

function textTest(s: string, test: 'eq' | 'startsWith' | 'endsWith' | 'contains', value: string): boolean {
  switch (test) {
    case 'eq': return s === value;
    case 'startsWith': return s.startsWith(value);
    case 'endsWith': return s.endsWith(value);
    case 'contains': return s.includes(value);
  }
}

function text(v: unknown): string | undefined {
  if (typeof v === 'string') return v === '' ? undefined : v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return undefined;
}

/** The non-null texts of a value: one for a single value, the items of a collection. */
function texts(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(text).filter((s): s is string => s !== undefined);
  const s = text(v);
  return s === undefined ? [] : [s];
}

function isNull(v: unknown): boolean {
  if (v === undefined || v === null || v === '') return true;
  return Array.isArray(v) && v.every((x) => x === undefined || x === null || x === '');
}

function collection(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  return v === undefined || v === null ? [] : [v];
}

function toBoolean(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string' && /^(true|false)$/i.test(v)) return v.toLowerCase() === 'true';
  return undefined;
}

function toEpoch(v: unknown): number | undefined {
  const ms = v instanceof Date ? v.getTime() : typeof v === 'string' ? Date.parse(v) : typeof v === 'number' ? v : NaN;
  return Number.isFinite(ms) ? ms : undefined;
}

/** The Steward managed-device fields that device rules can see. */
export interface DeviceRecordForRules {
  id: string;
  deviceName: string | null;
  operatingSystem: string | null;
  osVersion: string | null;
  model: string | null;
  manufacturer: string | null;
  managedDeviceOwnerType: string;
  enrollmentProfileName: string | null;
  jailBroken: string;
  managementAgent: string;
}

/**
 * A managed device under the names of Entra's device object, which rules use.
 *
 * - objectId and deviceId: Steward has one identifier per device, its managedDevice id.
 * - deviceOSType: Entra's operatingSystem spelling, which differs from Intune's: iPhones are
 *   "iOS" and iPads "IPad" (the page writes "iPad"; comparisons ignore case), Intune-enrolled
 *   Macs "MacMDM", Windows "Windows". Android devices enrolled through Android Enterprise are
 *   "AndroidEnterprise" when company-owned (fully managed, dedicated) and "AndroidForWork" when
 *   personal (work profile), the page's two Android examples; plain "Android" when ownership is
 *   unknown. Anything else is passed through.
 * - deviceOwnership: "Company", "Personal" or "Unknown" (the page: Intune says corporate/company,
 *   rules say Company).
 * - isRooted: jailBroken "True"/"False"; "Unknown" is null.
 * - managementType: Entra's device.managementType uses the managementAgent enum (mdm, easMdm, …),
 *   so the page's `device.managementType -eq "MDM"` matches an "mdm" device.
 * - accountEnabled is true (a device Steward manages is enabled); profileType "RegisteredDevice".
 *   deviceCategory, deviceTrustType and deviceManagementAppId are null, devicePhysicalIds and
 *   systemLabels empty: Steward has no such data.
 */
export function deviceRuleSubject(d: DeviceRecordForRules): Record<string, unknown> {
  const owner = d.managedDeviceOwnerType.toLowerCase();
  const jailBroken = d.jailBroken.toLowerCase();
  return {
    objectId: d.id,
    deviceId: d.id,
    displayName: d.deviceName,
    deviceOSType: entraOSType(d.operatingSystem, d.model, owner),
    deviceOSVersion: d.osVersion,
    deviceModel: d.model,
    deviceManufacturer: d.manufacturer,
    deviceOwnership: owner === 'company' ? 'Company' : owner === 'personal' ? 'Personal' : 'Unknown',
    enrollmentProfileName: d.enrollmentProfileName,
    isRooted: jailBroken === 'true' ? true : jailBroken === 'false' ? false : null,
    managementType: d.managementAgent,
    accountEnabled: true,
    profileType: 'RegisteredDevice',
    deviceCategory: null,
    deviceTrustType: null,
    deviceManagementAppId: null,
    devicePhysicalIds: [],
    systemLabels: [],
  };
}

function entraOSType(os: string | null, model: string | null, owner: string): string | null {
  if (os === null) return null;
  const lower = os.toLowerCase().replace(/\s+/g, '');
  if (lower === 'ipados' || lower === 'ipad' || (lower === 'ios' && /^ipad/i.test(model ?? ''))) return 'IPad';
  if (lower === 'ios' || lower === 'iphone') return 'iOS';
  if (lower === 'macos' || lower === 'macosx' || lower === 'osx' || lower === 'macmdm') return 'MacMDM';
  if (lower.startsWith('windows')) return 'Windows';
  if (lower === 'android') return owner === 'company' ? 'AndroidEnterprise' : owner === 'personal' ? 'AndroidForWork' : 'Android';
  return os;
}

/**
 * A Steward user (Graph user properties) under the names rules use: most are the same; Graph's
 * id, officeLocation and mobilePhone are objectId, physicalDeliveryOfficeName and mobile in rules,
 * and the first of businessPhones is telephoneNumber.
 */
export function userRuleSubject(u: Readonly<Record<string, unknown>> & { id: string }): Record<string, unknown> {
  const phones = u.businessPhones;
  return {
    ...u,
    objectId: u.id,
    physicalDeliveryOfficeName: u.physicalDeliveryOfficeName ?? u.officeLocation ?? null,
    mobile: u.mobile ?? u.mobilePhone ?? null,
    telephoneNumber: u.telephoneNumber ?? (Array.isArray(phones) ? (phones[0] as unknown) : null) ?? null,
  };
}
