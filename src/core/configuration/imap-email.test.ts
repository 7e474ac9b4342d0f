// Steward's IMAP/POP e-mail types (stewardIosImapEmailConfiguration, stewardMacOSImapEmailConfiguration):
// refused at the API with the property named when wrong, and translated to com.apple.mail.managed
// with the user's own values — checked by Python's plistlib and against Apple's schema (key names,
// value types and allowed values).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { encodePlist, type PlistDict } from '../../protocol/apple/plist.js';
import { APPLE_PROFILES_DIR, plistlib, profileKeys, unknownKeys, type YamlKey } from '../../../test/support/apple-schema.js';
import { StewardError } from '../errors.js';
import { SUPPORTED_TYPES } from './catalog.js';
import { checkFamily } from './checks.js';
import { stewardTypeFromODataType } from './extension-types.js';
import type { DeviceConfiguration } from './ports.js';
import { removalNodes, windowsInstallPayload } from './native-command.js';
import { maskSecrets } from './present.js';
import { previewConfiguration } from './preview.js';
import { translateConfiguration } from './translate.js';
import type { TranslationContext } from './translation.js';
import { validateConfigurationBody } from './validate.js';

const IOS = 'stewardIosImapEmailConfiguration';
const MAC = 'stewardMacOSImapEmailConfiguration';
const WIN = 'stewardWindows10ImapEmailConfiguration';
const user = { id: 'u-1', userPrincipalName: 'ada@contoso.example', mail: 'ada.lovelace@contoso.example', displayName: 'Ada Lovelace' };
const ctx: TranslationContext = { organization: 'Contoso', user, device: { id: 'd-1', deviceName: 'Ada iPhone', serialNumber: 'F2LX0000' } };

const body = {
  displayName: 'Work mail',
  accountName: 'Mail of {{displayName}}',
  accountType: 'imap',
  emailAddress: '{{mail}}',
  incomingServerHostName: 'imap.contoso.example',
  incomingServerPort: 993,
  incomingServerRequireSsl: true,
  incomingServerAuthenticationMethod: 'password',
  incomingServerUsername: '{{userPrincipalName}}',
  imapPathPrefix: 'INBOX',
  outgoingServerHostName: 'smtp.contoso.example',
  outgoingServerPort: 587,
  outgoingServerAuthenticationMethod: 'cramMd5',
  outgoingPasswordSameAsIncomingPassword: true,
  blockMovingMessagesToOtherEmailAccounts: true,
  blockSendingEmailFromThirdPartyApps: true,
  mailDropEnabled: false,
  smimeSigningEnabled: true,
  smimeEnablePerMessageSwitch: true,
};

function profile(odataType: string, input: Record<string, unknown>): DeviceConfiguration {
  // As JSON arrives: a property set to undefined here is one the body leaves out.
  const json = JSON.parse(JSON.stringify(input)) as Record<string, unknown>;
  const { displayName, ...settings } = validateConfigurationBody(odataType, json);
  checkFamily(SUPPORTED_TYPES[odataType]!.family, settings, odataType);
  return {
    id: '0b6f7c1e-5a2d-4c1b-9e8f-2d3c4b5a6978', odataType, displayName: String(displayName), description: null, version: 1,
    createdDateTime: '2026-01-01T00:00:00.000Z', lastModifiedDateTime: '2026-01-01T00:00:00.000Z', roleScopeTagIds: ['0'], settings,
  };
}

function mailPayload(p: DeviceConfiguration, context = ctx): { payload: Record<string, unknown>; notApplicable: { setting: string }[] } {
  const t = translateConfiguration(p, context);
  assert.ok(t.platform !== 'windows');
  const read = plistlib(encodePlist(t.profile));
  const payloads = read.PayloadContent as Record<string, unknown>[];
  assert.equal(payloads.length, 1);
  assertSchema(t.profile.PayloadContent as PlistDict[]);
  return { payload: payloads[0]!, notApplicable: t.notApplicable };
}

/** Every key is in Apple's schema, with the schema's value type and, where it lists them, an allowed value. */
function assertSchema(payloads: PlistDict[]): void {
  if (!existsSync(APPLE_PROFILES_DIR)) return;
  const specs: (YamlKey & { rangelist?: (string | number)[] })[] = [...profileKeys('CommonPayloadKeys.yaml'), ...profileKeys('com.apple.mail.managed.yaml')];
  for (const p of payloads) {
    assert.deepEqual(unknownKeys(p, specs, 'com.apple.mail.managed'), []);
    for (const [k, v] of Object.entries(p)) {
      const spec = specs.find((s) => s.key === k);
      const type = { '<string>': 'string', '<integer>': 'number', '<boolean>': 'boolean' }[spec?.type ?? ''];
      if (type !== undefined) assert.equal(typeof v, type, k);
      if (spec?.rangelist) assert.ok((typeof v === 'string' || typeof v === 'number') && spec.rangelist.includes(v), `${k}: ${JSON.stringify(v)} not in ${spec.rangelist.join(', ')}`);
    }
  }
}

function refused(odataType: string, input: Record<string, unknown>, target: string, message: RegExp): void {
  assert.throws(() => profile(odataType, input), (e: unknown) => {
    assert.ok(e instanceof StewardError, String(e));
    assert.equal(e.code, 'invalid-input');
    assert.equal(e.target, target);
    assert.match(e.message, message);
    return true;
  });
}

describe('Steward IMAP/POP e-mail types', () => {
  it('are Steward extension types of iOS and macOS, named as Graph names types', () => {
    assert.equal(stewardTypeFromODataType('#microsoft.graph.stewardIosImapEmailConfiguration'), IOS);
    assert.equal(stewardTypeFromODataType('microsoft.graph.stewardMacOSImapEmailConfiguration'), MAC);
    assert.equal(stewardTypeFromODataType('#microsoft.graph.stewardWindows10ImapEmailConfiguration'), WIN);
    assert.equal(stewardTypeFromODataType('#microsoft.graph.stewardAndroidImapEmailConfiguration'), undefined);
    assert.deepEqual([SUPPORTED_TYPES[IOS], SUPPORTED_TYPES[MAC], SUPPORTED_TYPES[WIN]], [
      { platform: 'iOS', family: 'imapEmail' }, { platform: 'macOS', family: 'imapEmail' }, { platform: 'windows', family: 'imapEmail' },
    ]);
  });

  it('translates to com.apple.mail.managed with the user\'s own address, user name and description, and no password', () => {
    const { payload, notApplicable } = mailPayload(profile(IOS, body));
    assert.deepEqual(notApplicable, []);
    assert.deepEqual(payload, {
      PayloadType: 'com.apple.mail.managed', PayloadVersion: 1, PayloadIdentifier: 'com.steward.configuration.0b6f7c1e-5a2d-4c1b-9e8f-2d3c4b5a6978.mail',
      PayloadUUID: payload.PayloadUUID, PayloadDisplayName: 'Mail of Ada Lovelace',
      EmailAccountType: 'EmailTypeIMAP', EmailAccountDescription: 'Mail of Ada Lovelace', EmailAccountName: 'Ada Lovelace',
      EmailAddress: 'ada.lovelace@contoso.example',
      IncomingMailServerHostName: 'imap.contoso.example', IncomingMailServerPortNumber: 993, IncomingMailServerUseSSL: true,
      IncomingMailServerAuthentication: 'EmailAuthPassword', IncomingMailServerUsername: 'ada@contoso.example', IncomingMailServerIMAPPathPrefix: 'INBOX',
      OutgoingMailServerHostName: 'smtp.contoso.example', OutgoingMailServerPortNumber: 587, OutgoingMailServerUseSSL: true,
      OutgoingMailServerAuthentication: 'EmailAuthCRAMMD5', OutgoingMailServerUsername: 'ada@contoso.example', OutgoingPasswordSameAsIncomingPassword: true,
      allowMailDrop: false, PreventMove: true, PreventAppSheet: true, SMIMESigningEnabled: true, SMIMEEnableEncryptionPerMessageSwitch: true,
    });
    assert.equal(Object.keys(payload).some((k) => /password$/i.test(k) && k !== 'OutgoingPasswordSameAsIncomingPassword'), false);
  });

  it('takes the address and user name from Graph\'s emailAddressSource and usernameSource when not written out', () => {
    const { emailAddress: _a, incomingServerUsername: _u, accountName: _n, ...rest } = body;
    const { payload } = mailPayload(profile(IOS, { ...rest, accountType: 'pop', imapPathPrefix: null, emailAddressSource: 'primarySmtpAddress', usernameSource: 'sAMAccountName', outgoingServerUsername: 'relay-{{userName}}' }));
    assert.deepEqual(
      [payload.EmailAccountType, payload.EmailAddress, payload.IncomingMailServerUsername, payload.OutgoingMailServerUsername, payload.EmailAccountDescription, 'IncomingMailServerIMAPPathPrefix' in payload],
      ['EmailTypePOP', 'ada.lovelace@contoso.example', 'ada', 'relay-ada', 'Work mail', false],
    );
    // Without a user the device asks for the address; a preview keeps the variables.
    const anonymous = mailPayload(profile(IOS, rest), { organization: 'Contoso' }).payload;
    assert.deepEqual(['EmailAddress' in anonymous, 'IncomingMailServerUsername' in anonymous], [false, false]);
    const preview = previewConfiguration(profile(IOS, body), { organization: 'Contoso' });
    assert.ok(preview.format === 'plist');
    assert.match(preview.content, /<string>\{\{mail\}\}<\/string>/);
  });

  it('reports the iOS-only Mail settings notApplicable on a Mac and keeps the rest', () => {
    const { payload, notApplicable } = mailPayload(profile(MAC, body));
    assert.deepEqual(notApplicable.map((n) => n.setting).sort(), ['blockMovingMessagesToOtherEmailAccounts', 'blockSendingEmailFromThirdPartyApps', 'smimeEnablePerMessageSwitch', 'smimeSigningEnabled']);
    assert.deepEqual([payload.PreventMove, payload.SMIMESigningEnabled, payload.allowMailDrop, payload.EmailAddress], [undefined, undefined, false, 'ada.lovelace@contoso.example']);
  });

  it('refuses bad settings with the property named', () => {
    refused(IOS, { ...body, incomingServerPort: 0 }, 'incomingServerPort', /1 to 65535/);
    refused(IOS, { ...body, outgoingServerPort: 70000 }, 'outgoingServerPort', /1 to 65535/);
    refused(IOS, { ...body, outgoingServerPort: '587' }, 'outgoingServerPort', /whole number/);
    refused(IOS, { ...body, incomingServerHostName: undefined }, 'incomingServerHostName', /required/);
    refused(MAC, { ...body, outgoingServerHostName: '' }, 'outgoingServerHostName', /required/);
    refused(IOS, { ...body, incomingServerHostName: 'imap contoso' }, 'incomingServerHostName', /not a host name/);
    refused(IOS, { ...body, incomingServerAuthenticationMethod: 'kerberos' }, 'incomingServerAuthenticationMethod', /'kerberos' is not one of none, password, cramMd5, ntlm, httpMd5/);
    refused(IOS, { ...body, accountType: 'exchange' }, 'accountType', /not one of imap, pop/);
    refused(IOS, { ...body, accountType: undefined }, 'accountType', /required/);
    refused(IOS, { ...body, accountType: 'pop' }, 'imapPathPrefix', /IMAP accounts only/);
    refused(IOS, { ...body, emailAddress: 'not an address' }, 'emailAddress', /not an e-mail address/);
    refused(IOS, { ...body, password: 'secret' }, 'password', /does not exist on stewardIosImapEmailConfiguration/);
    refused(IOS, { ...body, hostName: 'mail.contoso.example' }, 'hostName', /does not exist/);
    refused(IOS, { ...body, description: 5 }, 'description', /string/);
    // Unknown variables are refused when translated, with the property named.
    assert.throws(() => translateConfiguration(profile(IOS, { ...body, emailAddress: '{{email_address}}' }), ctx), /emailAddress: unknown variable \{\{email_address\}\}/);
  });

  const windowsBody = {
    displayName: 'Work mail', accountName: 'Contoso mail', accountType: 'imap', emailAddress: '{{mail}}',
    incomingServerHostName: 'imap.contoso.example', incomingServerPort: 993, usernameSource: 'userPrincipalName',
    outgoingServerHostName: 'smtp.contoso.example', outgoingServerPort: 587, outgoingServerRequireSsl: false,
    durationOfEmailToSync: 'twoWeeks', emailSyncSchedule: 'thirtyMinutes',
  };
  const ACCOUNT = /^\.\/User\/Vendor\/MSFT\/EMAIL2\/0x7B[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}0x7D$/;

  it('writes a Windows account to the EMAIL2 CSP with the user\'s values, in an Atomic as the CSP asks', () => {
    const t = translateConfiguration(profile(WIN, windowsBody), ctx);
    assert.ok(t.platform === 'windows');
    assert.deepEqual(t.notApplicable, []);
    const account = removalNodes(t.settings.map((s) => s.locUri));
    assert.equal(account.length, 1);
    assert.match(account[0]!, ACCOUNT);
    const values = Object.fromEntries(t.settings.map((s) => [s.locUri.slice(account[0]!.length + 1), s.value]));
    assert.deepEqual(values, {
      SERVICENAME: 'Contoso mail', SERVICETYPE: 'IMAP4', ACCOUNTTYPE: 'Email', SYNCINGCONTENTTYPES: '2',
      INSERVER: 'imap.contoso.example:993', OUTSERVER: 'smtp.contoso.example:587',
      REPLYADDR: 'ada.lovelace@contoso.example', AUTHNAME: 'ada@contoso.example', AUTHREQUIRED: '1', NAME: 'Ada Lovelace',
      DWNDAY: '14', LINGER: '30', 'TAGPROPS/8128000B': '1', 'TAGPROPS/812C000B': '0',
    });
    assert.ok(t.settings.every((s) => s.format === 'chr' && !s.secret));
    // First delivery: Add in an Atomic, but TAGPROPS/812C000B, which EMAIL2 takes by Replace only.
    const first = windowsInstallPayload(t.settings, []);
    assert.ok(first.verb === 'Atomic');
    assert.deepEqual(first.commands.map((c) => [c.verb, c.items.length]), [['Add', 13], ['Replace', 1]]);
    // Again (the PC has the account): Replace, still in an Atomic.
    const again = windowsInstallPayload(t.settings, account);
    assert.ok(again.verb === 'Atomic');
    assert.deepEqual(again.commands.map((c) => c.verb), ['Replace']);
    // A new service type cannot be a Replace: a new account, and the old one deleted in the same Atomic.
    const pop = translateConfiguration(profile(WIN, { ...windowsBody, accountType: 'pop' }), ctx);
    assert.ok(pop.platform === 'windows');
    const popAccount = removalNodes(pop.settings.map((s) => s.locUri));
    assert.notDeepEqual(popAccount, account);
    const renamed = windowsInstallPayload(pop.settings, account);
    assert.ok(renamed.verb === 'Atomic');
    assert.deepEqual(renamed.commands[0], { verb: 'Delete', items: [{ target: account[0] }] });
    assert.deepEqual(renamed.commands.slice(1).map((c) => c.verb), ['Add', 'Replace']);
    // Without a user there is no address to write: an error naming the setting, not an empty node.
    assert.throws(() => translateConfiguration(profile(WIN, { ...windowsBody, emailAddress: null }), { organization: 'Contoso' }), /needs a user/);
  });

  it('refuses what EMAIL2 cannot hold, with the property named', () => {
    refused(WIN, { ...windowsBody, accountName: 'A very long account name over 32 chars' }, 'accountName', /at most 32/);
    refused(WIN, { ...windowsBody, incomingServerHostName: `${'a'.repeat(50)}.contoso.example` }, 'incomingServerHostName', /at most 62/);
    refused(WIN, { ...windowsBody, outgoingServerAuthenticationMethod: 'cramMd5' }, 'outgoingServerAuthenticationMethod', /not one of none, password/);
    refused(WIN, { ...windowsBody, blockMovingMessagesToOtherEmailAccounts: true }, 'blockMovingMessagesToOtherEmailAccounts', /does not exist on stewardWindows10ImapEmailConfiguration/);
    refused(WIN, { ...windowsBody, durationOfEmailToSync: 'oneDay' }, 'durationOfEmailToSync', /'oneDay' is not one of/);
    refused(WIN, { ...windowsBody, incomingServerPort: 65536 }, 'incomingServerPort', /1 to 65535/);
  });

  it('stores nothing secret: the presented form is the body as written', () => {
    const p = profile(IOS, body);
    assert.deepEqual(maskSecrets(p.settings), p.settings);
  });
});
