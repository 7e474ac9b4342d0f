// Graph's windows10GeneralConfiguration (the Intune "device restrictions" profile) → Policy CSP
// nodes (./Device/Vendor/MSFT/Policy/Config/<Area>/<Policy>). Values as each policy's page in
// learn.microsoft.com/windows/client-management/mdm/policy-csp-<area> defines them.
import { policy } from '../../../protocol/windows/csp-settings/paths.js';
import type { OmaDmSetting } from '../translation.js';
import type { WindowsFamilyTranslator } from './types.js';

/** [Graph boolean, Policy CSP area, policy, integer value written when the Graph property is true]. */
export const WINDOWS_RESTRICTIONS: readonly (readonly [string, string, string, number])[] = [
  ['cameraBlocked', 'Camera', 'AllowCamera', 0],
  ['screenCaptureBlocked', 'Experience', 'AllowScreenCapture', 0],
  ['storageBlockRemovableStorage', 'System', 'AllowStorageCard', 0],
  ['storageRequireMobileDeviceEncryption', 'Security', 'RequireDeviceEncryption', 1],
  ['bluetoothBlocked', 'Connectivity', 'AllowBluetooth', 0],
  ['bluetoothBlockDiscoverableMode', 'Bluetooth', 'AllowDiscoverableMode', 0],
  ['bluetoothBlockAdvertising', 'Bluetooth', 'AllowAdvertising', 0],
  ['bluetoothBlockPrePairing', 'Bluetooth', 'AllowPrepairing', 0],
  ['bluetoothBlockPromptedProximalConnections', 'Bluetooth', 'AllowPromptedProximalConnections', 0],
  ['usbBlocked', 'Connectivity', 'AllowUSBConnection', 0],
  ['cellularBlockDataWhenRoaming', 'Connectivity', 'AllowCellularDataRoaming', 0],
  ['cellularBlockVpn', 'Connectivity', 'AllowVPNOverCellular', 0],
  ['cellularBlockVpnWhenRoaming', 'Connectivity', 'AllowVPNRoamingOverCellular', 0],
  ['accountsBlockAddingNonMicrosoftAccountEmail', 'Accounts', 'AllowAddingNonMicrosoftAccountsManually', 0],
  ['microsoftAccountBlocked', 'Accounts', 'AllowMicrosoftAccountConnection', 0],
  ['microsoftAccountBlockSettingsSync', 'Experience', 'AllowSyncMySettings', 0],
  ['windowsStoreBlocked', 'ApplicationManagement', 'AllowStore', 0],
  ['windowsStoreBlockAutoUpdate', 'ApplicationManagement', 'AllowAppStoreAutoUpdate', 0],
  ['windowsStoreEnablePrivateStoreOnly', 'ApplicationManagement', 'RequirePrivateStoreOnly', 1],
  ['lockScreenBlockCortana', 'AboveLock', 'AllowCortanaAboveLock', 0],
  ['lockScreenBlockToastNotifications', 'AboveLock', 'AllowToasts', 0],
];

/** [Graph integer, DeviceLock policy]: applied only with passwordRequired, as Intune does. */
export const WINDOWS_PASSWORD_NUMBERS: readonly (readonly [string, string])[] = [
  ['passwordMinimumLength', 'MinDevicePasswordLength'],
  ['passwordExpirationDays', 'DevicePasswordExpiration'],
  ['passwordPreviousPasswordBlockCount', 'DevicePasswordHistory'],
  ['passwordMinutesOfInactivityBeforeScreenTimeout', 'MaxInactivityTimeDeviceLock'],
  ['passwordSignInFailureCountBeforeFactoryReset', 'MaxDevicePasswordFailedAttempts'],
  ['passwordMinimumCharacterSetCount', 'MinDevicePasswordComplexCharacters'],
  ['passwordMinimumAgeInDays', 'MinimumPasswordAge'],
];

const int = (locUri: string, value: number): OmaDmSetting => ({ locUri, format: 'int', value: String(value) });

export const windowsGeneral: WindowsFamilyTranslator = (r) => {
  const settings: OmaDmSetting[] = [];
  if (r.on('passwordRequired')) {
    settings.push(int(policy('DeviceLock', 'DevicePasswordEnabled'), 0)); // 0 means "required" here
    for (const [graph, name] of WINDOWS_PASSWORD_NUMBERS) {
      const v = r.int(graph);
      if (v !== undefined) settings.push(int(policy('DeviceLock', name), v));
    }
    const type = r.str('passwordRequiredType');
    if (type === 'alphanumeric') settings.push(int(policy('DeviceLock', 'AlphanumericDevicePasswordRequired'), 0));
    if (type === 'numeric') settings.push(int(policy('DeviceLock', 'AlphanumericDevicePasswordRequired'), 1));
    if (r.on('passwordBlockSimple')) settings.push(int(policy('DeviceLock', 'AllowSimpleDevicePassword'), 0));
  } else {
    r.touch(...WINDOWS_PASSWORD_NUMBERS.map(([g]) => g), 'passwordRequiredType', 'passwordBlockSimple');
  }
  for (const [graph, area, name, value] of WINDOWS_RESTRICTIONS) {
    if (r.on(graph)) settings.push(int(policy(area, name), value));
  }
  return { settings, notApplicable: [] };
};
