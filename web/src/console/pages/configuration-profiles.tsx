// Configuration profiles: the list; forms for Wi-Fi and passcode/restrictions per platform and a
// JSON editor (checked before sending) for VPN, e-mail, trusted root, SCEP and custom profiles;
// the API's validation errors next to the field they name; assignments (Graph's assign: every
// kind Steward stores can be assigned; a refused assign is shown in the server's words), device
// status (succeeded, pending, error, conflict, not applicable per device) and the native form
// (stewardPreview).
import { useState } from 'react';
import { Link } from 'react-router';
import { PageHeader } from '../../common/layout.js';
import {
  CheckField, ErrorText, Field, FormError, NumberField, SelectField, TextField, errorFor, formatDate, graph, messageOf, targetOf, useCan,
  useForm, useData, type Bound, type Values } from './admin-kit.js';
import { AssignmentsEditor, DeviceStatusPanel, PolicyList, PolicyRoutes } from './policy-parts.js';

/** Graph reports a profile's state on a device as a complianceStatus: compliant is "succeeded". */
const PROFILE_STATUS: Record<string, string> = { compliant: 'Succeeded', unknown: 'Pending', error: 'Error', conflict: 'Conflict', notApplicable: 'Not applicable', nonCompliant: 'Failed' };
const profileStatusWords = (s: string) => PROFILE_STATUS[s] ?? s;

const BASE = '/deviceManagement/deviceConfigurations';
const OP = 'Microsoft.Intune_DeviceConfigurations';

type Family = 'wifi' | 'restrictions' | 'vpn' | 'email' | 'trustedRoot' | 'scep' | 'custom';
type Os = 'iOS' | 'macOS' | 'windows';
const FAMILIES: readonly (readonly [Family, string])[] = [
  ['wifi', 'Wi-Fi'], ['restrictions', 'Passcode and restrictions'], ['vpn', 'VPN'], ['email', 'E-mail (Exchange ActiveSync)'],
  ['trustedRoot', 'Trusted root certificate'], ['scep', 'SCEP certificate'], ['custom', 'Custom'],
];
const OSES: readonly (readonly [Os, string])[] = [['iOS', 'iOS/iPadOS'], ['macOS', 'macOS'], ['windows', 'Windows 10 and later']];

/** Graph's type for each family and platform (docs/api.md, "Configuration profiles"). */
const TYPES: Record<Family, Partial<Record<Os, string>>> = {
  wifi: { iOS: 'iosWiFiConfiguration', macOS: 'macOSWiFiConfiguration', windows: 'windowsWifiConfiguration' },
  restrictions: { iOS: 'iosGeneralDeviceConfiguration', macOS: 'macOSGeneralDeviceConfiguration', windows: 'windows10GeneralConfiguration' },
  vpn: { iOS: 'iosVpnConfiguration', macOS: 'macOSVpnConfiguration', windows: 'windows10VpnConfiguration' },
  email: { iOS: 'iosEasEmailProfileConfiguration', windows: 'windows10EasEmailProfileConfiguration' },
  trustedRoot: { iOS: 'iosTrustedRootCertificate', macOS: 'macOSTrustedRootCertificate', windows: 'windows81TrustedRootCertificate' },
  scep: { iOS: 'iosScepCertificateProfile', macOS: 'macOSScepCertificateProfile', windows: 'windows81SCEPCertificateProfile' },
  custom: { iOS: 'iosCustomConfiguration', macOS: 'macOSCustomConfiguration', windows: 'windows10CustomConfiguration' },
};

function kindOf(odataType: string): { family: Family; os: Os } | undefined {
  const t = odataType.replace(/^#?microsoft\.graph\./, '');
  for (const [family, byOs] of Object.entries(TYPES) as [Family, Partial<Record<Os, string>>][]) {
    for (const [os, type] of Object.entries(byOs) as [Os, string][]) {
      if (type === t || (family === 'wifi' && t.toLowerCase() === type.toLowerCase().replace('wificonfiguration', 'enterprisewificonfiguration'))) return { family, os };
    }
  }
  return undefined;
}
const kindWords = (odataType: string) => {
  const k = kindOf(odataType);
  if (!k) return odataType.replace(/^#?microsoft\.graph\./, '');
  return `${FAMILIES.find(([f]) => f === k.family)?.[1] ?? k.family} · ${OSES.find(([o]) => o === k.os)?.[1] ?? k.os}`;
};

/** Starting JSON for the families edited as JSON: the settings each needs (docs/api.md). */
const TEMPLATES: Record<Exclude<Family, 'wifi' | 'restrictions'>, Partial<Record<Os, Values>>> = {
  vpn: {
    iOS: { connectionName: 'Corporate VPN', connectionType: 'ikEv2', server: { address: 'vpn.example.com', description: 'VPN', isDefaultServer: true }, authenticationMethod: 'usernameAndPassword' },
    macOS: { connectionName: 'Corporate VPN', connectionType: 'ikEv2', server: { address: 'vpn.example.com', description: 'VPN', isDefaultServer: true }, authenticationMethod: 'usernameAndPassword' },
    windows: { connectionName: 'Corporate VPN', connectionType: 'ikEv2', servers: [{ address: 'vpn.example.com', description: 'VPN', isDefaultServer: true }], profileTarget: 'user' },
  },
  email: {
    iOS: { accountName: 'Work e-mail', hostName: 'mail.example.com', requireSsl: true, emailAddressSource: 'userPrincipalName', usernameSource: 'userPrincipalName' },
    windows: { accountName: 'Work e-mail', hostName: 'mail.example.com', requireSsl: true, emailAddressSource: 'userPrincipalName', usernameSource: 'userPrincipalName', syncCalendar: true, syncContacts: true },
  },
  trustedRoot: {
    iOS: { certFileName: 'root.cer', trustedRootCertificate: '<the DER certificate, base64>' },
    macOS: { certFileName: 'root.cer', trustedRootCertificate: '<the DER certificate, base64>' },
    windows: { certFileName: 'root.cer', trustedRootCertificate: '<the DER certificate, base64>', destinationStore: 'computerCertStoreRoot' },
  },
  scep: {
    iOS: { scepServerUrls: ['https://scep.example.com/scep'], subjectNameFormatString: 'CN={{userPrincipalName}}', keySize: 'size2048', keyUsage: 'digitalSignature', renewalThresholdPercentage: 20, certificateValidityPeriodValue: 1, certificateValidityPeriodScale: 'years' },
    macOS: { scepServerUrls: ['https://scep.example.com/scep'], subjectNameFormatString: 'CN={{userPrincipalName}}', keySize: 'size2048', keyUsage: 'digitalSignature', renewalThresholdPercentage: 20, certificateValidityPeriodValue: 1, certificateValidityPeriodScale: 'years' },
    windows: { scepServerUrls: ['https://scep.example.com/scep'], subjectNameFormatString: 'CN={{userPrincipalName}}', keySize: 'size2048', keyUsage: 'digitalSignature', renewalThresholdPercentage: 20, certificateValidityPeriodValue: 1, certificateValidityPeriodScale: 'years', certificateStore: 'user' },
  },
  custom: {
    iOS: { payloadName: 'Custom', payloadFileName: 'custom.mobileconfig', payload: '<the .mobileconfig, base64>' },
    macOS: { payloadName: 'Custom', payloadFileName: 'custom.mobileconfig', payload: '<the .mobileconfig, base64>' },
    windows: { omaSettings: [{ '@odata.type': '#microsoft.graph.omaSettingInteger', displayName: 'Allow camera', omaUri: './Device/Vendor/MSFT/Policy/Config/Camera/AllowCamera', value: 0 }] },
  },
};

const BASE_KEYS = new Set(['@odata.context', '@odata.type', 'id', 'displayName', 'description', 'version', 'createdDateTime', 'lastModifiedDateTime', 'supportsScopeTags', 'roleScopeTagIds']);

interface Profile extends Values { id: string; '@odata.type': string; displayName: string; description: string | null; version: number; lastModifiedDateTime: string }

const HOME = '/configuration-profiles';

/** /configuration-profiles (the list), /configuration-profiles/new and /configuration-profiles/:id. */
export default function ConfigurationProfilesPage() {
  return <PolicyRoutes home={HOME} newTitle="New configuration profile" allLabel="All configuration profiles" Editor={ProfileEditor} Detail={ProfileDetail} List={ProfileList} />;
}

function ProfileList() {
  const can = useCan();
  return (
    <PolicyList home={HOME} basePath={BASE} title="Configuration profiles" newLabel="New profile" canCreate={can(`${OP}_Create`)} typeHeader="Kind and platform" typeWords={kindWords}
      empty="No configuration profiles yet." />
  );
}

function ProfileDetail({ id, onBack }: { id: string; onBack: () => void }) {
  const can = useCan();
  const [refresh, setRefresh] = useState(0);
  const profile = useData(() => graph<Profile>('GET', `${BASE}/${id}`), [id, refresh]);
  const [preview, setPreview] = useState<{ content?: string; settings?: unknown[]; notApplicable?: { setting: string; reason: string }[] } | undefined>();
  const [error, setError] = useState<unknown>();

  async function remove() {
    if (!window.confirm(`Delete the configuration profile ${profile.data?.displayName ?? ''}?`)) return;
    try { await graph('DELETE', `${BASE}/${id}`); onBack(); } catch (e) { setError(e); }
  }
  async function showPreview() {
    try { setPreview(await graph('GET', `${BASE}/${id}/stewardPreview`)); } catch (e) { setError(e); }
  }

  return (
    <section>
      <PageHeader title={profile.data?.displayName ?? 'Configuration profile'} />
      <p><Link to={HOME}>← All configuration profiles</Link></p>
      <ErrorText error={profile.error} />
      {profile.data ? (
        <>
          <p>{kindWords(profile.data['@odata.type'])} · version {profile.data.version} · modified {formatDate(profile.data.lastModifiedDateTime)}</p>
          <ProfileEditor existing={profile.data} readOnly={!can(`${OP}_Update`)} onDone={() => { setRefresh((n) => n + 1); }} />
          <AssignmentsEditor basePath={BASE} id={id} canAssign={can(`${OP}_Assign`)} onSaved={() => { setRefresh((n) => n + 1); }} />
          <DeviceStatusPanel basePath={BASE} id={id} refreshKey={refresh} words={profileStatusWords} />
          <section>
            <h3>Native form</h3>
            <button type="button" onClick={() => { void showPreview(); }}>Show what devices receive</button>
            {preview ? (
              <>
                <pre className="code" tabIndex={0} aria-label="Native form of the profile">{preview.content ?? JSON.stringify(preview.settings, null, 2)}</pre>
                {(preview.notApplicable ?? []).length > 0 ? (
                  <>
                    <h4>Not applied on this platform</h4>
                    <ul>{(preview.notApplicable ?? []).map((n) => <li key={n.setting}><code>{n.setting}</code>: {n.reason}</li>)}</ul>
                  </>
                ) : null}
              </>
            ) : null}
          </section>
          {can(`${OP}_Delete`) ? <p><button type="button" className="danger" onClick={() => { void remove(); }}>Delete profile</button></p> : null}
          <ErrorText error={error} />
        </>
      ) : null}
    </section>
  );
}

function WifiFields({ form, os }: { form: Bound; os: Os }) {
  // Windows spells two of them differently in Graph (wifiSecurityType, proxySetting).
  const security = os === 'windows' ? 'wifiSecurityType' : 'wiFiSecurityType';
  const options: [string, string][] = [['open', 'Open (no security)'], ['wpaPersonal', 'WPA/WPA2 personal'], ['wpa2Personal', 'WPA2 personal'], ['wpaEnterprise', 'WPA enterprise'], ['wpa2Enterprise', 'WPA2 enterprise']];
  if (os !== 'windows') options.splice(1, 0, ['wep', 'WEP']);
  const personal = ['wpaPersonal', 'wpa2Personal', 'wep'].includes(String(form.values[security]));
  return (
    <fieldset>
      <legend>Wi-Fi</legend>
      <TextField form={form} name="ssid" label="Network name (SSID)" required />
      <TextField form={form} name="networkName" label="Connection name shown to users" />
      <SelectField form={form} name={security} label="Security type" options={options} />
      {personal ? <TextField form={form} name="preSharedKey" type="password" label="Pre-shared key" autoComplete="new-password" hint="8 to 63 characters, or 64 hexadecimal digits. Stored write-only: **** means unchanged." /> : null}
      <CheckField form={form} name="connectAutomatically" label="Connect automatically" />
      <CheckField form={form} name="connectWhenNetworkNameIsHidden" label="Connect when the network is hidden" />
    </fieldset>
  );
}

const RESTRICTIONS: Record<Os, readonly (readonly ['check' | 'number', string, string])[]> = {
  iOS: [
    ['check', 'passcodeRequired', 'Require a passcode'], ['number', 'passcodeMinimumLength', 'Minimum passcode length'],
    ['check', 'passcodeBlockSimple', 'Block simple passcodes'], ['number', 'passcodeMinutesOfInactivityBeforeLock', 'Minutes of inactivity before lock'],
    ['check', 'cameraBlocked', 'Block the camera'], ['check', 'screenCaptureBlocked', 'Block screenshots and screen recording'],
    ['check', 'appStoreBlocked', 'Block the App Store'], ['check', 'airDropBlocked', 'Block AirDrop'], ['check', 'iCloudBlockBackup', 'Block iCloud backup'],
  ],
  macOS: [
    ['check', 'passwordRequired', 'Require a password'], ['number', 'passwordMinimumLength', 'Minimum password length'],
    ['check', 'passwordBlockSimple', 'Block simple passwords'], ['number', 'passwordMinutesOfInactivityBeforeLock', 'Minutes of inactivity before lock'],
    ['check', 'cameraBlocked', 'Block the camera'], ['check', 'screenCaptureBlocked', 'Block screenshots'], ['check', 'airDropBlocked', 'Block AirDrop'],
  ],
  windows: [
    ['check', 'passwordRequired', 'Require a password'], ['number', 'passwordMinimumLength', 'Minimum password length'],
    ['check', 'passwordBlockSimple', 'Block simple passwords'], ['number', 'passwordMinutesOfInactivityBeforeScreenTimeout', 'Minutes of inactivity before the screen locks'],
    ['check', 'cameraBlocked', 'Block the camera'], ['check', 'screenCaptureBlocked', 'Block screen capture'],
    ['check', 'bluetoothBlocked', 'Block Bluetooth'], ['check', 'storageBlockRemovableStorage', 'Block removable storage'],
  ],
};

function RestrictionFields({ form, os }: { form: Bound; os: Os }) {
  return (
    <fieldset>
      <legend>Passcode and restrictions</legend>
      {RESTRICTIONS[os].map(([kind, name, label]) => (kind === 'check'
        ? <CheckField key={name} form={form} name={name} label={label} />
        : <NumberField key={name} form={form} name={name} label={label} />))}
    </fieldset>
  );
}

/** The settings (all but the base properties) as JSON for the editor. */
function settingsJson(values: Values): string {
  return JSON.stringify(Object.fromEntries(Object.entries(values).filter(([k]) => !BASE_KEYS.has(k) && !k.includes('@odata'))), null, 2);
}

function JsonSettings({ text, setText, error, disabled }: { text: string; setText: (t: string) => void; error: unknown; disabled: boolean }) {
  const target = targetOf(error);
  // A server error about a setting inside the JSON is shown under the editor with its name.
  const message = error === undefined ? undefined : target === 'settings' || target === undefined ? messageOf(error) : `${target}: ${messageOf(error)}`;
  return (
    <Field label="Settings (JSON, Graph's property names)" name="settings" error={undefined} message={message}
      hint="The properties of the Graph type, as Intune exports them. Secrets answer ****; sending **** back keeps them.">
      {({ id, describedBy, invalid }) => (
        <textarea id={id} rows={14} spellCheck={false} className="code" value={text} disabled={disabled}
          aria-describedby={describedBy} aria-invalid={invalid || undefined} onChange={(e) => { setText(e.target.value); }} />
      )}
    </Field>
  );
}

/** JSON.parse with the problem in words. */
function parseSettings(text: string): Values {
  let parsed: unknown;
  try { parsed = JSON.parse(text); } catch (e) { throw new SettingsError(`The settings are not valid JSON: ${messageOf(e)}`); }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new SettingsError('The settings must be a JSON object, { … }.');
  return parsed as Values;
}
class SettingsError extends Error { readonly target = 'settings'; }

function ProfileEditor({ existing, readOnly = false, onDone, onCancel }: { existing?: Profile; readOnly?: boolean; onDone: (id: string) => void; onCancel?: () => void }) {
  const initialKind = existing ? kindOf(existing['@odata.type']) : undefined;
  const [family, setFamily] = useState<Family>(initialKind?.family ?? 'wifi');
  const [os, setOs] = useState<Os>(initialKind?.os ?? 'iOS');
  const form = useForm(existing ? { ...existing, description: existing.description ?? '' } : { displayName: '', description: '', wiFiSecurityType: 'wpa2Personal', wifiSecurityType: 'wpa2Personal', connectAutomatically: true });
  const [jsonText, setJsonText] = useState(() => (existing ? settingsJson(existing) : ''));
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  const bound = { ...form, disabled: readOnly };
  const type = existing ? existing['@odata.type'].replace(/^#?microsoft\.graph\./, '') : TYPES[family][os];
  const usesJson = existing ? !initialKind || (initialKind.family !== 'wifi' && initialKind.family !== 'restrictions') : family !== 'wifi' && family !== 'restrictions';

  function choose(f: Family, o: Os) {
    setFamily(f); setOs(o);
    if (f !== 'wifi' && f !== 'restrictions') setJsonText(JSON.stringify(TEMPLATES[f][o] ?? {}, null, 2));
  }

  function formBody(): Values {
    const body: Values = { displayName: form.values.displayName, description: form.values.description === '' ? null : form.values.description };
    if (family === 'wifi') {
      const security = os === 'windows' ? 'wifiSecurityType' : 'wiFiSecurityType';
      for (const k of ['ssid', 'networkName', security, 'preSharedKey', 'connectAutomatically', 'connectWhenNetworkNameIsHidden']) {
        const v = form.values[k];
        if (v !== '' && v !== undefined) body[k] = v;
      }
      if (os === 'windows' && !body.networkName) body.networkName = body.ssid;
      if (!['wpaPersonal', 'wpa2Personal', 'wep'].includes(String(body[security]))) delete body.preSharedKey;
    } else {
      for (const [kind, name] of RESTRICTIONS[os]) {
        const v = form.values[name];
        if (kind === 'check') body[name] = v === true;
        else if (typeof v === 'number' || existing) body[name] = typeof v === 'number' ? v : null;
      }
    }
    return body;
  }

  async function submit() {
    setBusy(true); form.setError(undefined); setSaved(false);
    try {
      const body = usesJson
        ? { ...parseSettings(jsonText), displayName: form.values.displayName, description: form.values.description === '' ? null : form.values.description }
        : formBody();
      if (!type) throw new Error(`${FAMILIES.find(([f]) => f === family)?.[1] ?? family} profiles are not available for ${os}.`);
      if (existing) {
        await graph('PATCH', `${BASE}/${existing.id}`, body);
        setSaved(true);
        onDone(existing.id);
      } else {
        const created = await graph<Profile>('POST', BASE, { '@odata.type': `#microsoft.graph.${type}`, ...body });
        onDone(created.id);
      }
    } catch (e) {
      form.setError(e);
    } finally {
      setBusy(false);
    }
  }

  const shownFields = ['displayName', 'description', ...(usesJson ? ['settings'] : family === 'wifi' ? ['ssid', 'networkName', 'wiFiSecurityType', 'wifiSecurityType', 'preSharedKey', 'connectAutomatically', 'connectWhenNetworkNameIsHidden'] : RESTRICTIONS[os].map(([, n]) => n))];
  const jsonError = usesJson && form.error !== undefined && errorFor(form.error, 'displayName') === undefined && errorFor(form.error, 'description') === undefined ? form.error : undefined;
  return (
    <form className="editor" onSubmit={(e) => { e.preventDefault(); void submit(); }} aria-label={existing ? 'Profile settings' : 'New configuration profile'}>
      {existing ? <h2>Settings</h2> : null}
      {!existing ? (
        <div className="row">
          <div className="field">
            <label htmlFor="dc-family">Kind</label>
            <select id="dc-family" value={family} onChange={(e) => { choose(e.target.value as Family, os); }}>
              {FAMILIES.map(([f, label]) => <option key={f} value={f}>{label}</option>)}
            </select>
          </div>
          <div className="field">
            <label htmlFor="dc-os">Platform</label>
            <select id="dc-os" value={os} onChange={(e) => { choose(family, e.target.value as Os); }}>
              {OSES.map(([o, label]) => <option key={o} value={o} disabled={!TYPES[family][o]}>{label}{TYPES[family][o] ? '' : ' (not available)'}</option>)}
            </select>
          </div>
        </div>
      ) : null}
      <TextField form={bound} name="displayName" label="Name" required />
      <TextField form={bound} name="description" label="Description" />
      {usesJson
        ? <JsonSettings text={jsonText} setText={setJsonText} error={jsonError} disabled={readOnly} />
        : family === 'wifi' ? <WifiFields form={bound} os={os} /> : <RestrictionFields form={bound} os={os} />}
      {usesJson ? (jsonError !== undefined ? null : <FormError error={form.error} fields={shownFields} />) : <FormError error={form.error} fields={shownFields} />}
      {!readOnly ? (
        <div className="buttons">
          <button type="submit" className="primary" disabled={busy}>{busy ? 'Saving…' : existing ? 'Save changes' : 'Create profile'}</button>
          {onCancel ? <button type="button" onClick={onCancel}>Cancel</button> : null}
          <span aria-live="polite">{saved ? ' Saved.' : ''}</span>
        </div>
      ) : <p className="muted">Your role allows reading this profile, not changing it.</p>}
    </form>
  );
}
