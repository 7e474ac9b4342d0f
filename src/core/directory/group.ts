// A group as Graph's group resource names it.
export interface Group {
  id: string;
  displayName: string;
  description: string | null;
  mailNickname: string;
  mailEnabled: boolean;
  securityEnabled: boolean;
  groupTypes: string[];
  membershipRule: string | null;
  membershipRuleProcessingState: 'On' | 'Paused' | null;
  createdDateTime: string;
}

export type MemberType = 'user' | 'group' | 'device' | 'servicePrincipal';

export interface DirectoryObjectRef {
  id: string;
  type: MemberType;
}

export const DYNAMIC = 'DynamicMembership';

export function isDynamic(g: Pick<Group, 'groupTypes'>): boolean {
  return g.groupTypes.includes(DYNAMIC);
}
