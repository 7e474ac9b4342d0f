// Per-user and per-device variables in profile settings ({{userPrincipalName}}, {{mail}}, …),
// substituted at translation time. Names are matched without regard to case, as Intune's are.
import { invalidInput } from '../errors.js';
import type { TranslationContext } from './translation.js';

interface Variable {
  of: 'user' | 'device';
  value: (ctx: TranslationContext) => string | null | undefined;
}
const user = (f: (u: NonNullable<TranslationContext['user']>) => string | null): Variable => ({ of: 'user', value: (ctx) => (ctx.user ? f(ctx.user) : undefined) });
const device = (f: (d: NonNullable<TranslationContext['device']>) => string | null): Variable => ({ of: 'device', value: (ctx) => (ctx.device ? f(ctx.device) : undefined) });

const VARIABLES: Readonly<Record<string, Variable>> = {
  userprincipalname: user((u) => u.userPrincipalName),
  mail: user((u) => u.mail),
  emailaddress: user((u) => u.mail),
  username: user((u) => u.userPrincipalName.split('@')[0] ?? u.userPrincipalName),
  displayname: user((u) => u.displayName),
  userid: user((u) => u.id),
  aad_user_id: user((u) => u.id),
  deviceid: device((d) => d.id),
  devicename: device((d) => d.deviceName),
  serialnumber: device((d) => d.serialNumber),
};

export const VARIABLE_NAMES = ['userPrincipalName', 'mail', 'emailAddress', 'userName', 'displayName', 'userId', 'AAD_User_ID', 'deviceId', 'deviceName', 'serialNumber'];

const PATTERN = /\{\{\s*([A-Za-z_]+)\s*\}\}/g;

function substituteString(s: string, ctx: TranslationContext, path: string, keepUnresolved: boolean): string {
  return s.replace(PATTERN, (whole, name: string) => {
    const variable = VARIABLES[name.toLowerCase()];
    if (!variable) throw invalidInput(`${path}: unknown variable {{${name}}}; known: ${VARIABLE_NAMES.map((n) => `{{${n}}}`).join(', ')}.`, path);
    const value = variable.value(ctx);
    if (value === undefined && keepUnresolved) return whole;
    if (value === undefined) throw invalidInput(`${path}: {{${name}}} needs a ${variable.of} to translate for.`, path);
    if (value === null) throw invalidInput(`${path}: {{${name}}} has no value for this ${variable.of}.`, path);
    return value;
  });
}

/**
 * The settings with every variable in every string replaced; throws invalid-input naming an unknown
 * variable. With keepUnresolved, a known variable with no user or device to resolve it stays as
 * written (previews made for no one in particular).
 */
export function substituteVariables(settings: Record<string, unknown>, ctx: TranslationContext, keepUnresolved = false): Record<string, unknown> {
  const walk = (v: unknown, path: string): unknown => {
    if (typeof v === 'string') return substituteString(v, ctx, path, keepUnresolved);
    if (Array.isArray(v)) return v.map((x, i) => walk(x, `${path}[${i}]`));
    if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, `${path}.${k}`)]));
    return v;
  };
  return Object.fromEntries(Object.entries(settings).map(([k, v]) => [k, walk(v, k)]));
}
