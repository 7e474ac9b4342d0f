// How a simulated device answers one command: refuse it (Error), reject its shape
// (CommandFormatError), or carry it out, change its state, and acknowledge it with the response
// keys Apple documents for the command. Commands the simulator does not model beyond accepting
// them are acknowledged with the response keys Apple marks required, filled with neutral values.
import { isRequestType, type ErrorChainItem } from '../../src/protocol/apple/connect.js';
import { COMMAND_REQUEST_KEYS, COMMAND_RESPONSE_KEYS } from '../../src/protocol/apple/generated/commands.generated.js';
import { isDict, validateKeys, type KeySpec } from '../../src/protocol/apple/key-spec.js';
import { setKey, type PlistDict, type PlistValue } from '../../src/protocol/apple/plist.js';
import {
  certificateList, commonName, deviceInformation, installedApplicationList, managedApplicationList, profileList, securityInfo,
} from './answer-queries.js';
import { mdmError, refusal, type Channel } from './command-support.js';
import type { DeviceState, InstalledApp } from './device-state.js';
import { certificateOf, ProfileError, readProfile } from './mobileconfig.js';

/** MCMDMErrorDomain codes the simulator uses besides UNSUPPORTED_CODE (sim/README.md). */
export const FORMAT_ERROR_CODE = 12001;
export const COMMAND_FAILED_CODE = 12004;
/** MCProfileErrorDomain codes for RemoveProfile and InstallProfile refusals. */
export const PROFILE_NOT_FOUND = 1003;
export const PROFILE_NOT_REMOVABLE = 1004;
export const PROFILE_SECOND_MDM = 1005;

export type CommandOutcome =
  | { Status: 'Acknowledged'; response: PlistDict; after?: 'erase' }
  | { Status: 'Error' | 'CommandFormatError'; ErrorChain: ErrorChainItem[] }
  /** Removing the enrollment profile: the device unenrolls instead of answering. */
  | { Status: 'Unenroll' };

const ack = (response: PlistDict = {}): CommandOutcome => ({ Status: 'Acknowledged', response });
const failed = (text: string, code = COMMAND_FAILED_CODE, domain = 'MCMDMErrorDomain'): CommandOutcome => ({ Status: 'Error', ErrorChain: [mdmError(code, text, domain)] });
const malformed = (text: string): CommandOutcome => ({ Status: 'CommandFormatError', ErrorChain: [mdmError(FORMAT_ERROR_CODE, text)] });

export async function answerCommand(s: DeviceState, command: PlistDict, channel: Channel): Promise<CommandOutcome> {
  const rt = command.RequestType;
  if (typeof rt !== 'string' || rt === '') return malformed('The command has no RequestType.');
  const e = s.enrollment;
  const refused = refusal(rt, {
    platform: s.hardware.platform, osVersion: s.hardware.osVersion, supervised: s.supervised, enrolledViaDEP: s.enrolledViaDEP,
    userEnrollment: e?.mdm.userEnrollment === true, channel, accessRights: e?.mdm.AccessRights ?? 0,
  });
  if (refused !== undefined) return { Status: 'Error', ErrorChain: refused };
  if (!isRequestType(rt)) return failed(`Unknown command ${rt}.`);
  try {
    if (rt === 'Settings') validateSettings(command);
    else validateKeys(command, COMMAND_REQUEST_KEYS[rt], rt);
  } catch (err) {
    return malformed(`Invalid ${rt} command: ${(err as Error).message}`);
  }
  const mac = s.hardware.platform === 'macOS';
  switch (rt) {
    case 'DeviceInformation': {
      const queries = (command.Queries as PlistValue[]).filter((q): q is string => typeof q === 'string');
      return ack(deviceInformation(s, queries));
    }
    case 'SecurityInfo': return ack(securityInfo(s));
    case 'InstalledApplicationList': return ack(installedApplicationList(s, command));
    case 'ManagedApplicationList': return ack(managedApplicationList(s, command));
    case 'ProfileList': return ack(profileList(s, command));
    case 'CertificateList': return ack(certificateList(s, command));

    case 'DeviceLock': {
      const pin = command.PIN as string | undefined;
      // macOS locks with a Find My PIN the user types to unlock; without one it cannot lock.
      if (mac && (pin === undefined || !/^\d{6}$/.test(pin))) return malformed('DeviceLock on macOS needs a six-digit PIN.');
      s.locked = true;
      s.lastLock = { at: new Date() };
      for (const k of ['Message', 'PhoneNumber', 'PIN'] as const) {
        const v = command[k];
        if (typeof v === 'string' && (k !== 'PIN' || mac)) s.lastLock[k] = v;
      }
      return ack();
    }
    case 'EraseDevice': {
      const pin = command.PIN as string | undefined;
      if (mac && (pin === undefined || !/^\d{6}$/.test(pin))) return malformed('EraseDevice on macOS needs a six-digit PIN.');
      // Apple: the device acknowledges, then erases; it is not enrolled afterwards.
      return { Status: 'Acknowledged', response: {}, after: 'erase' };
    }
    case 'ClearPasscode': {
      const token = command.UnlockToken as Uint8Array;
      const mine = e?.unlockToken;
      if (mine === undefined || !Buffer.from(mine).equals(Buffer.from(token))) return failed('Invalid unlock token.');
      s.passcodePresent = false;
      s.passcodeCompliant = false;
      s.locked = false;
      return ack();
    }
    case 'RestartDevice': s.restarts++; s.locked = false; return ack();
    case 'ShutDownDevice': s.shutdowns++; return ack();

    case 'EnableLostMode': {
      if (typeof command.Message !== 'string' && typeof command.PhoneNumber !== 'string') {
        return malformed('EnableLostMode needs a Message or a PhoneNumber.');
      }
      s.lostMode = { soundsPlayed: 0 };
      for (const k of ['Message', 'PhoneNumber', 'Footnote'] as const) {
        const v = command[k];
        if (typeof v === 'string') s.lostMode[k] = v;
      }
      s.locked = true;
      return ack();
    }
    case 'DisableLostMode':
      s.lostMode = undefined;
      return ack();
    case 'DeviceLocation': {
      if (s.lostMode === undefined) return failed('The device is not in Lost Mode.');
      return ack({
        Latitude: s.location.Latitude, Longitude: s.location.Longitude, HorizontalAccuracy: 5.5, VerticalAccuracy: 3.2,
        Altitude: 2.1, Speed: 0.5, Course: 180.5, Timestamp: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      });
    }
    case 'PlayLostModeSound':
      if (s.lostMode === undefined) return failed('The device is not in Lost Mode.');
      s.lostMode.soundsPlayed++;
      return ack();

    case 'InstallProfile': return installProfile(s, command.Payload as Uint8Array);
    case 'RemoveProfile': {
      const id = command.Identifier as string;
      const p = s.profiles.find((x) => x.profile.PayloadIdentifier === id);
      if (p === undefined) return failed(`The profile “${id}” is not installed.`, PROFILE_NOT_FOUND, 'MCProfileErrorDomain');
      if (p.source === 'enrollment') return { Status: 'Unenroll' };
      if (p.source === 'user') return failed(`The profile “${id}” was not installed by MDM.`, PROFILE_NOT_REMOVABLE, 'MCProfileErrorDomain');
      s.profiles = s.profiles.filter((x) => x !== p);
      s.certificates = s.certificates.filter((c) => c.profile !== id);
      return ack();
    }

    case 'InstallApplication': return installApplication(s, command);
    case 'RemoveApplication': {
      const id = command.Identifier as string;
      const app = s.apps.find((a) => a.Identifier === id);
      if (app === undefined || !app.managed) return failed(`The app “${id}” is not managed.`);
      s.apps = s.apps.filter((a) => a !== app);
      return ack();
    }

    case 'Settings': {
      for (const item of command.Settings as PlistValue[]) if (isDict(item)) applySetting(s, item);
      return ack();
    }
    case 'ScheduleOSUpdate': {
      const updates = (command.Updates as PlistValue[]).filter(isDict);
      s.osUpdatesScheduled.push(...updates);
      return ack({
        UpdateResults: updates.map((u) => ({
          ProductKey: typeof u.ProductKey === 'string' ? u.ProductKey : `${s.hardware.platform}Update${typeof u.ProductVersion === 'string' ? u.ProductVersion : ''}`,
          InstallAction: u.InstallAction === 'Default' || typeof u.InstallAction !== 'string' ? 'InstallASAP' : u.InstallAction,
          Status: 'Idle',
        })),
      });
    }
    case 'ScheduleOSUpdateScan': return ack({ ScanInitiated: true });
    case 'ActivationLockBypassCode': return ack({ ActivationLockBypassCode: 'ABCDE-FGHJK-LMNPQ-RTVWX-Y0123-4567' });
    default: return ack(minimalResponse(COMMAND_RESPONSE_KEYS[rt]));
  }
}

async function installProfile(s: DeviceState, payload: Uint8Array): Promise<CommandOutcome> {
  const e = s.enrollment;
  try {
    const profile = await readProfile(payload, {
      signature: 'if-signed', anchors: s.trustAnchors, trustEmbeddedAnchors: true, ...(e === undefined ? {} : { identity: e.identity }),
    });
    if (profile.payloads.some((p) => p.PayloadType === 'com.apple.mdm')) {
      return failed('A device can have only one MDM payload.', PROFILE_SECOND_MDM, 'MCProfileErrorDomain');
    }
    const existing = s.profiles.find((x) => x.profile.PayloadIdentifier === profile.PayloadIdentifier);
    if (existing !== undefined && existing.source !== 'mdm') {
      return failed(`A profile “${profile.PayloadIdentifier}” not installed by MDM is already installed.`, PROFILE_NOT_REMOVABLE, 'MCProfileErrorDomain');
    }
    s.profiles = s.profiles.filter((x) => x !== existing);
    s.certificates = s.certificates.filter((c) => c.profile !== profile.PayloadIdentifier);
    s.profiles.push({ profile, source: 'mdm', installedAt: new Date() });
    for (const p of profile.payloads) {
      for (const der of certificateOf(p) ?? []) s.certificates.push({ CommonName: commonName(der), Data: der, IsIdentity: false, profile: profile.PayloadIdentifier });
    }
    return ack();
  } catch (err) {
    if (err instanceof ProfileError) return failed(err.message, err.code, err.domain);
    throw err;
  }
}

function installApplication(s: DeviceState, c: PlistDict): CommandOutcome {
  const storeId = typeof c.iTunesStoreID === 'number' ? c.iTunesStoreID : undefined;
  const manifest = typeof c.ManifestURL === 'string' ? c.ManifestURL : undefined;
  if (storeId === undefined && manifest === undefined && typeof c.Identifier !== 'string') {
    return malformed('InstallApplication needs an iTunesStoreID, an Identifier or a ManifestURL.');
  }
  if (manifest !== undefined && !manifest.startsWith('https:')) return malformed('ManifestURL must begin with https:.');
  // The bundle identifier comes from the App Store or the manifest; the simulator makes one up.
  const identifier = typeof c.Identifier === 'string' ? c.Identifier
    : storeId !== undefined ? `com.example.app${storeId}` : `com.example.${new URL(manifest as string).pathname.split('/').pop()?.replace(/\.plist$/, '') ?? 'app'}`;
  const existing = s.apps.find((a) => a.Identifier === identifier);
  if (existing !== undefined && !existing.managed && c.ChangeManagementState !== 'Managed') {
    return ack({ Identifier: identifier, State: 'UserInstalledApp', RejectionReason: 'AppAlreadyInstalled' });
  }
  const app: InstalledApp = {
    Identifier: identifier, Name: existing?.Name ?? identifier.split('.').pop() ?? identifier, Version: '1', ShortVersion: '1.0',
    BundleSize: 24_000_000, managed: true, ManagementFlags: typeof c.ManagementFlags === 'number' ? c.ManagementFlags : 0,
  };
  if (storeId !== undefined) app.iTunesStoreID = storeId;
  if (manifest !== undefined) app.ManifestURL = manifest;
  if (isDict(c.Configuration)) app.configuration = c.Configuration;
  s.apps = [...s.apps.filter((a) => a !== existing), app];
  return ack({ Identifier: identifier, State: 'Queued' });
}

function applySetting(s: DeviceState, item: PlistDict): void {
  const name = item.Item;
  if (typeof name !== 'string') return;
  s.settings[name] = item;
  const on = item.Enabled === true;
  switch (name) {
    case 'DeviceName': if (typeof item.DeviceName === 'string') s.hardware.deviceName = item.DeviceName; break;
    case 'HostName': if (typeof item.HostName === 'string') s.hostName = item.HostName; break;
    case 'TimeZone': if (typeof item.TimeZone === 'string') s.timeZone = item.TimeZone; break;
    case 'DataRoaming': s.dataRoaming = on; break;
    case 'VoiceRoaming': s.voiceRoaming = on; break;
    case 'PersonalHotspot': s.personalHotspot = on; break;
    case 'Bluetooth': s.bluetooth = on; break;
    case 'OrganizationInfo': if (isDict(item.OrganizationInfo)) s.organizationInfo = item.OrganizationInfo; break;
    case 'MDMOptions': if (isDict(item.MDMOptions)) s.mdmOptions = item.MDMOptions; break;
    case 'ApplicationConfiguration': {
      const app = s.apps.find((a) => a.managed && a.Identifier === item.Identifier);
      if (app !== undefined) {
        if (isDict(item.Configuration)) app.configuration = item.Configuration;
        else delete app.configuration;
      }
      break;
    }
    default: break;
  }
}

/**
 * Settings' items are one of several dictionaries told apart by their Item key; the generated
 * table lists the alternatives as the array's subkeys, which validateKeys reads as one item shape.
 * Each item is checked against the alternative its Item names; an Item the schema does not know
 * is left alone, as a device running a newer OS would know it.
 */
function validateSettings(command: PlistDict): void {
  const spec = COMMAND_REQUEST_KEYS.Settings.find((k) => k.key === 'Settings');
  const items = command.Settings;
  if (!Array.isArray(items)) throw new Error('Settings: required key Settings is missing or not an array');
  items.forEach((item, i) => {
    if (!isDict(item) || typeof item.Item !== 'string') throw new Error(`Settings.Settings[${i}] has no Item`);
    const name = item.Item;
    const shape = spec?.subkeys?.find((alt) => alt.subkeys?.find((k) => k.key === 'Item')?.rangelist?.includes(name) === true);
    if (shape !== undefined) validateKeys(item, shape.subkeys ?? [], `Settings.Settings[${i}]`);
  });
}

/** The response keys Apple marks required, with neutral values (empty lists, false, 0). */
export function minimalResponse(specs: readonly KeySpec[]): PlistDict {
  const out: PlistDict = {};
  for (const spec of specs) {
    if (spec.presence !== 'required' || spec.key.startsWith('ANY ')) continue;
    setKey(out, spec.key, neutral(spec));
  }
  return out;
}

function neutral(spec: KeySpec): PlistValue {
  switch (spec.type) {
    case 'string': return typeof spec.rangelist?.[0] === 'string' ? spec.rangelist[0] : '';
    case 'integer': case 'real': return typeof spec.rangelist?.[0] === 'number' ? spec.rangelist[0] : 0;
    case 'boolean': return false;
    case 'date': return new Date();
    case 'data': return new Uint8Array();
    case 'array': return [];
    case 'dictionary': case 'any': return minimalResponse(spec.subkeys ?? []);
  }
}
