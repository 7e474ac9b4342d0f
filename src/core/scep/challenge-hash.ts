import { createHash } from 'node:crypto';

/** Challenges are stored as SHA-256 hex: they are 160-bit random values, so no slow hash is needed. */
export function hashChallenge(challenge: string): string {
  return createHash('sha256').update(challenge, 'utf8').digest('hex');
}
