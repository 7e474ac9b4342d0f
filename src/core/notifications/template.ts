// Graph's notificationMessageTemplate and localizedNotificationMessage (v1.0 CSDL): the e-mails a
// compliance policy's notification action sends to a noncompliant device's user, one subject and
// body per locale. The body and subject may use the tokens Intune documents for these templates
// ({{UserName}}, {{DeviceName}}, …, see `tokens` below), filled in per device when sent.

/** Graph's notificationTemplateBrandingOptions (a flags enum), without unknownFutureValue. */
export const brandingOptionNames = ['none', 'includeCompanyLogo', 'includeCompanyName', 'includeContactInformation', 'includeCompanyPortalLink', 'includeDeviceDetails'] as const;
export type BrandingOption = (typeof brandingOptionNames)[number];

export interface LocalizedNotificationMessage {
  id: string;
  /** A language tag such as en-us (Intune writes them in lower case). */
  locale: string;
  subject: string;
  messageTemplate: string;
  isDefault: boolean;
  lastModifiedDateTime: string;
}

export interface NotificationMessageTemplate {
  id: string;
  displayName: string;
  /** Graph beta's description. */
  description: string | null;
  defaultLocale: string | null;
  /** The flags set, never empty: ['none'] when there are none. */
  brandingOptions: BrandingOption[];
  roleScopeTagIds: string[];
  lastModifiedDateTime: string;
  localizedNotificationMessages: LocalizedNotificationMessage[];
}

export interface NotificationTemplateStore {
  list(): Promise<NotificationMessageTemplate[]>;
  get(id: string): Promise<NotificationMessageTemplate | undefined>;
  getMany(ids: readonly string[]): Promise<NotificationMessageTemplate[]>;
  /** Creates the template with its localized messages. */
  create(template: NotificationMessageTemplate): Promise<void>;
  /** Replaces the template's own fields (not its messages); false when it is gone. */
  update(template: Omit<NotificationMessageTemplate, 'localizedNotificationMessages'>): Promise<boolean>;
  delete(id: string): Promise<boolean>;
  /**
   * Inserts or replaces one localized message. When it is the default, the template's other
   * messages stop being the default, in the same transaction. 'duplicate-locale' when another
   * message of the template has the locale; 'missing' when the template is gone.
   */
  putMessage(templateId: string, message: LocalizedNotificationMessage): Promise<'saved' | 'duplicate-locale' | 'missing'>;
  deleteMessage(templateId: string, messageId: string): Promise<boolean>;
}

/** What a template's tokens are filled from. */
export interface NotificationContext {
  userName: string;
  userPrincipalName: string;
  deviceName: string;
  deviceId: string;
  osAndVersion: string;
  policyName: string;
}

/** The tokens, as Intune spells them, and what each is filled with. */
export const tokens: Readonly<Record<string, (c: NotificationContext) => string>> = {
  UserName: (c) => c.userName,
  UserPrincipalName: (c) => c.userPrincipalName,
  DeviceName: (c) => c.deviceName,
  DeviceId: (c) => c.deviceId,
  OSAndVersion: (c) => c.osAndVersion,
  PolicyName: (c) => c.policyName,
};

const TOKEN = /\{\{\s*([A-Za-z]+)\s*\}\}/g;
const tokenByLowerName = new Map(Object.keys(tokens).map((k) => [k.toLowerCase(), k]));

/** The tokens a text uses that Steward does not know (names as written). */
export function unknownTokens(text: string): string[] {
  return [...text.matchAll(TOKEN)].map((m) => m[1] ?? '').filter((name) => !tokenByLowerName.has(name.toLowerCase()));
}

/** The text with its tokens filled in (token names are matched without regard to case). */
export function fillTokens(text: string, context: NotificationContext): string {
  return text.replace(TOKEN, (whole, name: string) => {
    const known = tokenByLowerName.get(name.toLowerCase());
    return known ? (tokens[known]?.(context) ?? whole) : whole;
  });
}

/** The message to send: the default one, else the template's defaultLocale's, else the first. */
export function messageToSend(template: NotificationMessageTemplate): LocalizedNotificationMessage | undefined {
  const messages = template.localizedNotificationMessages;
  return messages.find((m) => m.isDefault)
    ?? messages.find((m) => template.defaultLocale !== null && m.locale.toLowerCase() === template.defaultLocale.toLowerCase())
    ?? messages[0];
}

/** The e-mail a template gives for one device: subject and plain-text body, tokens filled in. */
export function renderNotification(template: NotificationMessageTemplate, context: NotificationContext): { subject: string; text: string } | undefined {
  const message = messageToSend(template);
  if (!message) return undefined;
  let text = fillTokens(message.messageTemplate, context);
  if (template.brandingOptions.includes('includeDeviceDetails')) {
    text += `\n\nDevice: ${context.deviceName}\nDevice ID: ${context.deviceId}\nOperating system: ${context.osAndVersion}\n`;
  }
  return { subject: fillTokens(message.subject, context), text };
}
