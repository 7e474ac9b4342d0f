// A translated profile → the command that puts it on a device, and the one that takes it off:
//   Apple    InstallProfile with the profile (CMS-signed by Steward's CA when a signer is given);
//            RemoveProfile of its PayloadIdentifier, com.steward.configuration.<id>
//   Windows  the CSP nodes, in order: Exec for nodes that are executed (SCEP Enroll), Add under a
//            node a profile creates (a Wi-Fi or VPN profile, a certificate, an account, a SCEP
//            request) that the device does not have yet (first delivery, or a renamed SSID), and
//            Replace for the rest (Policy CSP and custom nodes, which exist, and nodes it has);
//            one command, or an Atomic when verbs mix. Removal deletes what the profile made: the
//            node of a Wi-Fi or VPN profile, a certificate, an account or a SCEP request (its
//            subtree goes with it), and each Policy CSP or custom node set (Policy CSP: a Delete
//            "resets the policy to its default").
//            EMAIL2 (IMAP/POP accounts) wants every Add and Replace in an Atomic, accepts only Replace
//            for TAGPROPS/812C000B, and cannot rename an account: an account of an earlier version
//            that the new one does not keep is deleted in the same Atomic.
import { createHash } from 'node:crypto';
import type { NewCommand } from '../commands/ports.js';
import { appleCommand } from '../apple/checked-command.js';
import { windowsCommand, type WindowsCommandItem, type WindowsCommandPayload, type LeafVerb } from '../windows/command-payload.js';
import type { ProfileSigner } from '../enrollment/apple-profile.js';
import { encodePlist } from '../../protocol/apple/plist.js';
import { profileIdentifier } from './apple/translate.js';
import type { DeliveryRemoval } from './delivery-ports.js';
import type { OmaDmSetting, Translation } from './translation.js';

/** How Steward delivers profiles: the organization named in Apple profiles, and the signer. */
export interface ConfigurationDeliverySettings {
  organization: string;
  /** Signs Apple profiles with Steward's CA (as the enrollment profile is); unsigned without one. */
  signer?: ProfileSigner;
}

/** The CA's SHA-1 thumbprint, hex upper case, as ClientCertificateInstall's CAThumbprint takes it. */
export function caThumbprint(settings: ConfigurationDeliverySettings): string {
  const der = settings.signer?.caCertificateDer();
  return der ? createHash('sha1').update(der).digest('hex').toUpperCase() : '';
}

/** A LocURI as Windows matches it: case-insensitive, ./Device/… as ./… . */
export const nodeKey = (locUri: string) => locUri.trim().replace(/^\.\/device\//i, './').toLowerCase();


function windowsItem(s: OmaDmSetting): WindowsCommandItem {
  return s.exec ? { target: s.locUri, ...(s.value !== '' ? { format: s.format, data: s.value } : {}) } : { target: s.locUri, format: s.format, data: s.value };
}

/** The Windows payload for a profile's settings; `existing`: the nodes the device has from an earlier version (removalNodes). */
export function windowsInstallPayload(settings: readonly OmaDmSetting[], existing: readonly string[]): WindowsCommandPayload {
  const has = new Set(existing.map(nodeKey));
  const groups: { verb: Exclude<LeafVerb, 'Get'>; items: WindowsCommandItem[] }[] = [];
  const email2 = settings.some((s) => EMAIL2.test(s.locUri));
  if (email2) {
    const kept = new Set(settings.map((s) => madeNode(s.locUri)).filter((m) => m !== undefined).map(nodeKey));
    const stale = existing.filter((n) => EMAIL2.test(`${n}/`) && !kept.has(nodeKey(n)));
    if (stale.length > 0) groups.push({ verb: 'Delete', items: stale.map((target) => ({ target })) });
  }
  for (const s of settings) {
    const made = madeNode(s.locUri);
    const verb = s.exec ? 'Exec' : made !== undefined && !has.has(nodeKey(made)) && !EMAIL2_REPLACE_ONLY.test(s.locUri) ? 'Add' : 'Replace';
    const last = groups[groups.length - 1];
    if (last?.verb === verb) last.items.push(windowsItem(s));
    else groups.push({ verb, items: [windowsItem(s)] });
  }
  const [only] = groups;
  if (groups.length === 1 && only && !email2) return { verb: only.verb, items: only.items };
  return { verb: 'Atomic', commands: groups };
}

export interface NativeInstall {
  command: NewCommand;
  removal: DeliveryRemoval;
}

/** The nodes a profile made, one per profile, certificate, account or SCEP request; Policy CSP and custom nodes as they are. */
const MADE_NODE = [
  /^(\.\/(?:device\/)?vendor\/msft\/wifi\/profile\/[^/]+)\//i,
  /^(\.\/(?:device|user)\/vendor\/msft\/vpnv2\/[^/]+)\//i,
  /^(\.\/(?:device|user)\/vendor\/msft\/rootcatrustedcertificates\/[^/]+\/[^/]+)\//i,
  /^(\.\/(?:device|user)\/vendor\/msft\/activesync\/accounts\/[^/]+)\//i,
  /^(\.\/(?:device|user)\/vendor\/msft\/email2\/[^/]+)\//i,
  /^(\.\/(?:device|user)\/vendor\/msft\/clientcertificateinstall\/scep\/[^/]+)\//i,
];

const EMAIL2 = /^\.\/(?:device\/|user\/)?vendor\/msft\/email2\/[^/]+\//i;
/** EMAIL2 nodes that take Replace only, even in a new account. */
const EMAIL2_REPLACE_ONLY = /\/vendor\/msft\/email2\/[^/]+\/tagprops\/812c000b$/i;

/** The node a profile makes that this LocURI is under, or undefined (a Policy CSP or custom node, which exists). */
const madeNode = (uri: string) => MADE_NODE.map((re) => re.exec(uri)?.[1]).find((m) => m !== undefined);

export function removalNodes(locUris: readonly string[]): string[] {
  const out: string[] = [];
  for (const uri of locUris) {
    const node = madeNode(uri) ?? uri;
    if (!out.includes(node)) out.push(node);
  }
  return out;
}

/** The command that installs a translation, or undefined when it holds nothing the platform applies. */
export async function installCommand(
  translation: Translation,
  input: { configurationId: string; settings: ConfigurationDeliverySettings; existing: DeliveryRemoval | null },
): Promise<NativeInstall | undefined> {
  if (translation.platform === 'windows') {
    if (translation.settings.length === 0) return undefined;
    return {
      command: windowsCommand(windowsInstallPayload(translation.settings, input.existing?.platform === 'windows' ? input.existing.locUris : [])),
      removal: { platform: 'windows', locUris: removalNodes(translation.settings.map((s) => s.locUri)) },
    };
  }
  const payloads = translation.profile.PayloadContent;
  if (!Array.isArray(payloads) || payloads.length === 0) return undefined;
  const content = encodePlist(translation.profile);
  const bytes = input.settings.signer ? await input.settings.signer.signProfile(content) : content;
  return {
    command: appleCommand('InstallProfile', { Payload: { $data: Buffer.from(bytes).toString('base64') } }),
    removal: { platform: 'apple', identifier: profileIdentifier(input.configurationId) },
  };
}

/** The command that takes a delivered profile off the device again. */
export function removalCommand(removal: DeliveryRemoval): NewCommand | undefined {
  if (removal.platform === 'apple') return appleCommand('RemoveProfile', { Identifier: removal.identifier });
  if (removal.locUris.length === 0) return undefined;
  return windowsCommand({ verb: 'Delete', items: removal.locUris.map((target) => ({ target })) });
}
