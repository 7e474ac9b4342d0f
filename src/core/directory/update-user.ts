import { invalidInput, notFound } from '../errors.js';
import { checkPasswordPolicy, hashPassword } from '../auth/password.js';
import type { Scope } from '../rbac/scope.js';
import type { UserStore } from './ports.js';
import type { User, UserWritable } from './user.js';
import type { PasswordProfile } from './create-user.js';
import { checkDisplayName, checkMail, checkMailNickname, checkUserPrincipalName } from './validate.js';

export type UserChanges = Partial<UserWritable> & { passwordProfile?: PasswordProfile };

/** Graph PATCH /users/{id}: returns the user before and after, for the audit log. */
export async function updateUser(
  deps: { users: UserStore; onUserChanged?(user: User): Promise<void> },
  input: { id: string; scope: Scope; changes: UserChanges },
): Promise<{ before: User; after: User }> {
  const before = await deps.users.get(input.id, input.scope);
  if (!before) throw notFound(`user ${input.id} was not found.`, 'id');
  const { passwordProfile, ...rest } = input.changes;
  const changes: Partial<UserWritable> = { ...rest };
  if (changes.userPrincipalName !== undefined) changes.userPrincipalName = checkUserPrincipalName(changes.userPrincipalName);
  if (changes.displayName !== undefined) changes.displayName = checkDisplayName(changes.displayName);
  if (changes.mailNickname !== undefined && changes.mailNickname !== null) changes.mailNickname = checkMailNickname(changes.mailNickname);
  if (changes.mail !== undefined && changes.mail !== null) changes.mail = changes.mail.trim() === '' ? null : checkMail(changes.mail);
  if (passwordProfile) {
    const problem = checkPasswordPolicy(passwordProfile.password, { userPrincipalName: changes.userPrincipalName ?? before.userPrincipalName });
    if (problem) throw invalidInput(`passwordProfile.password: ${problem}`, 'passwordProfile');
  }
  const outcome = await deps.users.update(before.id, changes);
  if (outcome === 'missing') throw notFound(`user ${input.id} was not found.`, 'id');
  if (outcome === 'duplicate') throw invalidInput(`Another object with the same value for property userPrincipalName already exists: ${changes.userPrincipalName ?? ''}.`, 'userPrincipalName');
  if (passwordProfile) {
    await deps.users.setPassword(before.id, {
      passwordHash: await hashPassword(passwordProfile.password),
      forceChangePasswordNextSignIn: passwordProfile.forceChangePasswordNextSignIn ?? true,
    });
  }
  const after: User = { ...before, ...changes };
  await deps.onUserChanged?.(after);
  return { before, after };
}
