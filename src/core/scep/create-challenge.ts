// A one-time SCEP challenge password for one enrollment (RFC 8894 §2.3). Shown once, stored hashed.
import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';
import { invalidInput } from '../errors.js';
import { hashChallenge } from './challenge-hash.js';
import type { ScepStore } from './ports.js';

/** Longest a challenge may live: one hour covers a device installing its enrollment profile. */
export const MAX_CHALLENGE_TTL_MS = 60 * 60 * 1000;

export async function createScepChallenge(
  deps: { scep: ScepStore; clock: Clock },
  /** `ttl` in milliseconds, at most MAX_CHALLENGE_TTL_MS. */
  input: { enrollmentId: string; ttl: number },
): Promise<{ challenge: string; expiresAt: Date }> {
  if (input.enrollmentId === '') throw invalidInput('enrollmentId is empty', 'enrollmentId');
  if (!Number.isInteger(input.ttl) || input.ttl < 1000 || input.ttl > MAX_CHALLENGE_TTL_MS) {
    throw invalidInput(`ttl must be from 1000 to ${MAX_CHALLENGE_TTL_MS} milliseconds`, 'ttl');
  }
  // 160 bits, hex: a PrintableString (what clients put in challengePassword) cannot hold '_' or '/'.
  const challenge = randomBytes(20).toString('hex');
  const now = deps.clock.now();
  const expiresAt = new Date(now.getTime() + input.ttl);
  await deps.scep.createChallenge({ hash: hashChallenge(challenge), enrollmentId: input.enrollmentId, createdAt: now, expiresAt });
  return { challenge, expiresAt };
}
