// Role-based administration as Intune models it: role definitions (what), role assignments
// (who: admin groups; where: scope groups), scope tags, and API clients.
import type { ResourceOperation } from '../auth/principal.js';

export interface RoleDefinition {
  id: string;
  displayName: string;
  description: string | null;
  isBuiltIn: boolean;
  allowed: ResourceOperation[];
  roleScopeTagIds: string[];
}

/** Graph beta roleAssignmentScopeType. */
export const scopeTypes = ['resourceScope', 'allDevices', 'allLicensedUsers', 'allDevicesAndLicensedUsers'] as const;
export type ScopeType = (typeof scopeTypes)[number];

export interface RoleAssignment {
  id: string;
  displayName: string;
  description: string | null;
  roleDefinitionId: string;
  /** Admin groups whose (transitive) members hold the role. */
  members: string[];
  /** Scope groups: the users and devices the role applies to (scopeType resourceScope). */
  resourceScopes: string[];
  scopeType: ScopeType;
  roleScopeTagIds: string[];
}

export interface RoleScopeTag {
  id: string;
  displayName: string;
  description: string | null;
  isBuiltIn: boolean;
}

/** Intune's built-in scope tag, which every object carries unless given others. */
export const defaultScopeTag: RoleScopeTag = { id: '0', displayName: 'Default', description: 'Built-in scope tag', isBuiltIn: true };

/**
 * Objects that carry scope tags (Graph's roleScopeTagIds on them), by their Graph type name.
 * Policies and apps join this list as they arrive.
 */
export type ScopeTaggedType = 'managedDevice' | 'enrollmentProfile';

export interface ApiClient {
  id: string;
  clientId: string;
  displayName: string;
  accountEnabled: boolean;
  createdDateTime: string;
  /** The first characters of the secret, to tell secrets apart; never the secret. */
  secretHint: string;
}

export interface RbacStore {
  customRoles(): Promise<RoleDefinition[]>;
  saveRole(role: RoleDefinition): Promise<'saved' | 'duplicate'>;
  deleteRole(id: string): Promise<boolean>;
  assignments(): Promise<RoleAssignment[]>;
  saveAssignment(a: RoleAssignment): Promise<void>;
  deleteAssignment(id: string): Promise<boolean>;
  scopeTags(): Promise<RoleScopeTag[]>;
  saveScopeTag(tag: RoleScopeTag): Promise<'saved' | 'duplicate'>;
  deleteScopeTag(id: string): Promise<boolean>;
  /**
   * Replaces the scope tags of one object. Only this writes them, so that an object saved from an
   * older read (an inventory update) never undoes a tag change. ['0'] alone is stored as no tag.
   */
  setObjectScopeTags(type: ScopeTaggedType, id: string, tagIds: readonly string[]): Promise<void>;
  /** How many objects of each type carry the tag (those with none carry Default: not counted). */
  scopeTagUsage(tagId: string): Promise<{ type: ScopeTaggedType; count: number }[]>;
}

export interface ApiClientStore {
  create(client: ApiClient, secretHash: string): Promise<void>;
  byClientId(clientId: string): Promise<(ApiClient & { secretHash: string }) | undefined>;
  get(id: string): Promise<ApiClient | undefined>;
  list(): Promise<ApiClient[]>;
  delete(id: string): Promise<boolean>;
}
