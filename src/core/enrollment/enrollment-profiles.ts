// Enrollment profiles (a Steward extension resource): a token admins hand out, with an expiry, a
// maximum number of uses and revocation. The token is shown once, when it is made.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import { invalidInput, notFound } from '../errors.js';
import { heldScopeTags, type Scope } from '../rbac/scope.js';
import type { EnrollmentPlatform, EnrollmentProfile, EnrollmentProfileStore } from './ports.js';

export interface EnrollmentProfileDeps {
  enrollmentProfiles: EnrollmentProfileStore;
  clock: Clock;
}

export type EnrollmentProfileInput = Partial<Pick<EnrollmentProfile, 'displayName' | 'description' | 'ownership' | 'tokenExpirationDateTime' | 'maximumUses' | 'roleScopeTagIds'>>;

/** A profile with its token, as given once: on creation and by createToken. */
export interface IssuedToken {
  profile: EnrollmentProfile;
  tokenValue: string;
}

/** Longest a token may live: Apple's and Intune's enrollment tokens are capped at a year too. */
export const MAX_TOKEN_LIFETIME_MS = 365 * 24 * 3600 * 1000;

export function hashEnrollmentToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

function newToken(): string {
  // 256 bits, URL-safe: it travels in enrollment URLs and QR codes.
  return randomBytes(32).toString('base64url');
}

/** May this scope see the profile? A scoped admin sees profiles carrying one of its tags. */
export function profileVisible(profile: EnrollmentProfile, scope: Scope): boolean {
  const held = heldScopeTags(scope);
  return held === 'all' || profile.roleScopeTagIds.some((t) => held.has(t));
}

function checkProfile(p: EnrollmentProfile, now: Date, scope: Scope): EnrollmentProfile {
  const displayName = p.displayName.trim();
  if (displayName === '' || displayName.length > 256) throw invalidInput('displayName must be 1 to 256 characters.', 'displayName');
  if (p.description !== null && p.description.length > 1024) throw invalidInput('description must be at most 1024 characters.', 'description');
  if (p.maximumUses !== null && (!Number.isInteger(p.maximumUses) || p.maximumUses < 1 || p.maximumUses > 1_000_000)) {
    throw invalidInput('maximumUses must be a whole number from 1 to 1000000, or null for no limit.', 'maximumUses');
  }
  if (p.tokenExpirationDateTime !== null) {
    const t = Date.parse(p.tokenExpirationDateTime);
    if (Number.isNaN(t)) throw invalidInput('tokenExpirationDateTime must be an ISO 8601 date and time.', 'tokenExpirationDateTime');
    if (t <= now.getTime()) throw invalidInput('tokenExpirationDateTime must be in the future.', 'tokenExpirationDateTime');
    if (t > now.getTime() + MAX_TOKEN_LIFETIME_MS) throw invalidInput('tokenExpirationDateTime must be at most a year away.', 'tokenExpirationDateTime');
  }
  if (p.roleScopeTagIds.length === 0 || p.roleScopeTagIds.length > 100) throw invalidInput('roleScopeTagIds must hold 1 to 100 scope tag ids.', 'roleScopeTagIds');
  const held = heldScopeTags(scope);
  const foreign = held === 'all' ? undefined : p.roleScopeTagIds.find((t) => !held.has(t));
  if (foreign !== undefined) throw invalidInput(`roleScopeTagIds: you do not hold scope tag ${foreign}.`, 'roleScopeTagIds');
  return {
    ...p,
    displayName,
    tokenExpirationDateTime: p.tokenExpirationDateTime === null ? null : new Date(p.tokenExpirationDateTime).toISOString(),
  };
}

export async function createEnrollmentProfile(
  deps: EnrollmentProfileDeps,
  input: EnrollmentProfileInput & { displayName: string; platform: EnrollmentPlatform; scope: Scope },
): Promise<IssuedToken> {
  const now = deps.clock.now();
  const held = heldScopeTags(input.scope);
  // A scoped admin's profile carries the admin's tags unless it names others, so it stays in view.
  const defaultTags = held === 'all' ? ['0'] : [...held].slice(0, 100);
  const profile = checkProfile({
    id: randomUUID(),
    displayName: input.displayName,
    description: input.description ?? null,
    platform: input.platform,
    ownership: input.ownership ?? 'company',
    tokenExpirationDateTime: input.tokenExpirationDateTime ?? null,
    maximumUses: input.maximumUses ?? null,
    usageCount: 0,
    isRevoked: false,
    revokedDateTime: null,
    createdDateTime: now.toISOString(),
    lastModifiedDateTime: now.toISOString(),
    roleScopeTagIds: input.roleScopeTagIds ?? defaultTags,
  }, now, input.scope);
  const tokenValue = newToken();
  await deps.enrollmentProfiles.create(profile, hashEnrollmentToken(tokenValue));
  return { profile, tokenValue };
}

export async function getEnrollmentProfile(deps: EnrollmentProfileDeps, input: { id: string; scope: Scope }): Promise<EnrollmentProfile> {
  const profile = await deps.enrollmentProfiles.get(input.id);
  if (!profile || !profileVisible(profile, input.scope)) throw notFound(`enrollment profile ${input.id} was not found.`, 'id');
  return profile;
}

export async function listEnrollmentProfiles(deps: EnrollmentProfileDeps, input: { scope: Scope }): Promise<EnrollmentProfile[]> {
  return (await deps.enrollmentProfiles.list()).filter((p) => profileVisible(p, input.scope));
}

/** PATCH: platform cannot change (devices already hold profiles made for it). */
export async function updateEnrollmentProfile(
  deps: EnrollmentProfileDeps,
  input: { id: string; scope: Scope; changes: EnrollmentProfileInput },
): Promise<{ before: EnrollmentProfile; after: EnrollmentProfile }> {
  const before = await getEnrollmentProfile(deps, input);
  const now = deps.clock.now();
  const merged = { ...before, ...input.changes, lastModifiedDateTime: now.toISOString() };
  // An unchanged expiry already in the past is not an error on an unrelated edit.
  const expiryChanged = input.changes.tokenExpirationDateTime !== undefined && input.changes.tokenExpirationDateTime !== before.tokenExpirationDateTime;
  const checked = checkProfile(expiryChanged ? merged : { ...merged, tokenExpirationDateTime: null }, now, input.scope);
  const after = await deps.enrollmentProfiles.update(expiryChanged ? checked : { ...checked, tokenExpirationDateTime: before.tokenExpirationDateTime });
  if (!after) throw notFound(`enrollment profile ${input.id} was not found.`, 'id');
  return { before, after };
}

export async function deleteEnrollmentProfile(deps: EnrollmentProfileDeps, input: { id: string; scope: Scope }): Promise<EnrollmentProfile> {
  const profile = await getEnrollmentProfile(deps, input);
  await deps.enrollmentProfiles.delete(profile.id);
  return profile;
}

/**
 * createToken (the name Graph gives it on Android enrollment profiles): a new token replaces the
 * old one, which stops working at once; the use count starts again and revocation is lifted.
 */
export async function createEnrollmentToken(
  deps: EnrollmentProfileDeps,
  input: { id: string; scope: Scope; tokenValidityInSeconds?: number },
): Promise<IssuedToken> {
  const before = await getEnrollmentProfile(deps, input);
  const now = deps.clock.now();
  let expiry = before.tokenExpirationDateTime;
  if (input.tokenValidityInSeconds !== undefined) {
    const s = input.tokenValidityInSeconds;
    if (!Number.isInteger(s) || s < 60 || s * 1000 > MAX_TOKEN_LIFETIME_MS) {
      throw invalidInput('tokenValidityInSeconds must be a whole number of seconds from 60 to 31536000 (a year).', 'tokenValidityInSeconds');
    }
    expiry = new Date(now.getTime() + s * 1000).toISOString();
  } else if (expiry !== null && Date.parse(expiry) <= now.getTime()) {
    expiry = null;
  }
  const tokenValue = newToken();
  await deps.enrollmentProfiles.setTokenHash(before.id, hashEnrollmentToken(tokenValue), now);
  const after = await deps.enrollmentProfiles.update({ ...before, usageCount: 0, tokenExpirationDateTime: expiry, isRevoked: false, revokedDateTime: null, lastModifiedDateTime: now.toISOString() });
  if (!after) throw notFound(`enrollment profile ${input.id} was not found.`, 'id');
  return { profile: after, tokenValue };
}

/** revokeToken: the token stops working at once; devices already enrolled stay enrolled. */
export async function revokeEnrollmentToken(deps: EnrollmentProfileDeps, input: { id: string; scope: Scope }): Promise<{ before: EnrollmentProfile; after: EnrollmentProfile }> {
  const before = await getEnrollmentProfile(deps, input);
  if (before.isRevoked) return { before, after: before };
  const now = deps.clock.now().toISOString();
  const after = await deps.enrollmentProfiles.update({ ...before, isRevoked: true, revokedDateTime: now, lastModifiedDateTime: now });
  if (!after) throw notFound(`enrollment profile ${input.id} was not found.`, 'id');
  return { before, after };
}
