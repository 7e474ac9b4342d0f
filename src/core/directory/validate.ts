// Checks on directory input that Graph makes too, with messages that name the property.
import { invalidInput } from '../errors.js';

// Entra: the local part allows letters, digits and ' . - _ ! # ^ ~; the domain is a DNS name.
const UPN = /^[A-Za-z0-9'._!#^~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
// An SMTP address as Entra accepts for user.mail: a local part without spaces, quotes or brackets.
const MAIL = /^[^\s@"()<>[\],;:\\]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
// Entra forbids @ () \ [] " ; : <> , and spaces in mailNickname.
const MAIL_NICKNAME = /^[^@()\\[\]";:<>,\s]{1,64}$/;

export function checkUserPrincipalName(upn: string): string {
  const trimmed = upn.trim();
  if (!UPN.test(trimmed) || trimmed.startsWith('.') || trimmed.includes('.@')) {
    throw invalidInput(`userPrincipalName '${upn.slice(0, 120)}' is not valid: expected name@domain, letters, digits and ' . - _ ! # ^ ~ before the @.`, 'userPrincipalName');
  }
  return trimmed;
}

export function checkMail(mail: string): string {
  const trimmed = mail.trim();
  if (!MAIL.test(trimmed)) throw invalidInput(`mail '${mail.slice(0, 120)}' is not a valid email address.`, 'mail');
  return trimmed;
}

export function checkDisplayName(name: string, target = 'displayName'): string {
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > 256) throw invalidInput(`${target} must be 1 to 256 characters.`, target);
  return trimmed;
}

export function checkMailNickname(nick: string): string {
  if (!MAIL_NICKNAME.test(nick)) throw invalidInput(`mailNickname '${nick.slice(0, 80)}' is not valid: 1 to 64 characters without spaces or @ ( ) \\ [ ] " ; : < > ,`, 'mailNickname');
  return nick;
}

/** A mailNickname derived from the UPN's local part, for callers that send none. */
export function nicknameFrom(upn: string): string {
  const local = upn.split('@')[0] ?? 'user';
  return local.replace(/[@()\\[\]";:<>,\s]/g, '').slice(0, 64) || 'user';
}
