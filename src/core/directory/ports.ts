import type { ListQuery } from '../query/list-query.js';
import type { Page } from '../devices/ports.js';
import type { Scope } from '../rbac/scope.js';
import type { AssignedLicense, User } from './user.js';
import type { DirectoryObjectRef, Group, MemberType } from './group.js';

export interface NewCredential {
  passwordHash: string;
  forceChangePasswordNextSignIn: boolean;
}

export interface UserStore {
  list(query: ListQuery, scope: Scope): Promise<Page<User>>;
  /** By id or by userPrincipalName (case-insensitive), as Graph's /users/{id | userPrincipalName}. */
  get(idOrUpn: string, scope: Scope): Promise<User | undefined>;
  getMany(ids: readonly string[], scope: Scope): Promise<User[]>;
  /** 'duplicate' when the userPrincipalName is taken. */
  create(user: Omit<User, 'assignedLicenses'>, credential: NewCredential | undefined): Promise<'created' | 'duplicate'>;
  update(id: string, changes: Partial<Omit<User, 'id' | 'assignedLicenses' | 'createdDateTime'>>): Promise<'updated' | 'duplicate' | 'missing'>;
  setPassword(id: string, credential: NewCredential): Promise<void>;
  delete(id: string): Promise<boolean>;
  changeLicenses(id: string, add: AssignedLicense[], removeSkuIds: string[], now: Date): Promise<void>;
  countLicensed(skuId: string): Promise<number>;
  /** Every user, a batch at a time, for recomputing dynamic groups. */
  batches(size: number): AsyncIterable<User[]>;
}

export interface MemberPage {
  items: DirectoryObjectRef[];
  nextSkipToken?: string;
}

export interface GroupStore {
  list(query: ListQuery): Promise<Page<Group>>;
  get(id: string): Promise<Group | undefined>;
  getMany(ids: readonly string[]): Promise<Group[]>;
  create(group: Group): Promise<void>;
  update(id: string, changes: Partial<Omit<Group, 'id' | 'createdDateTime'>>): Promise<boolean>;
  delete(id: string): Promise<boolean>;
  /** What kind of directory object an id names, if any. */
  objectType(id: string): Promise<MemberType | undefined>;
  addMembers(groupId: string, members: readonly DirectoryObjectRef[], source: 'assigned' | 'dynamic', now: Date): Promise<void>;
  removeMembers(groupId: string, memberIds: readonly string[]): Promise<void>;
  isDirectMember(groupId: string, memberId: string): Promise<boolean>;
  members(groupId: string, page: { top: number; skipToken?: string }): Promise<MemberPage>;
  /** Members of the group and of every group nested in it, without the nested groups' duplicates. */
  transitiveMembers(groupId: string): Promise<DirectoryObjectRef[]>;
  /** Groups the object is a direct member of. */
  memberOf(memberId: string): Promise<Group[]>;
  /** Groups the object is a member of directly or through nesting. */
  transitiveMemberOf(memberId: string): Promise<Group[]>;
  /** Dynamic groups whose rule processing is on. */
  dynamicGroups(): Promise<Group[]>;
  /** Ids of all of a group's direct members. */
  memberIds(groupId: string): Promise<string[]>;
  /** Marks every direct member as put there by `source` (a group that stops being dynamic keeps its members). */
  setMemberSource(groupId: string, source: 'assigned' | 'dynamic'): Promise<void>;
}
