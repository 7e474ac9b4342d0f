// The catalogue of resource operations Steward enforces, as Intune lists them at
// GET /deviceManagement/resourceOperations and as role definitions name them in
// rolePermissions[].resourceActions[].allowedResourceActions.
//
// Sources (read 2026):
// - "Create a custom role in Intune", custom role permissions (category/action and what each allows):
//   https://learn.microsoft.com/intune/intune-service/fundamentals/create-custom-role
//   (MicrosoftDocs/memdocs intune/intune-service/fundamentals/create-custom-role.md)
// - "Built-in role permissions for Microsoft Intune" (resourceName / actionName pairs as Intune
//   shows them): https://learn.microsoft.com/intune/intune-service/fundamentals/role-based-access-control-reference
// - The operation ids (`Microsoft.Intune_<Resource>_<Action>`) are not on those pages. They come
//   from Graph requests that list them: the constants of deploymenttheory/terraform-provider-microsoft365
//   (internal/resources/device_and_app_management/graph_beta/role_definition/), and the permission
//   sets of a community PowerShell module for Intune RBAC (New-IDMRoleDefinition); they agree.
// - resourceOperation (v1.0: id, resourceName, actionName, description; beta adds
//   enabledForScopeValidation): https://learn.microsoft.com/graph/api/resources/intune-rbac-resourceoperation
//
// Where a display name could not be tied to an id with certainty the row says "inferred".
// Descriptions are Steward's own short wording of what the pages say each permission allows.
//
// Intune's own spelling is kept even where it is odd: device compliance policy operations are
// `Microsoft.Intune_DeviceCompliancePolices_*` ("Polices"), audit data is `Audit_Read`, filters
// are `AssignmentFilter_*`, the data warehouse is `Reports_Read`, Android Enterprise is
// `AndroidSync_*` and enrollment programs split into AppleDeviceSerialNumbers, AppleEnrollmentProfiles
// and EnrollmentProgramToken. Scripts written against Intune send these ids; Steward accepts them as is.
//
// enabledForScopeValidation is Steward's judgement (Intune does not publish the values): true where
// the operation acts on particular devices, users or groups, so that a role assignment's scope
// (resourceScopes / scopeMembers) can narrow it: managed devices, remote tasks, Remote Help,
// Configuration Manager device views, app wipe, every Assign (targets must be in scope), and the
// Steward user and group operations.

import type { ResourceOperation } from '../auth/principal.js';

export interface ResourceOperationDef {
  /** 'Microsoft.Intune_ManagedDevices_Read' */
  id: ResourceOperation;
  /** 'Managed devices' */
  resourceName: string;
  /** 'Read' */
  actionName: string;
  description: string;
  enabledForScopeValidation: boolean;
}

const S = 'scoped';
type Row = readonly [id: ResourceOperation, actionName: string, description: string, scope?: typeof S];

function category(resourceName: string, rows: readonly Row[]): ResourceOperationDef[] {
  return rows.map(([id, actionName, description, scope]) => ({
    id, resourceName, actionName, description, enabledForScopeValidation: scope === S,
  }));
}

const intune: readonly ResourceOperationDef[] = [
  ...category('Android Enterprise', [
    ['Microsoft.Intune_AndroidSync_Read', 'Read', 'View the Android Enterprise binding used to sync Managed Google Play apps, and its enrollment prerequisites and profiles.'],
    ['Microsoft.Intune_AndroidSync_UpdateApps', 'Update app sync', 'Change the Android Enterprise app sync configuration, or sync approved apps into Steward.'],
    ['Microsoft.Intune_AndroidSync_UpdateOnboarding', 'Update onboarding', 'Change the Android Enterprise configuration used to enroll devices.'],
    ['Microsoft.Intune_AndroidSync_UpdateEnrollmentProfiles', 'Update enrollment profiles', 'Change Android Enterprise and AOSP device owner enrollment profiles.'],
  ]),
  ...category('Android FOTA', [
    ['Microsoft.Intune_AndroidFota_Assign', 'Assign', 'Assign Android firmware over-the-air deployments to groups.', S],
    ['Microsoft.Intune_AndroidFota_Create', 'Create', 'Create Android firmware over-the-air deployments.'],
    ['Microsoft.Intune_AndroidFota_Delete', 'Delete', 'Delete or cancel pending Android firmware over-the-air deployments and their history.'],
    ['Microsoft.Intune_AndroidFota_Read', 'Read', 'View Android firmware over-the-air deployments, their history and reports.'],
    ['Microsoft.Intune_AndroidFota_Update', 'Update', 'Change or cancel Android firmware over-the-air deployments.'],
  ]),
  ...category('App Control for Business', [
    ['Microsoft.Intune_AppControlPolicy_Assign', 'Assign', 'Assign App Control for Business policies to groups.', S],
    ['Microsoft.Intune_AppControlPolicy_Create', 'Create', 'Create App Control for Business policies.'],
    ['Microsoft.Intune_AppControlPolicy_Delete', 'Delete', 'Delete App Control for Business policies.'],
    ['Microsoft.Intune_AppControlPolicy_Read', 'Read', 'View App Control for Business policies.'],
    ['Microsoft.Intune_AppControlPolicy_Update', 'Update', 'Change App Control for Business policies.'],
    ['Microsoft.Intune_AppControlPolicy_ViewReports', 'View reports', 'View and export App Control for Business reports.'],
  ]),
  ...category('Attack surface reduction', [
    ['Microsoft.Intune_ASRPolicy_Assign', 'Assign', 'Assign attack surface reduction policies to groups.', S],
    ['Microsoft.Intune_ASRPolicy_Create', 'Create', 'Create attack surface reduction policies.'],
    ['Microsoft.Intune_ASRPolicy_Delete', 'Delete', 'Delete attack surface reduction policies.'],
    ['Microsoft.Intune_ASRPolicy_Read', 'Read', 'View attack surface reduction policies.'],
    ['Microsoft.Intune_ASRPolicy_Update', 'Update', 'Change attack surface reduction policies.'],
    ['Microsoft.Intune_ASRPolicy_ViewReports', 'View reports', 'View and export attack surface reduction reports.'],
  ]),
  ...category('Audit data', [
    ['Microsoft.Intune_Audit_Read', 'Read', 'View the audit log of administrative changes.'],
  ]),
  ...category('Certificate Connector', [
    ['Microsoft.Intune_CertificateConnector_Modify', 'Modify', 'Add, remove or change the certificate connectors used to issue certificates.'],
    ['Microsoft.Intune_CertificateConnector_Read', 'Read', 'View the certificate connectors used to issue certificates.'],
  ]),
  // Chrome Enterprise: ids tied to the action names by inference (the connection is an onboarding).
  ...category('Chrome Enterprise', [
    ['Microsoft.Intune_ChromebookSync_Read', 'Read', 'View the Chrome Enterprise connection and ChromeOS device details.'],
    ['Microsoft.Intune_ChromebookSync_UpdateOnboarding', 'Update connection settings', 'Change the Chrome Enterprise connection settings.'],
    ['Microsoft.Intune_ChromebookSync_DeleteOnboarding', 'Delete connection settings', 'Delete the Chrome Enterprise connection settings.'],
  ]),
  ...category('Cloud attached devices', [
    ['Microsoft.Intune_CloudAttach_ApplicationActions', 'Take application actions', 'Run application actions on Configuration Manager cloud attached devices.', S],
    ['Microsoft.Intune_CloudAttach_Applications', 'View applications', 'View the applications of Configuration Manager cloud attached devices.', S],
    ['Microsoft.Intune_CloudAttach_ClientDetails', 'View client details', 'View client details of Configuration Manager cloud attached devices.', S],
    ['Microsoft.Intune_CloudAttach_CMPivot', 'Run CMPivot query', 'Run CMPivot queries on Configuration Manager cloud attached devices.', S],
    ['Microsoft.Intune_CloudAttach_Collections', 'View collections', 'View the collections of Configuration Manager cloud attached devices.', S],
    ['Microsoft.Intune_CloudAttach_EnrollNow', 'Enroll Now', 'Enroll an eligible Configuration Manager device into co-management.', S],
    ['Microsoft.Intune_CloudAttach_ResourceExplorer', 'View resource explorer', 'View the resource explorer of Configuration Manager cloud attached devices.', S],
    ['Microsoft.Intune_CloudAttach_ScriptActions', 'Run script', 'Run scripts on Configuration Manager cloud attached devices.', S],
    ['Microsoft.Intune_CloudAttach_Scripts', 'View scripts', 'View the scripts of Configuration Manager cloud attached devices.', S],
    ['Microsoft.Intune_CloudAttach_SoftwareUpdates', 'View software updates', 'View software updates of Configuration Manager cloud attached devices.', S],
    ['Microsoft.Intune_CloudAttach_Timeline', 'View timeline', 'View the timeline of Configuration Manager cloud attached devices.', S],
  ]),
  ...category('Corporate device identifiers', [
    ['Microsoft.Intune_CorporateDeviceIdentifiers_Create', 'Create', 'Add corporate device identifiers (IMEI or serial numbers), one by one or from a CSV file.'],
    ['Microsoft.Intune_CorporateDeviceIdentifiers_Delete', 'Delete', 'Delete corporate device identifiers.'],
    ['Microsoft.Intune_CorporateDeviceIdentifiers_Read', 'Read', 'View corporate device identifiers.'],
    ['Microsoft.Intune_CorporateDeviceIdentifiers_Update', 'Update', 'Change corporate device identifiers.'],
  ]),
  ...category('Customization', [
    ['Microsoft.Intune_Customization_Assign', 'Assign', 'Assign company portal customizations to groups.', S],
    ['Microsoft.Intune_Customization_Create', 'Create', 'Create company portal customizations.'],
    ['Microsoft.Intune_Customization_Delete', 'Delete', 'Delete company portal customizations.'],
    ['Microsoft.Intune_Customization_Read', 'Read', 'View company portal customizations.'],
    ['Microsoft.Intune_Customization_Update', 'Update', 'Change company portal customizations.'],
  ]),
  ...category('Derived Credentials', [
    ['Microsoft.Intune_DerivedCredentials_Modify', 'Modify', 'Configure the derived credential issuer.'],
    ['Microsoft.Intune_DerivedCredentials_Read', 'Read', 'View the derived credential issuer.'],
  ]),
  ...category('Device compliance policies', [
    ['Microsoft.Intune_DeviceCompliancePolices_Assign', 'Assign', 'Assign device compliance policies to groups.', S],
    ['Microsoft.Intune_DeviceCompliancePolices_Create', 'Create', 'Create device compliance policies.'],
    ['Microsoft.Intune_DeviceCompliancePolices_Delete', 'Delete', 'Delete device compliance policies.'],
    ['Microsoft.Intune_DeviceCompliancePolices_Read', 'Read', 'View device compliance policies.'],
    ['Microsoft.Intune_DeviceCompliancePolices_Update', 'Update', 'Change device compliance policies.'],
    ['Microsoft.Intune_DeviceCompliancePolices_ViewReports', 'View reports', 'View and export device compliance reports.'],
  ]),
  ...category('Device configurations', [
    ['Microsoft.Intune_DeviceConfigurations_Assign', 'Assign', 'Assign device configuration profiles to groups.', S],
    ['Microsoft.Intune_DeviceConfigurations_Create', 'Create', 'Create device configuration profiles.'],
    ['Microsoft.Intune_DeviceConfigurations_Delete', 'Delete', 'Delete device configuration profiles.'],
    ['Microsoft.Intune_DeviceConfigurations_Read', 'Read', 'View device configuration profiles.'],
    ['Microsoft.Intune_DeviceConfigurations_Update', 'Update', 'Change device configuration profiles.'],
    ['Microsoft.Intune_DeviceConfigurations_ViewReports', 'View reports', 'View and export device configuration and endpoint security reports.'],
  ]),
  ...category('Device enrollment managers', [
    ['Microsoft.Intune_DeviceEnrollmentManagers_Read', 'Read', 'View device enrollment manager accounts.'],
    ['Microsoft.Intune_DeviceEnrollmentManagers_Update', 'Update', 'Add or remove device enrollment manager accounts.'],
  ]),
  ...category('Endpoint Analytics', [
    ['Microsoft.Intune_EndpointAnalytics_Create', 'Create', 'Create endpoint analytics baselines and change its settings.'],
    ['Microsoft.Intune_EndpointAnalytics_Delete', 'Delete', 'Delete endpoint analytics baselines.'],
    ['Microsoft.Intune_EndpointAnalytics_Read', 'Read', 'View endpoint analytics scores and reports.'],
    ['Microsoft.Intune_EndpointAnalytics_Update', 'Update', 'Change endpoint analytics settings and baselines.'],
  ]),
  ...category('Endpoint Detection and Response', [
    ['Microsoft.Intune_EDRPolicy_Assign', 'Assign', 'Assign endpoint detection and response policies to groups.', S],
    ['Microsoft.Intune_EDRPolicy_Create', 'Create', 'Create endpoint detection and response policies.'],
    ['Microsoft.Intune_EDRPolicy_Delete', 'Delete', 'Delete endpoint detection and response policies.'],
    ['Microsoft.Intune_EDRPolicy_Read', 'Read', 'View endpoint detection and response policies.'],
    ['Microsoft.Intune_EDRPolicy_Update', 'Update', 'Change endpoint detection and response policies.'],
    ['Microsoft.Intune_EDRPolicy_ViewReports', 'View reports', 'View and export endpoint detection and response reports.'],
  ]),
  ...category('Endpoint Privilege Management Elevation Requests', [
    ['Microsoft.Intune_EpmPolicy_ViewElevationRequests', 'View elevation requests', 'View requests for elevated rights.'],
    ['Microsoft.Intune_EpmPolicy_ModifyElevationRequests', 'Modify elevation requests', 'Approve or deny requests for elevated rights.'],
  ]),
  ...category('Endpoint Privilege Management Policy Authoring', [
    ['Microsoft.Intune_EpmPolicy_Assign', 'Assign', 'Assign endpoint privilege management policies to groups.', S],
    ['Microsoft.Intune_EpmPolicy_Create', 'Create', 'Create endpoint privilege management policies.'],
    ['Microsoft.Intune_EpmPolicy_Delete', 'Delete', 'Delete endpoint privilege management policies.'],
    ['Microsoft.Intune_EpmPolicy_Read', 'Read', 'View endpoint privilege management policies.'],
    ['Microsoft.Intune_EpmPolicy_Update', 'Update', 'Change endpoint privilege management policies.'],
    ['Microsoft.Intune_EpmPolicy_ViewReports', 'View reports', 'View endpoint privilege management reports.'],
  ]),
  ...category('Endpoint protection reports', [
    ['Microsoft.Intune_EndpointProtection_Read', 'Read', 'View endpoint protection reports.'],
  ]),
  // Enrollment programs (Apple automated device enrollment, Apple Configurator, Windows Autopilot).
  // "Sync device" as AppleDeviceSerialNumbers_Update and the enrollment time membership id are
  // inferred: the pages give the display names, the id lists give the ids, nothing pairs them.
  ...category('Enrollment programs', [
    ['Microsoft.Intune_AppleDeviceSerialNumbers_Create', 'Create device', 'Import devices for automated device enrollment, Apple Configurator or Windows Autopilot.'],
    ['Microsoft.Intune_AppleDeviceSerialNumbers_Delete', 'Delete device', 'Delete imported enrollment program devices.'],
    ['Microsoft.Intune_AppleDeviceSerialNumbers_Read', 'Read device', 'View imported enrollment program devices.'],
    ['Microsoft.Intune_AppleDeviceSerialNumbers_Update', 'Sync device', 'Sync enrollment program devices (inferred pairing).'],
    ['Microsoft.Intune_AppleEnrollmentProfiles_Assign', 'Assign profile', 'Assign enrollment program profiles to devices.', S],
    ['Microsoft.Intune_AppleEnrollmentProfiles_Create', 'Create profile', 'Create enrollment program profiles.'],
    ['Microsoft.Intune_AppleEnrollmentProfiles_Delete', 'Delete profile', 'Delete enrollment program profiles.'],
    ['Microsoft.Intune_AppleEnrollmentProfiles_Read', 'Read profile', 'View enrollment program profiles.'],
    ['Microsoft.Intune_AppleEnrollmentProfiles_Update', 'Update profile', 'Change enrollment program profiles.'],
    ['Microsoft.Intune_EnrollmentProgramToken_Create', 'Create token', 'Download the public key used to create an enrollment program token.'],
    ['Microsoft.Intune_EnrollmentProgramToken_Delete', 'Delete token', 'Delete enrollment program tokens.'],
    ['Microsoft.Intune_EnrollmentProgramToken_Read', 'Read token', 'View enrollment program tokens and their status.'],
    ['Microsoft.Intune_EnrollmentProgramToken_Update', 'Update token', 'Upload or renew enrollment program tokens and sync their devices.'],
    ['Microsoft.Intune_EnrollmentProfiles_EnrollmentTimeMembershipAssign', 'Enrollment time device membership assignment', 'Choose the group a device joins when it enrolls (inferred pairing).', S],
  ]),
  ...category('Filters', [
    ['Microsoft.Intune_AssignmentFilter_Create', 'Create', 'Create assignment filters.'],
    ['Microsoft.Intune_AssignmentFilter_Delete', 'Delete', 'Delete assignment filters.'],
    ['Microsoft.Intune_AssignmentFilter_Read', 'Read', 'View assignment filters.'],
    ['Microsoft.Intune_AssignmentFilter_Update', 'Update', 'Change assignment filters.'],
  ]),
  ...category('Intune data warehouse', [
    ['Microsoft.Intune_Reports_Read', 'Read', 'Read all reporting data, for export to reporting tools.'],
  ]),
  ...category('Managed apps', [
    ['Microsoft.Intune_ManagedApps_Assign', 'Assign', 'Assign app protection policies to groups.', S],
    ['Microsoft.Intune_ManagedApps_Create', 'Create', 'Create app protection policies.'],
    ['Microsoft.Intune_ManagedApps_Delete', 'Delete', 'Delete app protection policies.'],
    ['Microsoft.Intune_ManagedApps_Read', 'Read', 'View app protection policies and their status.'],
    ['Microsoft.Intune_ManagedApps_Update', 'Update', 'Change app protection policies or cancel pending app wipes.'],
    ['Microsoft.Intune_ManagedApps_Wipe', 'Wipe', 'Request a selective wipe of company data from a protected app.', S],
  ]),
  ...category('Managed Device Cleanup Rules', [
    ['Microsoft.Intune_ManagedDeviceCleanupRule_Update', 'Update', 'Change the rules that remove devices that stopped checking in.'],
  ]),
  ...category('Managed Device Cleanup Settings', [
    ['Microsoft.Intune_ManagedDeviceCleanupSettings_Update', 'Update', 'Change the device cleanup setting (superseded by the cleanup rules).'],
  ]),
  ...category('Managed devices', [
    ['Microsoft.Intune_ManagedDevices_Delete', 'Delete', 'Delete managed devices; they can no longer be managed or reach company resources.', S],
    ['Microsoft.Intune_ManagedDevices_Query', 'Query', 'Query a managed device for live inventory and state.', S],
    ['Microsoft.Intune_ManagedDevices_Read', 'Read', 'View managed devices and their inventory.', S],
    ['Microsoft.Intune_ManagedDevices_ReadBiosPassword', 'Read Bios Password', 'Read the BIOS password of devices whose firmware is managed.', S],
    ['Microsoft.Intune_ManagedDevices_SetPrimaryUser', 'Set primary user', 'Set, change or remove the primary user of a managed device (with Read and Update).', S],
    ['Microsoft.Intune_ManagedDevices_Update', 'Update', 'Change properties such as ownership or category of a managed device; remote actions need a remote task permission.', S],
    ['Microsoft.Intune_ManagedDevices_ViewReports', 'View reports', 'View and export managed device reports.', S],
  ]),
  ...category('Managed Google Play', [
    ['Microsoft.Intune_ManagedGooglePlay_Modify', 'Modify', 'Change the Managed Google Play app sync settings.'],
    ['Microsoft.Intune_ManagedGooglePlay_Read', 'Read', 'View the Managed Google Play app sync settings.'],
  ]),
  ...category('Microsoft Defender ATP', [
    ['Microsoft.Intune_MicrosoftDefenderATP_Read', 'Read', 'View the Microsoft Defender for Endpoint connection.'],
  ]),
  ...category('Microsoft Store For Business', [
    ['Microsoft.Intune_MicrosoftStoreForBusiness_Modify', 'Modify', 'Change the Microsoft Store for Business app sync settings.'],
    ['Microsoft.Intune_MicrosoftStoreForBusiness_Read', 'Read', 'View the Microsoft Store for Business app sync settings.'],
  ]),
  ...category('Microsoft Tunnel Gateway', [
    ['Microsoft.Intune_MicrosoftTunnelGateway_Create', 'Create', 'Create tunnel gateway server configurations and sites.'],
    ['Microsoft.Intune_MicrosoftTunnelGateway_Delete', 'Delete', 'Delete tunnel gateway server configurations and sites.'],
    ['Microsoft.Intune_MicrosoftTunnelGateway_Read', 'Read', 'View tunnel gateway server configurations and sites.'],
    ['Microsoft.Intune_MicrosoftTunnelGateway_Update', 'Update', 'Change tunnel gateway server configurations and sites.'],
  ]),
  ...category('Mobile apps', [
    ['Microsoft.Intune_MobileApps_Assign', 'Assign', 'Assign apps and eBooks to groups.', S],
    ['Microsoft.Intune_MobileApps_Create', 'Create', 'Add apps, eBooks, app categories and app store tokens.'],
    ['Microsoft.Intune_MobileApps_Delete', 'Delete', 'Delete apps, eBooks, app categories and app store tokens.'],
    ['Microsoft.Intune_MobileApps_Read', 'Read', 'View apps, eBooks, app categories and app store tokens.'],
    ['Microsoft.Intune_MobileApps_Relate', 'Relate', 'Add dependency and supersedence relationships between apps.'],
    ['Microsoft.Intune_MobileApps_Update', 'Update', 'Change apps, eBooks, app categories and app store tokens.'],
    ['Microsoft.Intune_MobileApps_ViewReports', 'View reports', 'View app installation reports.'],
  ]),
  ...category('Mobile Threat Defense', [
    ['Microsoft.Intune_MobileThreatDefense_Modify', 'Modify', 'Add, remove or change mobile threat defense connectors.'],
    ['Microsoft.Intune_MobileThreatDefense_Read', 'Read', 'View mobile threat defense connectors.'],
  ]),
  ...category('Multi Admin Approval', [
    ['Microsoft.Intune_MultiAdminApproval_CreateAccessPolicy', 'Create access policy', 'Create multi admin approval access policies.'],
    ['Microsoft.Intune_MultiAdminApproval_DeleteAccessPolicy', 'Delete access policy', 'Delete multi admin approval access policies.'],
    ['Microsoft.Intune_MultiAdminApproval_ReadAccessPolicy', 'Read access policy', 'View multi admin approval access policies.'],
    ['Microsoft.Intune_MultiAdminApproval_UpdateAccessPolicy', 'Update access policy', 'Change multi admin approval access policies.'],
  ]),
  ...category('Operating System Recovery Configurations', [
    ['Microsoft.Intune_WindowsOSRecovery_Assign', 'Assign Profiles', 'Assign operating system recovery profiles to groups.', S],
    ['Microsoft.Intune_WindowsOSRecovery_Create', 'Create Profiles', 'Create operating system recovery profiles.'],
    ['Microsoft.Intune_WindowsOSRecovery_Delete', 'Delete Profiles', 'Delete operating system recovery profiles.'],
    ['Microsoft.Intune_WindowsOSRecovery_Read', 'Read Profiles', 'View operating system recovery profiles.'],
    ['Microsoft.Intune_WindowsOSRecovery_Update', 'Update Profiles', 'Change operating system recovery profiles.'],
  ]),
  ...category('Organization', [
    ['Microsoft.Intune_Organization_Create', 'Create', 'Create tenant settings such as device categories and connectors.'],
    ['Microsoft.Intune_Organization_Delete', 'Delete', 'Delete tenant settings such as device categories and connectors.'],
    ['Microsoft.Intune_Organization_Read', 'Read', 'View tenant settings such as device categories and connectors; every enrollment workflow needs it.'],
    ['Microsoft.Intune_Organization_Update', 'Update', 'Change tenant settings such as device categories and connectors.'],
  ]),
  ...category('Organizational Messages', [
    ['Microsoft.Intune_OrganizationalMessages_Assign', 'Assign', 'Assign organizational messages to groups.', S],
    ['Microsoft.Intune_OrganizationalMessages_Create', 'Create', 'Create organizational messages.'],
    ['Microsoft.Intune_OrganizationalMessages_Delete', 'Delete', 'Delete organizational messages.'],
    ['Microsoft.Intune_OrganizationalMessages_Read', 'Read', 'View organizational messages.'],
    ['Microsoft.Intune_OrganizationalMessages_Update', 'Update', 'Cancel organizational messages.'],
    ['Microsoft.Intune_OrganizationalMessages_UpdateControl', 'Update organizational message control', 'Allow or block messages sent directly by the vendor.'],
  ]),
  ...category('Partner Device Management', [
    ['Microsoft.Intune_PartnerDeviceManagement_Modify', 'Modify', 'Configure compliance partner connectors (such as Jamf).'],
    ['Microsoft.Intune_PartnerDeviceManagement_Read', 'Read', 'View compliance partner connectors.'],
  ]),
  ...category('Policy Sets', [
    ['Microsoft.Intune_PolicySets_Assign', 'Assign', 'Assign policy sets to groups.', S],
    ['Microsoft.Intune_PolicySets_Create', 'Create', 'Create policy sets.'],
    ['Microsoft.Intune_PolicySets_Delete', 'Delete', 'Delete policy sets.'],
    ['Microsoft.Intune_PolicySets_Read', 'Read', 'View policy sets.'],
    ['Microsoft.Intune_PolicySets_Update', 'Update', 'Change policy sets or add items to them.'],
  ]),
  ...category('Quiet Time policies', [
    ['Microsoft.Intune_QuietTimePolicies_Assign', 'Assign', 'Assign quiet time policies to groups.', S],
    ['Microsoft.Intune_QuietTimePolicies_Create', 'Create', 'Create quiet time policies.'],
    ['Microsoft.Intune_QuietTimePolicies_Delete', 'Delete', 'Delete quiet time policies.'],
    ['Microsoft.Intune_QuietTimePolicies_Read', 'Read', 'View quiet time policies.'],
    ['Microsoft.Intune_QuietTimePolicies_Update', 'Update', 'Change quiet time policies.'],
    ['Microsoft.Intune_QuietTimePolicies_ViewReports', 'View reports', 'View and export quiet time policy reports.'],
  ]),
  ...category('Remote assistance connectors', [
    ['Microsoft.Intune_RemoteAssistance_Read', 'Read', 'View the state of remote assistance connectors; not needed to start a session.'],
    ['Microsoft.Intune_RemoteAssistance_Update', 'Update', 'Change the state of remote assistance connectors.'],
    ['Microsoft.Intune_RemoteAssistance_ViewReports', 'View reports', 'View and export remote assistance session reports.'],
  ]),
  ...category('Remote Help app', [
    ['Microsoft.Intune_RemoteAssistanceApp_Elevation', 'Elevation', 'Enter elevation credentials on the shared device during a remote help session.', S],
    ['Microsoft.Intune_RemoteAssistanceApp_TakeFullControl', 'Take full control', 'View and control the shared device during a remote help session.', S],
    ['Microsoft.Intune_RemoteAssistanceApp_Unattended', 'Unattended control', 'Start a remote help session on an Android device without the user granting access.', S],
    ['Microsoft.Intune_RemoteAssistanceApp_ViewScreen', 'View screen', 'View the shared device during a remote help session.', S],
  ]),
  // Action names as Intune shows them, trailing full stops included.
  ...category('Remote tasks', [
    ['Microsoft.Intune_RemoteTasks_ActivateDeviceEsim', 'Update cellular data plan', 'Activate the eSIM data plan of a cellular iOS/iPadOS device.', S],
    ['Microsoft.Intune_RemoteTasks_BypassActivationLock', 'Bypass activation lock', 'Clear Activation Lock on a supervised Apple device without the user\'s Apple Account.', S],
    ['Microsoft.Intune_RemoteTasks_ChangeAssignments', 'Change assignments', 'Change the assignments of a device from the device view.', S],
    ['Microsoft.Intune_RemoteTasks_CleanPC', 'Clean PC', 'Start a Windows fresh start: remove installed apps and reinstall Windows.', S],
    ['Microsoft.Intune_RemoteTasks_ConfigurationManagerAction', 'Initiate Configuration Manager action', 'Start an action on a device managed by Configuration Manager.', S],
    ['Microsoft.Intune_RemoteTasks_CustomNotification', 'Send custom notifications', 'Send a custom notification to a device\'s company portal.', S],
    ['Microsoft.Intune_RemoteTasks_DeviceLogs', 'Collect diagnostics', 'Collect diagnostic logs from a device.', S],
    ['Microsoft.Intune_RemoteTasks_DisableLostMode', 'Disable lost mode', 'Turn off lost mode on a device.', S],
    ['Microsoft.Intune_RemoteTasks_EnableLostMode', 'Enable lost mode', 'Put a supervised corporate device in lost mode with a message and phone number on its lock screen.', S],
    ['Microsoft.Intune_RemoteTasks_EnableWindowsIntuneAgent', 'Enable Windows IntuneAgent', 'Enable the Windows management agent.', S],
    ['Microsoft.Intune_RemoteTasks_GetFileVaultKey', 'Get filevault key.', 'Read the FileVault recovery key of a Mac.', S],
    ['Microsoft.Intune_RemoteTasks_InitiateDeviceAttestation', 'Indicates remote device action to initiate Mobile Device Management (MDM) attestation if device is capable for it.', 'Start device attestation on a capable device.', S],
    ['Microsoft.Intune_RemoteTasks_InitiateMDMKeyRecovery', 'Recover MDM Key', 'Recover the private key of a device\'s management certificate with TPM attestation.', S],
    ['Microsoft.Intune_RemoteTasks_LocateDevice', 'Locate device', 'Show the location of a lost or stolen corporate device.', S],
    ['Microsoft.Intune_RemoteTasks_ManageSharedDeviceUsers', 'Manage shared device users', 'Sign out the current user of a shared device.', S],
    ['Microsoft.Intune_RemoteTasks_OnDemandProactiveRemediation', 'Run Remediation', 'Run a remediation script on a device now.', S],
    ['Microsoft.Intune_RemoteTasks_PauseConfigurationRefresh', 'Run Pause Configuration Refresh', 'Pause configuration refresh on a device.', S],
    ['Microsoft.Intune_RemoteTasks_PlayLostModeSound', 'Play sound to locate lost devices', 'Play a sound on a lost device.', S],
    ['Microsoft.Intune_RemoteTasks_RebootNow', 'Reboot now', 'Restart a device now, without warning its user.', S],
    ['Microsoft.Intune_RemoteTasks_RemoteLock', 'Remote lock', 'Lock a device; its user unlocks it with their passcode.', S],
    ['Microsoft.Intune_RemoteTasks_RemoveDFCIManagement', 'Remove Device Firmware Configuration Interface Management.', 'Remove a device from firmware (DFCI) management.', S],
    ['Microsoft.Intune_RemoteTasks_RequestRemoteAssistance', 'Offer remote assistance', 'Start a remote assistance session with a device.', S],
    ['Microsoft.Intune_RemoteTasks_ResetPasscode', 'Reset passcode', 'Remove or reset a device\'s passcode so that its user sets a new one.', S],
    ['Microsoft.Intune_RemoteTasks_Retire', 'Retire', 'Remove company data, settings and profiles from a device and release it from management; personal data stays.', S],
    ['Microsoft.Intune_RemoteTasks_RevokeAppleVppLicenses', 'Revoke App Licenses', 'Revoke the Apple volume purchase app licenses of a device.', S],
    ['Microsoft.Intune_RemoteTasks_RotateBitLockerKeys', 'Rotate BitLockerKeys (preview)', 'Rotate the BitLocker recovery passwords of a device.', S],
    ['Microsoft.Intune_RemoteTasks_RotateFileVaultKey', 'Rotate filevault key.', 'Rotate the FileVault recovery key of a Mac.', S],
    ['Microsoft.Intune_RemoteTasks_RotateLocalAdminPassword', 'Rotate Local Admin Password', 'Rotate the local administrator password of a device now.', S],
    ['Microsoft.Intune_RemoteTasks_SetDeviceName', 'Set device name', 'Set or change the name of a device.', S],
    ['Microsoft.Intune_RemoteTasks_ShutDown', 'Shut down', 'Shut a device down.', S],
    ['Microsoft.Intune_RemoteTasks_SyncDevice', 'Sync devices.', 'Make a device check in now and receive pending commands and policies.', S],
    ['Microsoft.Intune_RemoteTasks_UpdateDeviceAccount', 'Update device account', 'Change the device account of a Surface Hub.', S],
    ['Microsoft.Intune_RemoteTasks_WindowsDefender', 'Windows defender', 'Update Microsoft Defender signatures or start a scan on a device.', S],
    ['Microsoft.Intune_RemoteTasks_Wipe', 'Wipe', 'Factory reset a device, keeping or removing enrollment and user data as chosen.', S],
  ]),
  ...category('Roles', [
    ['Microsoft.Intune_Roles_Assign', 'Assign', 'Assign built-in or custom roles to groups.', S],
    ['Microsoft.Intune_Roles_Create', 'Create', 'Create custom roles.'],
    ['Microsoft.Intune_Roles_Delete', 'Delete', 'Delete custom roles; built-in roles cannot be deleted.'],
    ['Microsoft.Intune_Roles_Read', 'Read', 'View roles, their permissions, assignments, members and scope groups.'],
    ['Microsoft.Intune_Roles_Update', 'Update', 'Change custom role permissions and role assignments.'],
  ]),
  ...category('Security baselines', [
    ['Microsoft.Intune_SecurityBaselines_Assign', 'Assign', 'Assign security baseline profiles to groups.', S],
    ['Microsoft.Intune_SecurityBaselines_Create', 'Create', 'Create security baseline profiles.'],
    ['Microsoft.Intune_SecurityBaselines_Delete', 'Delete', 'Delete security baseline profiles.'],
    ['Microsoft.Intune_SecurityBaselines_Read', 'Read', 'View security baseline profiles and their reports.'],
    ['Microsoft.Intune_SecurityBaselines_Update', 'Update', 'Change security baseline profiles.'],
  ]),
  ...category('Security tasks', [
    ['Microsoft.Intune_SecurityTasks_Read', 'Read', 'View security tasks.'],
    ['Microsoft.Intune_SecurityTasks_Update', 'Update', 'Change security tasks.'],
  ]),
  ...category('ServiceNow', [
    ['Microsoft.Intune_ServiceNow_UpdateConnector', 'Update Connector', 'Change the ServiceNow connection.'],
    ['Microsoft.Intune_ServiceNow_ViewIncidents', 'View Incidents', 'View ServiceNow incidents.'],
  ]),
  ...category('Telecom expenses', [
    ['Microsoft.Intune_TelecomExpenses_Read', 'Read', 'View the telecom expense management connector (deprecated by Microsoft).'],
    ['Microsoft.Intune_TelecomExpenses_Update', 'Update', 'Change the telecom expense management connector (deprecated by Microsoft).'],
  ]),
  ...category('Tenant attached recommendations', [
    ['Microsoft.Intune_TenantAttachRecommendations_Read', 'Read', 'View recommendations for tenant attached sites.'],
  ]),
  ...category('Terms and conditions', [
    ['Microsoft.Intune_TermsAndConditions_Assign', 'Assign', 'Assign terms and conditions to groups.', S],
    ['Microsoft.Intune_TermsAndConditions_Create', 'Create', 'Create terms and conditions.'],
    ['Microsoft.Intune_TermsAndConditions_Delete', 'Delete', 'Delete terms and conditions.'],
    ['Microsoft.Intune_TermsAndConditions_Read', 'Read', 'View terms and conditions.'],
    ['Microsoft.Intune_TermsAndConditions_Update', 'Update', 'Change terms and conditions, but not their assignments.'],
  ]),
  ...category('Windows Enterprise Certificate', [
    ['Microsoft.Intune_WindowsEnterpriseCertificate_Modify', 'Modify', 'Add, remove or change the code-signing certificate for Windows line-of-business apps.'],
    ['Microsoft.Intune_WindowsEnterpriseCertificate_Read', 'Read', 'View the code-signing certificate for Windows line-of-business apps.'],
  ]),
];

// Steward extensions. Intune has no resource operations for directory users, groups, licences or
// app registrations: in Microsoft's world Entra roles (User Administrator, Groups Administrator,
// License Administrator, Application Administrator…) govern /v1.0/users, /v1.0/groups,
// assignLicense and app registrations. Steward has one RBAC for everything, so it adds operations
// in Intune's naming style. docs/api.md should list them with the other Steward extensions.
const steward: readonly ResourceOperationDef[] = [
  ...category('Users', [
    ['Microsoft.Intune_Users_Create', 'Create', 'Steward extension: create users.'],
    ['Microsoft.Intune_Users_Delete', 'Delete', 'Steward extension: delete users.', S],
    ['Microsoft.Intune_Users_Read', 'Read', 'Steward extension: view users.', S],
    ['Microsoft.Intune_Users_Update', 'Update', 'Steward extension: change users, including resetting their password and sign-in factors.', S],
  ]),
  ...category('Groups', [
    ['Microsoft.Intune_Groups_Create', 'Create', 'Steward extension: create groups.'],
    ['Microsoft.Intune_Groups_Delete', 'Delete', 'Steward extension: delete groups.', S],
    ['Microsoft.Intune_Groups_Read', 'Read', 'Steward extension: view groups and their members.', S],
    ['Microsoft.Intune_Groups_Update', 'Update', 'Steward extension: change groups and their members.', S],
  ]),
  ...category('Licenses', [
    ['Microsoft.Intune_Licenses_Assign', 'Assign', 'Steward extension: assign or remove user licences (assignLicense).', S],
  ]),
  ...category('API clients', [
    ['Microsoft.Intune_ApiClients_Create', 'Create', 'Steward extension: register API clients (OAuth2 client credentials) and issue their secrets.'],
    ['Microsoft.Intune_ApiClients_Delete', 'Delete', 'Steward extension: delete API clients and revoke their secrets.'],
    ['Microsoft.Intune_ApiClients_Read', 'Read', 'Steward extension: view API clients (never their secrets).'],
  ]),
];

/** Every operation Steward knows: Intune's, then Steward's extensions. */
export const resourceOperations: readonly ResourceOperationDef[] = [...intune, ...steward];

/** The ids of the Steward extensions, for docs/api.md and for anything that must tell them apart. */
export const stewardExtensionOperations: ReadonlySet<ResourceOperation> = new Set(steward.map((o) => o.id));

const byId = new Map(resourceOperations.map((o) => [o.id as string, o]));

export function resourceOperationById(id: string): ResourceOperationDef | undefined {
  return byId.get(id);
}

/** True for an id in the catalogue: the check a custom role definition's actions go through. */
export function isResourceOperation(id: string): id is ResourceOperation {
  return byId.has(id);
}
