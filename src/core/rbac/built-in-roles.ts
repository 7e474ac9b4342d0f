// Intune's built-in role definitions, as data Steward enforces. Built-in roles are the same in
// every tenant and cannot be changed; GET /deviceManagement/roleDefinitions returns them with
// isBuiltIn: true and their operations in rolePermissions[].resourceActions[].allowedResourceActions.
//
// Sources (read 2026):
// - Operations of each role: "Built-in role permissions for Microsoft Intune", the revision of
//   2025-06-09 (MicrosoftDocs/memdocs intune/intune-service/fundamentals/role-based-access-control-reference.md),
//   https://learn.microsoft.com/intune/intune-service/fundamentals/role-based-access-control-reference
//   (formerly /mem/intune/fundamentals/role-based-access-control-reference). The page names
//   operations by category and action; resource-operations.ts pairs those names with ids.
// - Role descriptions: the same page (they are the roles' `description` values).
// - Role ids: Intune uses the same ids in every tenant. Those below are the ones in
//   deploymenttheory/terraform-provider-microsoft365 (graph_beta/role_definition/constants.go),
//   Microsoft365DSC's IntuneRoleAssignment example (Help Desk Operator) and Microsoft Graph's
//   own roleAssignments example (School Administrator, 2f9f4f7e-…). Intune Administrator is not an
//   Intune role definition at all (see below); its id is Steward's own.
//
// Steward's judgement, not Microsoft's:
// - Intune Administrator. In Microsoft's world "Intune Administrator" (formerly Intune Service
//   Administrator) is an Entra directory role with full rights over Intune; Intune's role list
//   does not contain it. Steward has no directory roles, so it models it as a built-in role
//   granting every operation in the catalogue, Steward extensions included. Like the Entra
//   role, scope tags do not limit it (its assignments' scope groups still do; grants.ts).
// - The Steward extension operations (users, groups, licences, API clients) in each role: Entra
//   roles cover them in Microsoft's world, so nothing on the reference page says who gets them.
//   See `stewardGrants` below for who gets what and why.
// - Endpoint Privilege Manager, Endpoint Privilege Reader and Organizational Messages Manager
//   (also built-in roles on the reference page) are not modelled yet: Steward has none of those
//   features.

import type { ResourceOperation } from '../auth/principal.js';
import { resourceOperations } from './resource-operations.js';

export interface RoleDefinitionData {
  id: string;
  displayName: string;
  description: string;
  isBuiltIn: true;
  allowed: readonly ResourceOperation[];
}

/** `ops('RemoteTasks', ['Wipe', 'Retire'])` → Microsoft.Intune_RemoteTasks_Wipe, …_Retire. */
function ops(resource: string, actions: readonly string[]): ResourceOperation[] {
  return actions.map((action): ResourceOperation => `Microsoft.Intune_${resource}_${action}`);
}

const CRUD = ['Create', 'Delete', 'Read', 'Update'] as const;
const CRUDA = [...CRUD, 'Assign'] as const;
const CRUDA_REPORTS = [...CRUDA, 'ViewReports'] as const;

// Operations that several roles share, each exactly as the reference page lists it.
const cloudAttachViews = ['Applications', 'ClientDetails', 'Collections', 'ResourceExplorer', 'Scripts', 'SoftwareUpdates', 'Timeline'];
const cloudAttachAll = [...cloudAttachViews, 'ApplicationActions', 'CMPivot', 'EnrollNow', 'ScriptActions'];
const enrollmentProgramsRead = [
  ...ops('AppleDeviceSerialNumbers', ['Read']), ...ops('AppleEnrollmentProfiles', ['Read']), ...ops('EnrollmentProgramToken', ['Read']),
];

/**
 * Steward extension operations per role (Steward's judgement; Microsoft leaves these to Entra roles).
 * - Read Only Operator: every extension Read (users, groups, API clients; never secrets).
 * - Help Desk Operator: users and groups Read, to find the user or group a device belongs to.
 * - School Administrator: users Read; groups Read, Create and Update, because school IT keeps
 *   class and device groups itself (as in Intune for Education); no user changes, deletions or
 *   licences, which stay with the Intune Administrator.
 * - Endpoint Security Manager: users and groups Read (it sets primary users and assigns policies).
 * - Policy and Profile Manager, Application Manager: groups Read, to pick assignment targets.
 * - Intune Role Administrator: users and groups Read, to pick role members and scope groups.
 */
const stewardGrants = {
  readOnly: [...ops('Users', ['Read']), ...ops('Groups', ['Read']), ...ops('ApiClients', ['Read'])],
  directoryRead: [...ops('Users', ['Read']), ...ops('Groups', ['Read'])],
  groupsRead: ops('Groups', ['Read']),
  school: [...ops('Users', ['Read']), ...ops('Groups', ['Create', 'Read', 'Update'])],
};

const applicationManager: RoleDefinitionData = {
  id: 'c1d9fcbb-cba5-40b0-bf6b-527006585f4b',
  displayName: 'Application Manager',
  description: 'Application Managers manage mobile and managed applications, can read device information and can view device configuration profiles.',
  isBuiltIn: true,
  allowed: [
    ...ops('AndroidSync', ['Read', 'UpdateApps']),
    ...ops('CertificateConnector', ['Read']),
    ...ops('CloudAttach', ['ApplicationActions', 'Applications', 'ClientDetails', 'Collections', 'ResourceExplorer', 'SoftwareUpdates', 'Timeline']),
    ...ops('Customization', ['Read']),
    ...ops('DerivedCredentials', ['Read']),
    ...ops('DeviceConfigurations', ['Read']),
    ...ops('AssignmentFilter', CRUD),
    ...ops('ManagedApps', [...CRUDA, 'Wipe']),
    ...ops('ManagedDevices', ['Read']),
    ...ops('MicrosoftDefenderATP', ['Read']),
    ...ops('MicrosoftStoreForBusiness', ['Read']),
    ...ops('MobileApps', [...CRUDA, 'Relate']),
    ...ops('MobileThreatDefense', ['Read']),
    ...ops('Organization', ['Read']),
    ...ops('PartnerDeviceManagement', ['Read']),
    ...ops('PolicySets', CRUDA),
    ...ops('WindowsEnterpriseCertificate', ['Read']),
    ...stewardGrants.groupsRead,
  ],
};

const endpointSecurityManager: RoleDefinitionData = {
  id: 'c56d53a2-73d0-4502-b6bd-4a9d3dba28d5',
  displayName: 'Endpoint Security Manager',
  description: 'Manages security and compliance features such as security baselines, device compliance, Conditional Access, and Microsoft Defender ATP.',
  isBuiltIn: true,
  allowed: [
    ...ops('AndroidSync', ['Read']),
    ...ops('AndroidFota', ['Read']),
    ...ops('AppControlPolicy', CRUDA_REPORTS),
    ...ops('ASRPolicy', CRUDA_REPORTS),
    ...ops('Audit', ['Read']),
    ...ops('CertificateConnector', ['Read']),
    ...ops('CloudAttach', ['ClientDetails', 'CMPivot', 'Collections', 'ResourceExplorer', 'Scripts', 'SoftwareUpdates', 'Timeline']),
    ...ops('CorporateDeviceIdentifiers', ['Read']),
    ...ops('Customization', ['Read']),
    ...ops('DerivedCredentials', ['Read']),
    ...ops('DeviceCompliancePolices', CRUDA_REPORTS),
    ...ops('DeviceConfigurations', ['Read', 'ViewReports']),
    ...ops('DeviceEnrollmentManagers', ['Read']),
    ...ops('EndpointAnalytics', ['Read']),
    ...ops('EDRPolicy', CRUDA_REPORTS),
    ...ops('EpmPolicy', [...CRUDA_REPORTS, 'ViewElevationRequests', 'ModifyElevationRequests']),
    ...ops('EndpointProtection', ['Read']),
    ...enrollmentProgramsRead,
    ...ops('AssignmentFilter', ['Read']),
    ...ops('Reports', ['Read']),
    ...ops('ManagedApps', ['Read']),
    ...ops('ManagedDevices', ['Delete', 'Read', 'SetPrimaryUser', 'Update', 'ViewReports']),
    ...ops('MicrosoftDefenderATP', ['Read']),
    ...ops('MicrosoftStoreForBusiness', ['Read']),
    ...ops('MobileThreatDefense', ['Modify', 'Read']),
    ...ops('MobileApps', ['Read']),
    ...ops('Organization', ['Read']),
    ...ops('PartnerDeviceManagement', ['Read']),
    ...ops('PolicySets', ['Read']),
    ...ops('RemoteAssistance', ['Read', 'ViewReports']),
    ...ops('RemoteTasks', [
      'ConfigurationManagerAction', 'GetFileVaultKey', 'RebootNow', 'RemoteLock', 'RotateBitLockerKeys',
      'RotateFileVaultKey', 'ShutDown', 'SyncDevice', 'WindowsDefender',
    ]),
    ...ops('Roles', ['Read']),
    ...ops('SecurityBaselines', CRUDA),
    ...ops('SecurityTasks', ['Read', 'Update']),
    ...ops('TelecomExpenses', ['Read']),
    ...ops('TermsAndConditions', ['Read']),
    ...ops('WindowsEnterpriseCertificate', ['Read']),
    ...stewardGrants.directoryRead,
  ],
};

const helpDeskOperator: RoleDefinitionData = {
  id: '9e0cc482-82df-4ab2-a24c-0c23a3f52e1e',
  displayName: 'Help Desk Operator',
  description: 'Help Desk Operators perform remote tasks on users and devices and can assign applications or policies to users or devices.',
  isBuiltIn: true,
  allowed: [
    ...ops('AndroidSync', ['Read']),
    ...ops('AndroidFota', ['Read']),
    ...ops('AppControlPolicy', ['Read']),
    ...ops('ASRPolicy', ['Read']),
    ...ops('Audit', ['Read']),
    ...ops('CertificateConnector', ['Read']),
    ...ops('CloudAttach', cloudAttachAll),
    ...ops('CorporateDeviceIdentifiers', ['Read']),
    ...ops('Customization', ['Read']),
    ...ops('DerivedCredentials', ['Read']),
    ...ops('DeviceCompliancePolices', ['Read', 'ViewReports']),
    ...ops('DeviceConfigurations', ['Read', 'ViewReports']),
    ...ops('DeviceEnrollmentManagers', ['Read']),
    ...ops('EndpointAnalytics', ['Read']),
    ...ops('EDRPolicy', ['Read']),
    ...ops('EndpointProtection', ['Read']),
    ...enrollmentProgramsRead,
    ...ops('AssignmentFilter', ['Read']),
    ...ops('ManagedApps', ['Assign', 'Read', 'Wipe']),
    ...ops('ManagedDevices', ['Read', 'SetPrimaryUser', 'Update', 'ViewReports']),
    ...ops('MicrosoftDefenderATP', ['Read']),
    ...ops('MicrosoftStoreForBusiness', ['Read']),
    ...ops('MobileApps', ['Assign', 'Read']),
    ...ops('MobileThreatDefense', ['Read']),
    ...ops('Organization', ['Read']),
    ...ops('PartnerDeviceManagement', ['Read']),
    ...ops('PolicySets', ['Read']),
    ...ops('RemoteAssistance', ['Read']),
    ...ops('RemoteAssistanceApp', ['Elevation', 'TakeFullControl', 'ViewScreen']),
    ...ops('RemoteTasks', [
      'ActivateDeviceEsim', 'CleanPC', 'ConfigurationManagerAction', 'CustomNotification', 'DeviceLogs',
      'DisableLostMode', 'EnableLostMode', 'EnableWindowsIntuneAgent', 'GetFileVaultKey', 'InitiateMDMKeyRecovery',
      'LocateDevice', 'ManageSharedDeviceUsers', 'OnDemandProactiveRemediation', 'PlayLostModeSound', 'RebootNow',
      'RemoteLock', 'RequestRemoteAssistance', 'ResetPasscode', 'Retire', 'RevokeAppleVppLicenses',
      'RotateBitLockerKeys', 'RotateFileVaultKey', 'SetDeviceName', 'ShutDown', 'SyncDevice',
      'UpdateDeviceAccount', 'WindowsDefender', 'Wipe',
    ]),
    ...ops('Roles', ['Read']),
    ...ops('SecurityBaselines', ['Read']),
    ...ops('ServiceNow', ['ViewIncidents']),
    ...ops('TelecomExpenses', ['Read']),
    ...ops('TermsAndConditions', ['Read']),
    ...ops('WindowsEnterpriseCertificate', ['Read']),
    ...stewardGrants.directoryRead,
  ],
};

const intuneRoleAdministrator: RoleDefinitionData = {
  id: 'fb2603eb-3c87-4be3-8b5b-d58a5b4a0bc0',
  displayName: 'Intune Role Administrator',
  description: 'Intune Role Administrators manage custom Intune roles and add assignments for built-in Intune roles. It\'s the only Intune role that can assign permissions to Administrators.',
  isBuiltIn: true,
  allowed: [
    ...ops('Organization', ['Read']),
    ...ops('Roles', CRUDA),
    ...stewardGrants.directoryRead,
  ],
};

const policyAndProfileManager: RoleDefinitionData = {
  id: '0bd113fe-6be5-400c-a28f-ae5553f9c0be',
  // Intune spells it with a lower-case "manager".
  displayName: 'Policy and Profile manager',
  description: 'Policy and Profile Managers manage compliance policy, configuration profiles, Apple enrollment, and corporate device identifiers.',
  isBuiltIn: true,
  allowed: [
    ...ops('AndroidSync', ['Read', 'UpdateApps', 'UpdateEnrollmentProfiles', 'UpdateOnboarding']),
    ...ops('AndroidFota', ['Read']),
    ...ops('Audit', ['Read']),
    ...ops('CertificateConnector', ['Read']),
    ...ops('CloudAttach', cloudAttachViews),
    ...ops('CorporateDeviceIdentifiers', CRUD),
    ...ops('DerivedCredentials', ['Read']),
    ...ops('DeviceCompliancePolices', CRUDA_REPORTS),
    ...ops('DeviceConfigurations', CRUDA_REPORTS),
    ...ops('AppleDeviceSerialNumbers', CRUD),
    ...ops('AppleEnrollmentProfiles', CRUDA),
    ...ops('EnrollmentProgramToken', CRUD),
    ...ops('EnrollmentProfiles', ['EnrollmentTimeMembershipAssign']),
    ...ops('AssignmentFilter', CRUD),
    ...ops('ManagedApps', CRUDA),
    ...ops('MicrosoftDefenderATP', ['Read']),
    ...ops('MobileThreatDefense', ['Read']),
    ...ops('WindowsOSRecovery', CRUDA),
    ...ops('Organization', ['Read']),
    ...ops('PartnerDeviceManagement', ['Read']),
    ...ops('PolicySets', CRUDA),
    ...ops('QuietTimePolicies', CRUDA_REPORTS),
    ...stewardGrants.groupsRead,
  ],
};

const readOnlyOperator: RoleDefinitionData = {
  id: 'fa1d7878-e8cb-41a1-8254-0142355c9f84',
  displayName: 'Read Only Operator',
  description: 'Read Only Operators view user, device, enrollment, configuration, application information, and can\'t make changes to Intune.',
  isBuiltIn: true,
  allowed: [
    ...ops('AndroidSync', ['Read']),
    ...ops('AndroidFota', ['Read']),
    ...ops('AppControlPolicy', ['Read']),
    ...ops('ASRPolicy', ['Read']),
    ...ops('Audit', ['Read']),
    ...ops('CertificateConnector', ['Read']),
    ...ops('CloudAttach', cloudAttachViews),
    ...ops('CorporateDeviceIdentifiers', ['Read']),
    ...ops('Customization', ['Read']),
    ...ops('DerivedCredentials', ['Read']),
    ...ops('DeviceCompliancePolices', ['Read', 'ViewReports']),
    ...ops('DeviceConfigurations', ['Read', 'ViewReports']),
    ...ops('DeviceEnrollmentManagers', ['Read']),
    ...ops('EndpointAnalytics', ['Read']),
    ...ops('EDRPolicy', ['Read']),
    ...ops('EpmPolicy', ['Read', 'ViewReports']),
    ...ops('EndpointProtection', ['Read']),
    ...enrollmentProgramsRead,
    ...ops('AssignmentFilter', ['Read']),
    ...ops('Reports', ['Read']),
    ...ops('ManagedApps', ['Read']),
    ...ops('ManagedDevices', ['Read', 'ViewReports']),
    ...ops('MicrosoftDefenderATP', ['Read']),
    ...ops('MicrosoftStoreForBusiness', ['Read']),
    ...ops('MobileApps', ['Read']),
    ...ops('MobileThreatDefense', ['Read']),
    ...ops('Organization', ['Read']),
    ...ops('PartnerDeviceManagement', ['Read']),
    ...ops('PolicySets', ['Read']),
    ...ops('QuietTimePolicies', ['Read', 'ViewReports']),
    ...ops('RemoteAssistance', ['Read', 'ViewReports']),
    // Microsoft's choice: reading a Mac's FileVault recovery key counts as reading.
    ...ops('RemoteTasks', ['GetFileVaultKey']),
    ...ops('Roles', ['Read']),
    ...ops('SecurityBaselines', ['Read']),
    ...ops('ServiceNow', ['ViewIncidents']),
    ...ops('TelecomExpenses', ['Read']),
    ...ops('TermsAndConditions', ['Read']),
    ...ops('WindowsEnterpriseCertificate', ['Read']),
    ...stewardGrants.readOnly,
  ],
};

const schoolAdministrator: RoleDefinitionData = {
  id: '2f9f4f7e-2d13-427b-adf2-361a1eef7ae8',
  displayName: 'School Administrator',
  description: 'School Administrators can manage apps and settings for their groups. They can take remote actions on devices, including remotely locking them, restarting them, and retiring them from management.',
  isBuiltIn: true,
  allowed: [
    ...ops('Audit', ['Read']),
    ...ops('CertificateConnector', ['Modify', 'Read']),
    ...ops('CloudAttach', cloudAttachAll),
    ...ops('Customization', CRUDA),
    ...ops('DerivedCredentials', ['Read']),
    ...ops('DeviceConfigurations', CRUDA),
    ...ops('DeviceEnrollmentManagers', ['Read', 'Update']),
    ...ops('EndpointAnalytics', CRUD),
    ...ops('AppleEnrollmentProfiles', CRUDA),
    ...ops('EnrollmentProgramToken', CRUD),
    // Delete, Read and Sync device; not Create device.
    ...ops('AppleDeviceSerialNumbers', ['Delete', 'Read', 'Update']),
    ...ops('EnrollmentProfiles', ['EnrollmentTimeMembershipAssign']),
    ...ops('AssignmentFilter', CRUD),
    ...ops('ManagedApps', CRUD),
    ...ops('ManagedDevices', ['Delete', 'Read', 'SetPrimaryUser', 'Update']),
    ...ops('MicrosoftDefenderATP', ['Read']),
    ...ops('MicrosoftStoreForBusiness', ['Modify', 'Read']),
    ...ops('MobileApps', [...CRUDA, 'Relate']),
    ...ops('MobileThreatDefense', ['Read']),
    ...ops('Organization', ['Read']),
    ...ops('PartnerDeviceManagement', ['Read']),
    ...ops('PolicySets', CRUDA),
    ...ops('RemoteAssistance', ['Read', 'Update', 'ViewReports']),
    ...ops('RemoteAssistanceApp', ['Elevation', 'TakeFullControl', 'ViewScreen']),
    ...ops('RemoteTasks', [
      'ActivateDeviceEsim', 'ChangeAssignments', 'CleanPC', 'ConfigurationManagerAction', 'DeviceLogs',
      'DisableLostMode', 'EnableLostMode', 'InitiateDeviceAttestation', 'InitiateMDMKeyRecovery', 'LocateDevice',
      'OnDemandProactiveRemediation', 'PlayLostModeSound', 'RebootNow', 'RemoteLock', 'RequestRemoteAssistance',
      'ResetPasscode', 'Retire', 'SetDeviceName', 'SyncDevice', 'Wipe',
    ]),
    ...ops('Reports', ['Read']),
    ...ops('ServiceNow', ['ViewIncidents']),
    ...ops('TermsAndConditions', CRUDA),
    ...ops('WindowsEnterpriseCertificate', ['Modify', 'Read']),
    ...stewardGrants.school,
  ],
};

const intuneAdministrator: RoleDefinitionData = {
  // Steward's own id: Microsoft has no Intune role definition for this (it is an Entra role).
  id: 'f04d9dbc-b24e-443f-8ba0-f6f9616cdb08',
  displayName: 'Intune Administrator',
  description: 'Intune Administrators can do everything in Steward: every resource operation, including managing users, groups, licences and API clients.',
  isBuiltIn: true,
  allowed: resourceOperations.map((o) => o.id),
};

/** The built-in role that scope tags do not limit (core/rbac/grants.ts). */
export const intuneAdministratorRoleId = intuneAdministrator.id;

export const builtInRoles: readonly RoleDefinitionData[] = [
  intuneAdministrator,
  applicationManager,
  endpointSecurityManager,
  helpDeskOperator,
  intuneRoleAdministrator,
  policyAndProfileManager,
  readOnlyOperator,
  schoolAdministrator,
];

/** The built-in role with this display name, ignoring case ('help desk operator' finds it). */
export function builtInRoleByName(name: string): RoleDefinitionData | undefined {
  const wanted = name.trim().toLowerCase();
  return builtInRoles.find((r) => r.displayName.toLowerCase() === wanted);
}

export function builtInRoleById(id: string): RoleDefinitionData | undefined {
  const wanted = id.toLowerCase();
  return builtInRoles.find((r) => r.id === wanted);
}
