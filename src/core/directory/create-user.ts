import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import { invalidInput } from '../errors.js';
import { checkPasswordPolicy, hashPassword } from '../auth/password.js';
import type { UserStore } from './ports.js';
import type { User, UserWritable } from './user.js';
import { checkDisplayName, checkMail, checkMailNickname, checkUserPrincipalName, nicknameFrom } from './validate.js';

export interface PasswordProfile {
  password: string;
  forceChangePasswordNextSignIn?: boolean;
}

export type NewUser = Partial<UserWritable> & Pick<UserWritable, 'userPrincipalName' | 'displayName' | 'accountEnabled'> & {
  passwordProfile?: PasswordProfile;
};

export interface CreateUserDeps {
  users: UserStore;
  clock: Clock;
  /** Recomputes dynamic group memberships for a user that was created or changed. */
  onUserChanged?(user: User): Promise<void>;
}

/** Creates a user (Graph POST /users). The password, if any, is kept only as an argon2id hash. */
export async function createUser(deps: CreateUserDeps, input: NewUser): Promise<User> {
  const upn = checkUserPrincipalName(input.userPrincipalName);
  const displayName = checkDisplayName(input.displayName);
  const mailNickname = checkMailNickname(input.mailNickname ?? nicknameFrom(upn));
  const mail = input.mail ? checkMail(input.mail) : null;
  let credential: { passwordHash: string; forceChangePasswordNextSignIn: boolean } | undefined;
  if (input.passwordProfile) {
    const problem = checkPasswordPolicy(input.passwordProfile.password, { userPrincipalName: upn });
    if (problem) throw invalidInput(`passwordProfile.password: ${problem}`, 'passwordProfile');
    credential = {
      passwordHash: await hashPassword(input.passwordProfile.password),
      forceChangePasswordNextSignIn: input.passwordProfile.forceChangePasswordNextSignIn ?? true,
    };
  }
  const user: Omit<User, 'assignedLicenses'> = {
    id: randomUUID(),
    userPrincipalName: upn,
    displayName,
    mailNickname,
    mail,
    givenName: input.givenName ?? null,
    surname: input.surname ?? null,
    department: input.department ?? null,
    jobTitle: input.jobTitle ?? null,
    companyName: input.companyName ?? null,
    employeeId: input.employeeId ?? null,
    officeLocation: input.officeLocation ?? null,
    mobilePhone: input.mobilePhone ?? null,
    city: input.city ?? null,
    country: input.country ?? null,
    usageLocation: input.usageLocation ?? null,
    userType: 'Member',
    accountEnabled: input.accountEnabled,
    createdDateTime: deps.clock.now().toISOString(),
  };
  const outcome = await deps.users.create(user, credential);
  if (outcome === 'duplicate') {
    // Graph's own wording for this case.
    throw invalidInput(`Another object with the same value for property userPrincipalName already exists: ${upn}.`, 'userPrincipalName');
  }
  const created: User = { ...user, assignedLicenses: [] };
  await deps.onUserChanged?.(created);
  return created;
}
