// What part of the fleet an admin may see and act on. 'all' for unscoped roles; otherwise the
// users and devices that are (transitive) members of the scope groups, and the devices whose
// primary user is. Out-of-scope objects answer as if they did not exist.
export type Scope = { kind: 'all' } | { kind: 'groups'; groupIds: readonly string[] };

export const allScope: Scope = { kind: 'all' };
