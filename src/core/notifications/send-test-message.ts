// Graph's sendTestMessage on a notificationMessageTemplate: "Sends test message using the
// specified notificationMessageTemplate in the default locale", to the administrator who asks, with
// sample values in the tokens.
import { StewardError, invalidInput } from '../errors.js';
import type { UserStore } from '../directory/ports.js';
import { allScope, type Scope } from '../rbac/scope.js';
import type { MailSender } from './ports.js';
import { getTemplate, type TemplateDeps } from './save-template.js';
import { renderNotification } from './template.js';

export async function sendTestMessage(
  deps: Pick<TemplateDeps, 'notificationTemplates'> & { users: Pick<UserStore, 'get'>; mailer?: MailSender },
  input: { templateId: string; scope: Scope; userId: string | null },
): Promise<{ recipient: string }> {
  const template = await getTemplate(deps, { id: input.templateId, scope: input.scope });
  const user = input.userId ? await deps.users.get(input.userId, allScope) : undefined;
  if (!user?.mail) throw invalidInput('sendTestMessage sends to the signed-in administrator\'s e-mail address (mail), and the caller has none.');
  if (!deps.mailer) throw new StewardError('unavailable', 'No SMTP server is configured (--smtp-url and --mail-from), so Steward cannot send e-mail.');
  const mail = renderNotification(template, {
    userName: user.displayName, userPrincipalName: user.userPrincipalName, deviceName: 'Sample-iPhone', deviceId: '00000000-0000-0000-0000-000000000000',
    osAndVersion: 'iOS 17.5', policyName: 'Sample compliance policy',
  });
  if (!mail) throw invalidInput(`Template ${template.displayName} has no localized message to send.`, 'localizedNotificationMessages');
  try {
    await deps.mailer.send({ to: user.mail, cc: [], subject: mail.subject, text: mail.text });
  } catch (err) {
    // The SMTP adapter's words (code and server reply), never its credentials.
    throw new StewardError('unavailable', `The test message to ${user.mail} was not sent: ${err instanceof Error ? err.message : String(err)}`);
  }
  return { recipient: user.mail };
}
