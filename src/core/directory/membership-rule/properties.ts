// The properties a dynamic membership rule may name, with their types, as Microsoft lists them
// in "Manage rules for dynamic membership groups in Microsoft Entra ID"
// (https://learn.microsoft.com/entra/identity/users/groups-dynamic-membership, revision of
// 2024-12-19: "Supported properties", "Multi-value properties", "Extension properties" and
// "Rules for devices").
//
// Names are matched case-insensitively and stored in the spelling below: the page says property
// names are case sensitive, yet its own examples write user.employeehiredate, user.mailNickName
// and device.devicePhysicalIDs, so Steward accepts any case rather than reject Microsoft's samples.

export type RuleSubject = 'user' | 'device';

export type PropertyType =
  | 'string'
  | 'boolean'
  /** Compared with -le, -ge, -eq, -ne against a datetime or system.now (employeeHireDate). */
  | 'dateTime'
  /** Several strings: `-any`/`-all` with `_`, or a string operator meaning "some item". */
  | 'stringCollection'
  /** Several objects with string properties: only `-any`/`-all` with `item.property`. */
  | 'objectCollection';

export interface PropertyInfo {
  readonly name: string;
  readonly type: PropertyType;
  /** objectCollection only: the prefix of the items' properties and their names. */
  readonly item?: { readonly prefix: string; readonly properties: readonly string[] };
}

const strings = (...names: string[]): PropertyInfo[] => names.map((name) => ({ name, type: 'string' }));
const extensionAttributes = strings(...Array.from({ length: 15 }, (_, i) => `extensionAttribute${i + 1}`));

export const userProperties: readonly PropertyInfo[] = [
  { name: 'accountEnabled', type: 'boolean' },
  { name: 'dirSyncEnabled', type: 'boolean' },
  { name: 'employeeHireDate', type: 'dateTime' },
  ...strings(
    'city', 'country', 'companyName', 'department', 'displayName', 'employeeId', 'facsimileTelephoneNumber',
    'givenName', 'jobTitle', 'mail', 'mailNickname', 'mobile', 'objectId', 'onPremisesDistinguishedName',
    'onPremisesSecurityIdentifier', 'passwordPolicies', 'physicalDeliveryOfficeName', 'postalCode',
    'preferredLanguage', 'sipProxyAddress', 'state', 'streetAddress', 'surname', 'telephoneNumber',
    'usageLocation', 'userPrincipalName', 'userType',
  ),
  { name: 'otherMails', type: 'stringCollection' },
  { name: 'proxyAddresses', type: 'stringCollection' },
  {
    name: 'assignedPlans', type: 'objectCollection',
    item: { prefix: 'assignedPlan', properties: ['capabilityStatus', 'service', 'servicePlanId'] },
  },
  ...extensionAttributes,
];

export const deviceProperties: readonly PropertyInfo[] = [
  { name: 'accountEnabled', type: 'boolean' },
  { name: 'isRooted', type: 'boolean' },
  ...strings(
    'deviceCategory', 'deviceId', 'deviceManagementAppId', 'deviceManufacturer', 'deviceModel', 'displayName',
    'deviceOSType', 'deviceOSVersion', 'deviceOwnership', 'deviceTrustType', 'enrollmentProfileName',
    'managementType', 'objectId', 'profileType',
  ),
  { name: 'devicePhysicalIds', type: 'stringCollection' },
  // Listed as "a read-only string"; Graph's device.systemLabels is Collection(Edm.String).
  { name: 'systemLabels', type: 'stringCollection' },
  ...extensionAttributes,
];

const bySubject: Record<RuleSubject, ReadonlyMap<string, PropertyInfo>> = {
  user: new Map(userProperties.map((p) => [p.name.toLowerCase(), p])),
  device: new Map(deviceProperties.map((p) => [p.name.toLowerCase(), p])),
};

/**
 * Custom extension properties, user.extension_[app id without dashes]_[attribute] (page section
 * "Extension properties and custom extension properties"); strings, kept as written after the
 * prefix because Graph returns them with the attribute's own case.
 */
const customExtension = /^extension_([0-9a-f]{32})_([A-Za-z0-9_]+)$/i;

/** The property `name` (without `user.`/`device.`) of a subject, in its canonical spelling. */
export function findProperty(subject: RuleSubject, name: string): PropertyInfo | undefined {
  const known = bySubject[subject].get(name.toLowerCase());
  if (known) return known;
  const m = customExtension.exec(name);
  return m ? { name: `extension_${m[1]!.toLowerCase()}_${m[2]!}`, type: 'string' } : undefined;
}

/** Properties that Entra has but Steward refuses, with the reason given to the admin. */
export const unsupportedProperties: ReadonlyMap<string, string> = new Map([
  ['memberof', 'memberOf rules (groups of groups) are not supported by Steward'],
]);

/** Graph names people write by habit, and the rule property that holds the same value. */
const graphSpellings: Record<RuleSubject, Record<string, string>> = {
  user: { officelocation: 'physicalDeliveryOfficeName', mobilephone: 'mobile', businessphones: 'telephoneNumber', id: 'objectId' },
  device: {
    operatingsystem: 'deviceOSType', operatingsystemversion: 'deviceOSVersion', osversion: 'deviceOSVersion',
    manufacturer: 'deviceManufacturer', model: 'deviceModel', devicename: 'displayName', id: 'objectId',
    managedeviceownertype: 'deviceOwnership', manageddeviceownertype: 'deviceOwnership', jailbroken: 'isRooted',
  },
};

/** The closest property name to an unknown one, for "did you mean". */
export function suggestProperty(subject: RuleSubject, name: string): string | undefined {
  const lower = name.toLowerCase();
  const alias = Object.hasOwn(graphSpellings[subject], lower) ? graphSpellings[subject][lower] : undefined;
  if (alias) return alias;
  let best: string | undefined;
  let bestDistance = Math.min(3, Math.floor(lower.length / 3) + 1);
  for (const p of bySubject[subject].values()) {
    const d = editDistance(lower, p.name.toLowerCase(), bestDistance);
    if (d < bestDistance) { best = p.name; bestDistance = d; }
  }
  return best;
}

/** The property names of a subject for an error message (extension attributes folded into one). */
export function propertyList(subject: RuleSubject): string {
  const list = subject === 'user' ? userProperties : deviceProperties;
  const names = list.filter((p) => !/^extensionAttribute\d/.test(p.name)).map((p) => p.name);
  return [...names, 'extensionAttribute1…15', ...(subject === 'user' ? ['extension_<appId>_<name>'] : [])].join(', ');
}

/** Levenshtein distance, giving up (returning `limit`) once every path is at least `limit`. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) >= limit) return limit;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      row.push(v);
      rowMin = Math.min(rowMin, v);
    }
    if (rowMin >= limit) return limit;
    prev = row;
  }
  return Math.min(prev[b.length]!, limit);
}
