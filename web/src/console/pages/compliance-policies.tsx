// Compliance policies: the list, a form per platform (iOS/iPadOS, macOS, Windows) with the API's
// validation errors next to the field they name, the assignments and the device status.
import { useState } from 'react';
import { Link } from 'react-router';
import { PageHeader } from '../../common/layout.js';
import {
  CheckField, ErrorText, FormError, NumberField, SelectField, TextField, compact, formatDate, graph, useCan, useForm, useData,
  type Values } from './admin-kit.js';
import { AssignmentsEditor, DeviceStatusPanel, PolicyList, PolicyRoutes } from './policy-parts.js';

const BASE = '/deviceManagement/deviceCompliancePolicies';
const OP = 'Microsoft.Intune_DeviceCompliancePolices';

type Platform = 'iosCompliancePolicy' | 'macOSCompliancePolicy' | 'windows10CompliancePolicy';
const PLATFORMS: readonly (readonly [Platform, string])[] = [
  ['iosCompliancePolicy', 'iOS/iPadOS'], ['macOSCompliancePolicy', 'macOS'], ['windows10CompliancePolicy', 'Windows 10 and later'],
];
const platformName = (odataType: string) => PLATFORMS.find(([t]) => odataType.endsWith(`.${t}`))?.[1] ?? odataType.replace('#microsoft.graph.', '');

type FieldSpec = readonly [kind: 'text' | 'number' | 'check' | 'passwordType', name: string, label: string];
const PASSWORD_TYPES = [['', 'Device default'], ['alphanumeric', 'Alphanumeric'], ['numeric', 'Numeric']] as const;

/** The settings each platform's form shows (Steward evaluates these; docs/api.md lists which). */
const SETTINGS: Record<Platform, readonly FieldSpec[]> = {
  iosCompliancePolicy: [
    ['text', 'osMinimumVersion', 'Minimum OS version'],
    ['text', 'osMaximumVersion', 'Maximum OS version'],
    ['check', 'passcodeRequired', 'Require a passcode'],
    ['check', 'passcodeBlockSimple', 'Block simple passcodes'],
    ['number', 'passcodeMinimumLength', 'Minimum passcode length'],
    ['passwordType', 'passcodeRequiredType', 'Required passcode type'],
    ['number', 'passcodeMinutesOfInactivityBeforeLock', 'Minutes of inactivity before the passcode is required'],
    ['number', 'passcodeExpirationDays', 'Passcode expiration (days)'],
    ['check', 'securityBlockJailbrokenDevices', 'Block jailbroken devices'],
  ],
  macOSCompliancePolicy: [
    ['text', 'osMinimumVersion', 'Minimum OS version'],
    ['text', 'osMaximumVersion', 'Maximum OS version'],
    ['check', 'storageRequireEncryption', 'Require FileVault encryption'],
    ['check', 'systemIntegrityProtectionEnabled', 'Require System Integrity Protection'],
    ['check', 'firewallEnabled', 'Require the firewall'],
    ['check', 'firewallBlockAllIncoming', 'Firewall blocks all incoming connections'],
    ['check', 'firewallEnableStealthMode', 'Firewall stealth mode'],
    ['check', 'passwordRequired', 'Require a password'],
    ['number', 'passwordMinimumLength', 'Minimum password length'],
  ],
  windows10CompliancePolicy: [
    ['text', 'osMinimumVersion', 'Minimum OS version (such as 10.0.22631)'],
    ['text', 'osMaximumVersion', 'Maximum OS version'],
    ['check', 'bitLockerEnabled', 'Require BitLocker'],
    ['check', 'storageRequireEncryption', 'Require encryption of data storage'],
    ['check', 'secureBootEnabled', 'Require Secure Boot'],
    ['check', 'tpmRequired', 'Require a TPM'],
    ['check', 'activeFirewallRequired', 'Require an active firewall'],
    ['check', 'antivirusRequired', 'Require antivirus'],
    ['check', 'antiSpywareRequired', 'Require antispyware'],
    ['check', 'defenderEnabled', 'Require Microsoft Defender'],
    ['check', 'passwordRequired', 'Require a password'],
    ['number', 'passwordMinimumLength', 'Minimum password length'],
  ],
};

interface Policy extends Values {
  id: string; '@odata.type': string; displayName: string; description: string | null; version: number; lastModifiedDateTime: string;
  scheduledActionsForRule?: { scheduledActionConfigurations: { actionType: string; gracePeriodHours: number }[] }[];
}

const HOME = '/compliance-policies';

/** /compliance-policies (the list), /compliance-policies/new and /compliance-policies/:id. */
export default function CompliancePoliciesPage() {
  return <PolicyRoutes home={HOME} newTitle="New compliance policy" allLabel="All compliance policies" Editor={PolicyEditor} Detail={PolicyDetail} List={CompliancePolicyList} />;
}

function CompliancePolicyList() {
  const can = useCan();
  return (
    <PolicyList home={HOME} basePath={BASE} title="Compliance policies" newLabel="New policy" canCreate={can(`${OP}_Create`)} typeHeader="Platform" typeWords={platformName}
      empty="No compliance policies yet. Without one, devices count as compliant unless the tenant is secure by default." />
  );
}

function PolicyDetail({ id, onBack }: { id: string; onBack: () => void }) {
  const can = useCan();
  const [refresh, setRefresh] = useState(0);
  const policy = useData(() => graph<Policy>('GET', `${BASE}/${id}?$expand=scheduledActionsForRule`), [id, refresh]);
  const [deleteError, setDeleteError] = useState<unknown>();

  async function remove() {
    if (!window.confirm(`Delete the compliance policy ${policy.data?.displayName ?? ''}? Devices it applies to are evaluated again without it.`)) return;
    try { await graph('DELETE', `${BASE}/${id}`); onBack(); } catch (e) { setDeleteError(e); }
  }

  return (
    <section>
      <PageHeader title={policy.data?.displayName ?? 'Compliance policy'} />
      <p><Link to={HOME}>← All compliance policies</Link></p>
      <ErrorText error={policy.error} />
      {policy.data ? (
        <>
          <p>{platformName(policy.data['@odata.type'])} · version {policy.data.version} · modified {formatDate(policy.data.lastModifiedDateTime)}</p>
          <PolicyEditor existing={policy.data} readOnly={!can(`${OP}_Update`)} onDone={() => { setRefresh((n) => n + 1); }} />
          <AssignmentsEditor basePath={BASE} id={id} canAssign={can(`${OP}_Assign`)} onSaved={() => { setRefresh((n) => n + 1); }} />
          <DeviceStatusPanel basePath={BASE} id={id} refreshKey={refresh} />
          {can(`${OP}_Delete`) ? (
            <p><button type="button" className="danger" onClick={() => { void remove(); }}>Delete policy</button></p>
          ) : null}
          <ErrorText error={deleteError} />
        </>
      ) : null}
    </section>
  );
}

function initialValues(existing?: Policy): Values {
  if (!existing) return { displayName: '', description: '', gracePeriodHours: 0 };
  const grace = existing.scheduledActionsForRule?.[0]?.scheduledActionConfigurations.find((a) => a.actionType === 'block')?.gracePeriodHours ?? 0;
  return { ...existing, description: existing.description ?? '', gracePeriodHours: grace };
}

/** Create (platform chosen first) or edit a policy; the API's validation error lands on the field it names. */
function PolicyEditor({ existing, readOnly = false, onDone, onCancel }: { existing?: Policy; readOnly?: boolean; onDone: (id: string) => void; onCancel?: () => void }) {
  const [platform, setPlatform] = useState<Platform>(() => (PLATFORMS.find(([t]) => existing?.['@odata.type'].endsWith(`.${t}`))?.[0] ?? 'iosCompliancePolicy'));
  const form = useForm(initialValues(existing));
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  const bound = { ...form, disabled: readOnly };
  const specs = SETTINGS[platform];

  async function submit() {
    setBusy(true); form.setError(undefined); setSaved(false);
    const body: Values = {
      displayName: form.values.displayName,
      description: form.values.description === '' ? null : form.values.description,
      scheduledActionsForRule: [{ ruleName: 'PasswordRequired', scheduledActionConfigurations: [{ actionType: 'block', gracePeriodHours: Number(form.values.gracePeriodHours ?? 0), notificationTemplateId: '' }] }],
    };
    for (const [kind, name] of specs) {
      const v = form.values[name];
      if (kind === 'check') body[name] = v === true;
      else if (existing || (v !== '' && v !== null && v !== undefined)) body[name] = v === '' ? null : v;
    }
    try {
      if (existing) {
        await graph('PATCH', `${BASE}/${existing.id}`, body);
        setSaved(true);
        onDone(existing.id);
      } else {
        const created = await graph<Policy>('POST', BASE, { '@odata.type': `#microsoft.graph.${platform}`, ...compact(body) });
        onDone(created.id);
      }
    } catch (e) {
      form.setError(e);
    } finally {
      setBusy(false);
    }
  }

  const fieldNames = ['displayName', 'description', 'gracePeriodHours', 'scheduledActionsForRule', ...specs.map(([, n]) => n)];
  return (
    <form className="editor" onSubmit={(e) => { e.preventDefault(); void submit(); }} aria-label={existing ? 'Policy settings' : 'New compliance policy'}>
      {existing ? <h2>Settings</h2> : null}
      {!existing ? (
        <div className="field">
          <label htmlFor="cp-platform">Platform</label>
          <select id="cp-platform" value={platform} onChange={(e) => { setPlatform(e.target.value as Platform); }}>
            {PLATFORMS.map(([t, label]) => <option key={t} value={t}>{label}</option>)}
          </select>
        </div>
      ) : null}
      <TextField form={bound} name="displayName" label="Name" required />
      <TextField form={bound} name="description" label="Description" />
      <fieldset>
        <legend>Settings</legend>
        {specs.map(([kind, name, label]) => {
          switch (kind) {
            case 'text': return <TextField key={name} form={bound} name={name} label={label} />;
            case 'number': return <NumberField key={name} form={bound} name={name} label={label} />;
            case 'check': return <CheckField key={name} form={bound} name={name} label={label} />;
            case 'passwordType': return <SelectField key={name} form={bound} name={name} label={label} options={PASSWORD_TYPES} />;
          }
        })}
      </fieldset>
      <fieldset>
        <legend>Actions for noncompliance</legend>
        <NumberField form={bound} name="gracePeriodHours" label="Mark noncompliant after (hours of grace)" min={0} hint="0 marks a failing device noncompliant at once." />
      </fieldset>
      <FormError error={form.error} fields={fieldNames} />
      {!readOnly ? (
        <div className="buttons">
          <button type="submit" className="primary" disabled={busy}>{busy ? 'Saving…' : existing ? 'Save changes' : 'Create policy'}</button>
          {onCancel ? <button type="button" onClick={onCancel}>Cancel</button> : null}
          <span aria-live="polite">{saved ? ' Saved.' : ''}</span>
        </div>
      ) : <p className="muted">Your role allows reading this policy, not changing it.</p>}
    </form>
  );
}
