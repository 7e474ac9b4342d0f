// Request bodies of notificationMessageTemplates and localizedNotificationMessages, checked
// against the CSDL's properties: a wrong type or an unknown property is refused naming it; the
// read-only ones a GET gives back (id, lastModifiedDateTime, @odata.*) are ignored, so that an
// exported template POSTs as it is.
import { invalidInput } from '../errors.js';
import { brandingOptionNames, unknownTokens, type BrandingOption } from './template.js';

export interface TemplateInput {
  displayName?: string;
  description?: string | null;
  defaultLocale?: string | null;
  brandingOptions?: BrandingOption[];
  roleScopeTagIds?: string[];
  localizedNotificationMessages?: MessageInput[];
}

export interface MessageInput {
  locale?: string;
  subject?: string;
  messageTemplate?: string;
  isDefault?: boolean;
}

const READ_ONLY = new Set(['id', 'lastModifiedDateTime']);
const LOCALE = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;
const MAX_TEXT = 100_000;

function object(body: unknown, what: string): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw invalidInput(`The request body must be a JSON object: a ${what}.`);
  return body as Record<string, unknown>;
}

function text(v: unknown, name: string, max: number, nullable: boolean): string | null {
  if (v === null && nullable) return null;
  if (typeof v !== 'string') throw invalidInput(`${name} must be a string${nullable ? ' or null' : ''}.`, name);
  if (v.length > max) throw invalidInput(`${name} must be at most ${max} characters.`, name);
  return v;
}

function unknownProperty(name: string, allowed: Iterable<string>, type: string): never {
  throw invalidInput(`${name} is not a property of ${type}; its properties are ${[...allowed].join(', ')}.`, name);
}

/** Graph writes flags enums as "a,b" (also accepted as an array of names). */
export function decodeBrandingOptions(v: unknown): BrandingOption[] {
  const parts = typeof v === 'string' ? v.split(',').map((p) => p.trim()).filter((p) => p !== '') : Array.isArray(v) ? v : undefined;
  if (!parts) throw invalidInput('brandingOptions must be a string of notificationTemplateBrandingOptions names separated by commas, such as "includeCompanyLogo,includeDeviceDetails".', 'brandingOptions');
  const out = new Set<BrandingOption>();
  for (const p of parts) {
    const known = brandingOptionNames.find((n) => typeof p === 'string' && n.toLowerCase() === p.toLowerCase());
    if (!known) throw invalidInput(`brandingOptions: '${String(p)}' is not one of ${brandingOptionNames.join(', ')}.`, 'brandingOptions');
    out.add(known);
  }
  if (out.size > 1) out.delete('none');
  return out.size === 0 ? ['none'] : brandingOptionNames.filter((n) => out.has(n));
}

function checkTokens(value: string, name: string): void {
  const unknown = unknownTokens(value);
  if (unknown.length > 0) throw invalidInput(`${name}: {{${unknown[0] ?? ''}}} is not a token Steward fills in; use {{UserName}}, {{UserPrincipalName}}, {{DeviceName}}, {{DeviceId}}, {{OSAndVersion}} or {{PolicyName}}.`, name);
}

const MESSAGE_PROPS = ['locale', 'subject', 'messageTemplate', 'isDefault'];

export function decodeMessageBody(body: unknown, mode: 'create' | 'update', path = ''): MessageInput {
  const raw = object(body, 'localizedNotificationMessage');
  const out: MessageInput = {};
  for (const [k, v] of Object.entries(raw)) {
    const name = `${path}${k}`;
    if (k.startsWith('@odata.') || READ_ONLY.has(k)) continue;
    switch (k) {
      case 'locale': {
        const locale = text(v, name, 35, false) ?? '';
        if (!LOCALE.test(locale)) throw invalidInput(`${name} must be a language tag such as en-us.`, name);
        out.locale = locale.toLowerCase();
        break;
      }
      case 'subject': out.subject = text(v, name, 1000, false) ?? ''; checkTokens(out.subject, name); break;
      case 'messageTemplate': out.messageTemplate = text(v, name, MAX_TEXT, false) ?? ''; checkTokens(out.messageTemplate, name); break;
      case 'isDefault':
        if (typeof v !== 'boolean') throw invalidInput(`${name} must be true or false.`, name);
        out.isDefault = v;
        break;
      default: unknownProperty(name, MESSAGE_PROPS, 'localizedNotificationMessage');
    }
  }
  if (mode === 'create') {
    for (const required of ['locale', 'subject', 'messageTemplate'] as const) {
      if (out[required] === undefined) throw invalidInput(`${path}${required} is required.`, `${path}${required}`);
    }
  }
  return out;
}

const TEMPLATE_PROPS = ['displayName', 'description', 'defaultLocale', 'brandingOptions', 'roleScopeTagIds', 'localizedNotificationMessages'];

export function decodeTemplateBody(body: unknown, mode: 'create' | 'update'): TemplateInput {
  const raw = object(body, 'notificationMessageTemplate');
  const out: TemplateInput = {};
  for (const [k, v] of Object.entries(raw)) {
    if (k.startsWith('@odata.') || READ_ONLY.has(k)) continue;
    switch (k) {
      case 'displayName': {
        const name = text(v, k, 256, false) ?? '';
        if (name.trim() === '') throw invalidInput('displayName must not be empty.', k);
        out.displayName = name;
        break;
      }
      case 'description': out.description = text(v, k, 1024, true); break;
      case 'defaultLocale': {
        const locale = text(v, k, 35, true);
        if (locale !== null && !LOCALE.test(locale)) throw invalidInput('defaultLocale must be a language tag such as en-us.', k);
        out.defaultLocale = locale?.toLowerCase() ?? null;
        break;
      }
      case 'brandingOptions': out.brandingOptions = decodeBrandingOptions(v); break;
      case 'roleScopeTagIds':
        if (!Array.isArray(v) || v.some((t) => typeof t !== 'string' || t === '')) throw invalidInput('roleScopeTagIds must be an array of scope tag ids.', k);
        out.roleScopeTagIds = [...new Set(v as string[])];
        break;
      case 'localizedNotificationMessages':
        if (mode === 'update') throw invalidInput('localizedNotificationMessages are changed through …/localizedNotificationMessages, not by PATCH of the template.', k);
        if (!Array.isArray(v)) throw invalidInput('localizedNotificationMessages must be an array.', k);
        out.localizedNotificationMessages = v.map((m, i) => decodeMessageBody(m, 'create', `localizedNotificationMessages[${i}].`));
        break;
      default: unknownProperty(k, TEMPLATE_PROPS, 'notificationMessageTemplate');
    }
  }
  if (mode === 'create' && out.displayName === undefined) throw invalidInput('displayName is required.', 'displayName');
  return out;
}
