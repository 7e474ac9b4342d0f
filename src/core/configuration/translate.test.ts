// Translation of stored profiles to each platform's native form, checked by third parties:
// Python's plistlib reads the Apple profiles, fast-xml-parser the WLAN and VPN XML, and Apple's
// own schema (when present beside the repository) lists every key the profiles may use.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { encodePlist, type PlistDict } from '../../protocol/apple/plist.js';
import { testCa } from '../../../test/support/apple.js';
import { APPLE_PROFILES_DIR, plistlib, profileKeys, unknownKeys } from '../../../test/support/apple-schema.js';
import type { DeviceConfiguration } from './ports.js';
import { translateConfiguration } from './translate.js';
import type { OmaDmSetting, Translation, TranslationContext } from './translation.js';
import { IOS_RESTRICTIONS, MACOS_RESTRICTIONS } from './apple/general.js';
import { WINDOWS_RESTRICTIONS } from './windows/general.js';
import { propertiesOf } from '../../shared/graph/types.js';
import { SUPPORTED_TYPES } from './catalog.js';
import { validateConfigurationBody } from './validate.js';
import { StewardError } from '../errors.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const haveSchema = existsSync(APPLE_PROFILES_DIR);
const exportsDir = join(repo, '../shared/reference/intune-exports');

const user = { id: 'u-1', userPrincipalName: 'ada@contoso.example', mail: 'ada.lovelace@contoso.example', displayName: 'Ada Lovelace' };
const ctx: TranslationContext = {
  organization: 'Contoso', user, device: { id: 'd-1', deviceName: 'Ada iPhone', serialNumber: 'F2LX0000' },
  scep: { challenge: 'challenge-123', caThumbprint: 'AB'.repeat(20) },
};

function profile(odataType: string, settings: Record<string, unknown>, version = 1): DeviceConfiguration {
  return {
    id: '6f9619ff-8b86-d011-b42d-00c04fc964ff', odataType, displayName: `Test ${odataType}`, description: null, version,
    createdDateTime: '2026-01-01T00:00:00.000Z', lastModifiedDateTime: '2026-01-01T00:00:00.000Z', roleScopeTagIds: ['0'], settings,
  };
}

function apple(t: Translation): PlistDict {
  assert.ok(t.platform !== 'windows');
  return t.profile;
}
function windows(t: Translation): OmaDmSetting[] {
  assert.ok(t.platform === 'windows');
  return t.settings;
}
const payloads = (p: PlistDict) => p.PayloadContent as PlistDict[];

const loadYaml = profileKeys;
function assertAppleSchema(p: PlistDict): void {
  if (!haveSchema) return;
  const { PayloadContent, ...top } = p;
  assert.deepEqual(unknownKeys(top, loadYaml('TopLevel.yaml'), 'TopLevel'), []);
  const common = loadYaml('CommonPayloadKeys.yaml');
  for (const payload of PayloadContent as PlistDict[]) {
    const type = payload.PayloadType as string;
    // Two known gaps of the schema: VendorConfig holds the VPN vendor's own keys ("vendor-specific
    // configuration dictionary"), and a vendor VPN's server is VPN.RemoteAddress, which Apple
    // Configurator writes but the schema's VPN dictionary does not list.
    const allowed = (k: string) => k.startsWith('com.apple.vpn.managed.VendorConfig.') || k === 'com.apple.vpn.managed.VPN.RemoteAddress';
    assert.deepEqual(unknownKeys(payload, [...common, ...loadYaml(`${type}.yaml`)], type).filter((k) => !allowed(k)), [], type);
  }
}

const wifiPsk = { ssid: 'Contoso Staff', wiFiSecurityType: 'wpa2Personal', preSharedKey: 'correct horse battery', connectAutomatically: true, connectWhenNetworkNameIsHidden: true, proxySettings: 'manual', proxyManualAddress: 'proxy.contoso.example', proxyManualPort: 8080 };

describe('Apple translation', () => {
  it('builds a Wi-Fi profile Python\'s plistlib reads, with stable identifiers and per-version UUIDs', () => {
    const v1 = apple(translateConfiguration(profile('iosWiFiConfiguration', wifiPsk), ctx));
    const v2 = apple(translateConfiguration(profile('iosWiFiConfiguration', wifiPsk, 2), ctx));
    const read = plistlib(encodePlist(v1));
    assert.equal(read.PayloadType, 'Configuration');
    assert.equal(read.PayloadIdentifier, 'com.steward.configuration.6f9619ff-8b86-d011-b42d-00c04fc964ff');
    const wifi = (read.PayloadContent as Record<string, unknown>[])[0]!;
    assert.deepEqual(
      [wifi.PayloadType, wifi.SSID_STR, wifi.EncryptionType, wifi.Password, wifi.HIDDEN_NETWORK, wifi.AutoJoin, wifi.ProxyType, wifi.ProxyServer, wifi.ProxyServerPort],
      ['com.apple.wifi.managed', 'Contoso Staff', 'WPA2', 'correct horse battery', true, true, 'Manual', 'proxy.contoso.example', 8080],
    );
    assert.equal(v2.PayloadIdentifier, v1.PayloadIdentifier);
    assert.equal(payloads(v2)[0]!.PayloadIdentifier, payloads(v1)[0]!.PayloadIdentifier);
    assert.notEqual(v2.PayloadUUID, v1.PayloadUUID);
    assert.notEqual(payloads(v2)[0]!.PayloadUUID, payloads(v1)[0]!.PayloadUUID);
    assert.deepEqual(apple(translateConfiguration(profile('iosWiFiConfiguration', wifiPsk), ctx)), v1, 'same version, same profile');
    assertAppleSchema(v1);
  });

  it('writes enterprise Wi-Fi with its EAP type and trusted server names', () => {
    const t = translateConfiguration(profile('macOSEnterpriseWiFiConfiguration', {
      ssid: 'Contoso Secure', wiFiSecurityType: 'wpa2Enterprise', eapType: 'peap', trustedServerCertificateNames: ['radius.contoso.example'],
      outerIdentityPrivacyTemporaryValue: 'anonymous', innerAuthenticationProtocolForEapTtls: 'microsoftChapVersionTwo', eapFastConfiguration: 'useProtectedAccessCredential',
    }), ctx);
    const wifi = payloads(apple(t))[0]!;
    assert.deepEqual(wifi.EAPClientConfiguration, { AcceptEAPTypes: [25], TLSTrustedServerNames: ['radius.contoso.example'], OuterIdentity: 'anonymous', TTLSInnerAuthentication: 'MSCHAPv2' });
    assert.deepEqual(t.notApplicable.map((n) => n.setting), ['eapFastConfiguration'], 'a setting Steward cannot apply is reported, not dropped');
    assertAppleSchema(apple(t));
  });

  it('builds IKEv2 and vendor VPN payloads with on-demand rules', () => {
    const ike = apple(translateConfiguration(profile('iosVpnConfiguration', {
      connectionName: 'Contoso VPN', connectionType: 'ikEv2', authenticationMethod: 'certificate', server: { address: 'vpn.contoso.example', description: 'main' },
      enableSplitTunneling: true, onDemandRules: [{ action: 'connect', ssids: [], dnsSearchDomains: [], interfaceTypeMatch: 'wiFi' }, { action: 'evaluateConnection', domains: ['intranet.contoso.example'], domainAction: 'connectIfNeeded' }],
    }), ctx));
    const vpn = payloads(ike)[0]!;
    assert.equal(vpn.VPNType, 'IKEv2');
    assert.deepEqual((vpn.IKEv2 as PlistDict).OnDemandRules, [{ Action: 'Connect', InterfaceTypeMatch: 'WiFi' }, { Action: 'EvaluateConnection', ActionParameters: [{ Domains: ['intranet.contoso.example'], DomainAction: 'ConnectIfNeeded' }] }]);
    assert.deepEqual(vpn.IPv4, { OverridePrimary: 0 });
    assertAppleSchema(ike);
    const vendor = translateConfiguration(profile('iosVpnConfiguration', { connectionName: 'GP', connectionType: 'paloAltoGlobalProtectV2', server: { address: 'gp.contoso.example' }, customKeyValueData: [{ name: 'portal', value: 'gp' }] }), ctx);
    const v = payloads(apple(vendor))[0]!;
    assert.deepEqual([v.VPNType, v.VPNSubType, v.VendorConfig], ['VPN', 'com.paloaltonetworks.globalprotect.vpn', { portal: 'gp' }]);
    assertAppleSchema(apple(vendor));
    const unknown = translateConfiguration(profile('iosVpnConfiguration', { connectionName: 'X', connectionType: 'netMotionMobility', server: { address: 'x' } }), ctx);
    assert.ok(unknown.notApplicable.some((n) => n.setting === 'connectionType'));
  });

  it('fills the Exchange account from the user, and refuses an unknown variable by name', () => {
    const t = apple(translateConfiguration(profile('iosEasEmailProfileConfiguration', {
      hostName: 'mail.contoso.example', accountName: 'Work mail for {{displayName}}', emailAddressSource: 'primarySmtpAddress', usernameSource: 'userPrincipalName',
      requireSsl: true, durationOfEmailToSync: 'oneMonth', blockMovingMessagesToOtherEmailAccounts: true,
    }), ctx));
    const eas = payloads(t)[0]!;
    assert.deepEqual([eas.Host, eas.EmailAddress, eas.UserName, eas.MailNumberOfPastDaysToSync, eas.PreventMove, eas.PayloadDisplayName],
      ['mail.contoso.example', 'ada.lovelace@contoso.example', 'ada@contoso.example', 31, true, 'Work mail for Ada Lovelace']);
    assertAppleSchema(t);
    const withVariable = profile('iosEasEmailProfileConfiguration', { hostName: 'mail.contoso.example', customDomainName: '{{department}}' });
    assert.throws(() => translateConfiguration(withVariable, ctx), (e: Error & { target?: string }) => /unknown variable \{\{department\}\}/.test(e.message) && e.target === 'customDomainName');
    const noUser = profile('iosEasEmailProfileConfiguration', { hostName: '{{mail}}.example' });
    assert.throws(() => translateConfiguration(noUser, { organization: 'Contoso' }), /needs a user/);
  });

  it('maps passcode rules and restrictions, and every mapped key is Apple\'s and every property Graph\'s', () => {
    const t = translateConfiguration(profile('iosGeneralDeviceConfiguration', {
      passcodeRequired: true, passcodeMinimumLength: 6, passcodeBlockSimple: true, passcodeRequiredType: 'alphanumeric', passcodeMinutesOfInactivityBeforeScreenTimeout: 5,
      cameraBlocked: true, screenCaptureBlocked: true, appStoreBlocked: true, bluetoothBlockModification: true, accountBlockModification: true, safariBlocked: false,
      kioskModeAllowTouchscreen: true,
    }), ctx);
    const [passcode, restrictions] = payloads(apple(t));
    assert.deepEqual([passcode!.forcePIN, passcode!.minLength, passcode!.allowSimple, passcode!.requireAlphanumeric, passcode!.maxInactivity], [true, 6, false, true, 5]);
    assert.deepEqual([restrictions!.allowCamera, restrictions!.allowScreenShot, restrictions!.allowAppInstallation, restrictions!.allowBluetoothModification, restrictions!.allowAccountModification, restrictions!.allowSafari],
      [false, false, false, false, false, undefined]);
    assert.deepEqual(t.notApplicable.map((n) => n.setting), ['kioskModeAllowTouchscreen']);
    assertAppleSchema(apple(t));
    const ios = propertiesOf('iosGeneralDeviceConfiguration')!;
    const mac = propertiesOf('macOSGeneralDeviceConfiguration')!;
    assert.deepEqual(IOS_RESTRICTIONS.filter(([g]) => !ios[g]), []);
    assert.deepEqual(MACOS_RESTRICTIONS.filter(([g]) => !mac[g]), []);
    const win = propertiesOf('windows10GeneralConfiguration')!;
    assert.deepEqual(WINDOWS_RESTRICTIONS.filter(([g]) => !win[g]), []);
    if (haveSchema) {
      const keys = new Set(loadYaml('com.apple.applicationaccess.yaml').map((k) => k.key));
      assert.deepEqual([...IOS_RESTRICTIONS, ...MACOS_RESTRICTIONS].filter(([, a]) => !keys.has(a)), []);
    }
  });

  it('installs a trusted root and a SCEP certificate from Steward\'s CA', async () => {
    const ca = await testCa();
    const der = new X509Certificate(ca.certificatePem).raw;
    const root = apple(translateConfiguration(profile('iosTrustedRootCertificate', { trustedRootCertificate: der.toString('base64'), certFileName: 'contoso.cer' }), ctx));
    assert.deepEqual(Buffer.from(payloads(root)[0]!.PayloadContent as Uint8Array), der);
    assertAppleSchema(root);
    const scep = apple(translateConfiguration(profile('iosScepCertificateProfile', {
      scepServerUrls: ['https://mdm.contoso.example/scep'], subjectNameFormat: 'custom', subjectNameFormatString: 'CN={{userPrincipalName}},O=Contoso',
      subjectAlternativeNameType: 'emailAddress', keySize: 'size2048', keyUsage: 'digitalSignature,keyEncipherment',
    }), ctx));
    const content = payloads(scep)[0]!.PayloadContent as PlistDict;
    assert.deepEqual([content.URL, content.Subject, content.Challenge, content.Keysize, content['Key Usage'], content.SubjectAltName],
      ['https://mdm.contoso.example/scep', [[['CN', 'ada@contoso.example']], [['O', 'Contoso']]], 'challenge-123', 2048, 5, { rfc822Name: ['ada.lovelace@contoso.example'] }]);
    assertAppleSchema(scep);
    plistlib(encodePlist(scep));
  });

  it('nests a custom .mobileconfig\'s payloads and refuses one that is not a plist', () => {
    const custom: PlistDict = { PayloadType: 'Configuration', PayloadVersion: 1, PayloadIdentifier: 'x', PayloadUUID: 'y', PayloadDisplayName: 'x',
      PayloadContent: [{ PayloadType: 'com.apple.applicationaccess', PayloadVersion: 1, PayloadIdentifier: 'x.r', PayloadUUID: 'z', allowCamera: false }] };
    const t = apple(translateConfiguration(profile('iosCustomConfiguration', { payload: Buffer.from(encodePlist(custom)).toString('base64'), payloadName: 'Camera' }), ctx));
    assert.deepEqual([payloads(t)[0]!.PayloadType, payloads(t)[0]!.allowCamera], ['com.apple.applicationaccess', false]);
    assertAppleSchema(t);
    assert.throws(() => translateConfiguration(profile('iosCustomConfiguration', { payload: Buffer.from('not a plist').toString('base64') }), ctx), /payload/);
  });
});

const xml = new XMLParser({ ignoreAttributes: false, parseTagValue: false });

describe('Windows translation', () => {
  it('writes a WLAN profile XML that parses, with the key, hidden SSID and proxy', () => {
    const settings = windows(translateConfiguration(profile('windowsWifiConfiguration', { ...wifiPsk, wiFiSecurityType: undefined, proxySettings: undefined, wifiSecurityType: 'wpa2Personal', proxySetting: 'manual' }), ctx));
    const wlan = settings.find((s) => s.locUri.endsWith('/WlanXml'))!;
    assert.equal(wlan.locUri, './Vendor/MSFT/WiFi/Profile/Contoso%20Staff/WlanXml');
    assert.equal(wlan.secret, true);
    assert.equal(XMLValidator.validate(wlan.value), true);
    const doc = xml.parse(wlan.value) as { WLANProfile: Record<string, Record<string, unknown>> };
    const p = doc.WLANProfile;
    assert.equal(p['@_xmlns'], 'http://www.microsoft.com/networking/WLAN/profile/v1');
    assert.deepEqual(p.SSIDConfig, { SSID: { hex: Buffer.from('Contoso Staff').toString('hex').toUpperCase(), name: 'Contoso Staff' }, nonBroadcast: 'true' });
    const security = (p.MSM as { security: { authEncryption: unknown; sharedKey: unknown } }).security;
    assert.deepEqual(security.authEncryption, { authentication: 'WPA2PSK', encryption: 'AES', useOneX: 'false' });
    assert.deepEqual(security.sharedKey, { keyType: 'passPhrase', protected: 'false', keyMaterial: 'correct horse battery' });
    assert.deepEqual(settings.find((s) => s.locUri.endsWith('/Proxy')), { locUri: './Vendor/MSFT/WiFi/Profile/Contoso%20Staff/Proxy', format: 'chr', value: 'proxy.contoso.example:8080' });
    const eap = windows(translateConfiguration(profile('windowsWifiEnterpriseEAPConfiguration', { ssid: 'Secure', wifiSecurityType: 'wpa2Enterprise', eapType: 'eapTls', trustedServerCertificateNames: ['radius.contoso.example'] }), ctx));
    const enterprise = xml.parse(eap[0]!.value) as { WLANProfile: { MSM: { security: { OneX: { EAPConfig: { EapHostConfig: { EapMethod: { Type: { '#text': string } } } } } } } } };
    assert.equal(enterprise.WLANProfile.MSM.security.OneX.EAPConfig.EapHostConfig.EapMethod.Type['#text'], '13');
  });

  it('writes VPNv2 ProfileXML that parses', () => {
    const settings = windows(translateConfiguration(profile('windows10VpnConfiguration', {
      connectionName: 'Contoso VPN', connectionType: 'ikEv2', servers: [{ address: 'vpn.contoso.example', description: 'main', isDefaultServer: true }],
      enableSplitTunneling: true, rememberUserCredentials: true, dnsSuffixes: ['contoso.example'], routes: [{ destinationPrefix: '10.0.0.0', prefixSize: 8 }],
    }), ctx));
    assert.equal(settings[0]!.locUri, './User/Vendor/MSFT/VPNv2/Contoso%20VPN/ProfileXML');
    assert.equal(XMLValidator.validate(settings[0]!.value), true);
    const doc = xml.parse(settings[0]!.value) as { VPNProfile: { NativeProfile: Record<string, unknown>; Route: unknown; DnsSuffix: string } };
    assert.deepEqual([doc.VPNProfile.NativeProfile.Servers, doc.VPNProfile.NativeProfile.NativeProtocolType, doc.VPNProfile.NativeProfile.RoutingPolicyType], ['vpn.contoso.example', 'IKEv2', 'SplitTunnel']);
    assert.deepEqual(doc.VPNProfile.Route, { Address: '10.0.0.0', PrefixSize: '8' });
  });

  it('maps passwords and restrictions to Policy CSP nodes', () => {
    const t = translateConfiguration(profile('windows10GeneralConfiguration', {
      passwordRequired: true, passwordMinimumLength: 8, passwordRequiredType: 'alphanumeric', cameraBlocked: true, storageBlockRemovableStorage: true,
      bluetoothBlocked: true, accountsBlockAddingNonMicrosoftAccountEmail: true, screenCaptureBlocked: false, edgeBlockPopups: true,
    }), ctx);
    const byUri = new Map(windows(t).map((s) => [s.locUri.replace('./Device/Vendor/MSFT/Policy/Config/', ''), s.value]));
    assert.deepEqual(Object.fromEntries(byUri), {
      'DeviceLock/DevicePasswordEnabled': '0', 'DeviceLock/MinDevicePasswordLength': '8', 'DeviceLock/AlphanumericDevicePasswordRequired': '0',
      'Camera/AllowCamera': '0', 'System/AllowStorageCard': '0', 'Connectivity/AllowBluetooth': '0', 'Accounts/AllowAddingNonMicrosoftAccountsManually': '0',
    });
    assert.deepEqual(t.notApplicable.map((n) => n.setting), ['edgeBlockPopups']);
  });

  it('writes trusted roots under their thumbprint and SCEP enrolment with Steward\'s challenge', async () => {
    const ca = await testCa();
    const der = new X509Certificate(ca.certificatePem).raw;
    const [root] = windows(translateConfiguration(profile('windows81TrustedRootCertificate', { trustedRootCertificate: der.toString('base64'), destinationStore: 'computerCertStoreRoot' }), ctx));
    const thumb = createHash('sha1').update(der).digest('hex').toUpperCase();
    assert.deepEqual(root, { locUri: `./Device/Vendor/MSFT/RootCATrustedCertificates/Root/${thumb}/EncodedCertificate`, format: 'b64', value: der.toString('base64') });
    const scep = windows(translateConfiguration(profile('windows81SCEPCertificateProfile', {
      scepServerUrls: ['https://mdm.contoso.example/scep'], subjectNameFormat: 'custom', subjectNameFormatString: 'CN={{userName}}', keySize: 'size2048', certificateStore: 'machine',
    }), ctx));
    const base = './Device/Vendor/MSFT/ClientCertificateInstall/SCEP/6f9619ff-8b86-d011-b42d-00c04fc964ff/Install';
    const get = (n: string) => scep.find((s) => s.locUri === `${base}/${n}`);
    assert.deepEqual([get('ServerURL')?.value, get('SubjectName')?.value, get('Challenge')?.secret, get('CAThumbprint')?.value, get('KeyLength')?.value], ['https://mdm.contoso.example/scep', 'CN=ada', true, 'AB'.repeat(20), '2048']);
    assert.equal(scep.at(-1)?.locUri, `${base}/Enroll`);
    assert.equal(scep.at(-1)?.exec, true);
  });

  it('writes an Exchange account to the ActiveSync CSP with the user\'s values', () => {
    const p = profile('windows10EasEmailProfileConfiguration', {
      accountName: 'Work', hostName: 'mail.contoso.example', emailAddressSource: 'primarySmtpAddress', usernameSource: 'userPrincipalName',
      durationOfEmailToSync: 'twoWeeks', emailSyncSchedule: 'asMessagesArrive', requireSsl: true, syncTasks: true,
    });
    const t = translateConfiguration(p, ctx);
    const values = Object.fromEntries(windows(t).map((s) => [s.locUri.replace(/^\.\/User\/Vendor\/MSFT\/ActiveSync\/Accounts\/%7B[0-9a-f-]{36}%7D\//, ''), s.value]));
    assert.deepEqual(values, {
      AccountName: 'Work', ServerName: 'mail.contoso.example', EmailAddress: 'ada.lovelace@contoso.example', UserName: 'ada@contoso.example',
      'Options/UseSSL': '1', 'Options/MailAgeFilter': '4', 'Options/Schedule': '-1',
    });
    assert.deepEqual(t.notApplicable.map((n) => n.setting), ['syncTasks']);
    assert.throws(() => translateConfiguration(p, { organization: 'Contoso' }), /needs a user/);
  });

  it('passes OMA-URI settings through, and reports masked exported values', () => {
    const t = translateConfiguration(profile('windows10CustomConfiguration', { omaSettings: [
      { '@odata.type': '#microsoft.graph.omaSettingInteger', displayName: 'camera', omaUri: './Device/Vendor/MSFT/Policy/Config/Camera/AllowCamera', value: 0 },
      { '@odata.type': '#microsoft.graph.omaSettingString', displayName: 'secret', omaUri: './Device/Vendor/MSFT/Policy/Config/X/Y', value: '****', isEncrypted: true },
    ] }), ctx);
    assert.deepEqual(windows(t), [{ locUri: './Device/Vendor/MSFT/Policy/Config/Camera/AllowCamera', format: 'int', value: '0' }]);
    assert.deepEqual(t.notApplicable.map((n) => n.setting), ['omaSettings[1]']);
  });
});

describe('translation of real Intune exports', () => {
  it('translates every supported export, Apple ones to keys of Apple\'s schema, reporting what does not apply', { skip: existsSync(exportsDir) ? false : 'intune-exports not present beside the repository' }, () => {
    let translated = 0;
    for (const file of readdirSync(exportsDir).filter((f) => f.endsWith('.json'))) {
      const bytes = readFileSync(join(exportsDir, file));
      const text = bytes[0] === 0xff && bytes[1] === 0xfe ? bytes.subarray(2).toString('utf16le') : bytes.toString('utf8').replace(/^\uFEFF/, '');
      const body = JSON.parse(text) as Record<string, unknown>;
      const type = typeof body['@odata.type'] === 'string' ? body['@odata.type'].replace(/^#?microsoft\.graph\./, '') : '';
      if (!SUPPORTED_TYPES[type]) continue;
      for (const k of Object.keys(body)) if ((k.includes('@odata.') && k !== '@odata.type') || k.startsWith('#') || k === 'assignments') delete body[k];
      const { displayName: _d, description: _e, roleScopeTagIds: _r, ...settings } = validateConfigurationBody(type, body);
      let t: Translation;
      try {
        t = translateConfiguration(profile(type, settings), ctx);
      } catch (e) {
        // An export may hold what no device can take (the tfm365 macOS custom profile is an empty
        // plist dictionary): translation says so, naming the setting.
        assert.ok(e instanceof StewardError && e.code === 'invalid-input' && e.target !== undefined, `${file}: ${String(e)}`);
        continue;
      }
      if (t.platform === 'windows') {
        for (const s of t.settings) assert.match(s.locUri, /^\.\//, file);
      } else {
        assertAppleSchema(t.profile);
        plistlib(encodePlist(t.profile));
      }
      for (const n of t.notApplicable) assert.ok(n.setting !== '' && n.reason !== '', file);
      translated += 1;
    }
    assert.ok(translated >= 20, `translated ${translated}`);
  });
});

