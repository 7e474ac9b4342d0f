// The certificate subject and subject alternative names a SCEP profile asks for, from Graph's
// subjectNameFormat / subjectNameFormatString and subjectAlternativeNameType /
// customSubjectAlternativeNames, for the user and device translated for. Shared by Apple and Windows.
import { invalidInput } from '../errors.js';
import type { SettingsReader, TranslationContext } from './translation.js';

/** RFC 4514-style "CN=a,O=b" (a backslash escapes a comma) → [['CN','a'], ['O','b']]. */
export function parseSubject(s: string, setting: string): [string, string][] {
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i] ?? '';
    if (ch === '\\' && i + 1 < s.length) { cur += s[i + 1]; i++; continue; }
    if (ch === ',') { parts.push(cur); cur = ''; continue; }
    cur += ch;
  }
  parts.push(cur);
  return parts.map((p) => p.trim()).filter((p) => p !== '').map((p) => {
    const eq = p.indexOf('=');
    if (eq < 1) throw invalidInput(`${setting}: '${p}' is not an attribute=value pair.`, setting);
    return [p.slice(0, eq).trim().toUpperCase(), p.slice(eq + 1).trim()];
  });
}

function need<T>(v: T | null | undefined, what: string): T {
  if (v === null || v === undefined || v === '') throw invalidInput(`subjectNameFormat needs ${what} to translate for.`, 'subjectNameFormat');
  return v;
}

export function scepSubject(r: SettingsReader, ctx: TranslationContext): [string, string][] {
  const format = r.str('subjectNameFormat') ?? 'custom';
  const custom = r.str('subjectNameFormatString');
  switch (format) {
    case 'custom': return custom === undefined ? [] : parseSubject(custom, 'subjectNameFormatString');
    case 'commonName': return [['CN', need(ctx.user?.userPrincipalName.split('@')[0], 'a user')]];
    case 'commonNameIncludingEmail': return [['CN', need(ctx.user?.userPrincipalName.split('@')[0], 'a user')], ['E', need(ctx.user?.mail, "a user's mail")]];
    case 'commonNameAsEmail': return [['CN', need(ctx.user?.mail, "a user's mail")]];
    case 'commonNameAsSerialNumber': return [['CN', need(ctx.device?.serialNumber, "a device's serial number")]];
    default: return [['CN', need(ctx.device?.id, 'a device')]];
  }
}

export interface SubjectAltNames { rfc822Name?: string[]; ntPrincipalName?: string[]; dNSName?: string[]; uniformResourceIdentifier?: string[] }

export function scepAltNames(r: SettingsReader, ctx: TranslationContext): SubjectAltNames {
  const out: SubjectAltNames = {};
  const add = (k: keyof SubjectAltNames, v: string | null | undefined) => { if (v) (out[k] ??= []).push(v); };
  const types = (r.str('subjectAlternativeNameType') ?? '').split(',').map((t) => t.trim());
  if (types.includes('emailAddress')) add('rfc822Name', ctx.user?.mail);
  if (types.includes('userPrincipalName')) add('ntPrincipalName', ctx.user?.userPrincipalName);
  const format = r.str('subjectAlternativeNameFormatString');
  if (format !== undefined) for (const [k, v] of parseSubject(format, 'subjectAlternativeNameFormatString')) {
    if (k === 'EMAIL' || k === 'E' || k === 'RFC822NAME') add('rfc822Name', v);
    else if (k === 'UPN' || k === 'NTPRINCIPALNAME') add('ntPrincipalName', v);
    else if (k === 'DNS' || k === 'DNSNAME') add('dNSName', v);
    else if (k === 'URI') add('uniformResourceIdentifier', v);
  }
  for (const san of r.objects('customSubjectAlternativeNames')) {
    const name = typeof san.name === 'string' ? san.name : undefined;
    switch (san.sanType) {
      case 'emailAddress': add('rfc822Name', name); break;
      case 'userPrincipalName': add('ntPrincipalName', name); break;
      case 'domainNameService': add('dNSName', name); break;
      case 'universalResourceIdentifier': add('uniformResourceIdentifier', name); break;
      default: break;
    }
  }
  return out;
}

export const KEY_SIZE: Record<string, number> = { size1024: 1024, size2048: 2048, size4096: 4096 };

/** X.509 key usage bits as Apple's 'Key Usage' and ClientCertificateInstall's KeyUsage count them. */
export function keyUsageBits(value: string | undefined): number {
  const parts = (value ?? 'digitalSignature,keyEncipherment').split(',').map((p) => p.trim());
  return (parts.includes('digitalSignature') ? 1 : 0) | (parts.includes('keyEncipherment') ? 4 : 0);
}
