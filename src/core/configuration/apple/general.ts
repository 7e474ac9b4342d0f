// Graph's iosGeneralDeviceConfiguration and macOSGeneralDeviceConfiguration (the Intune "device
// restrictions" profile) → com.apple.mobiledevice.passwordpolicy (passcode rules) and
// com.apple.applicationaccess (restrictions). Each table row is [Graph property, Apple key, what
// Apple's key gets when the Graph property is true]; Graph's false means "not configured".
// Apple's key names are those of Apple's device-management schema (MIT; the notice is in
// src/protocol/apple/generated/LICENSE-apple-device-management.txt); a test checks them against it.
import type { PlistDict } from '../../../protocol/apple/plist.js';
import type { SettingsReader } from '../translation.js';
import type { AppleFamilyTranslator } from './types.js';

export type RestrictionRow = readonly [graph: string, apple: string, whenTrue: boolean];

export const IOS_RESTRICTIONS: readonly RestrictionRow[] = [
  ['accountBlockModification', 'allowAccountModification', false],
  ['airDropBlocked', 'allowAirDrop', false],
  ['airDropForceUnmanagedDropTarget', 'forceAirDropUnmanaged', true],
  ['airPlayForcePairingPasswordForOutgoingRequests', 'forceAirPlayOutgoingRequestsPairingPassword', true],
  ['appleNewsBlocked', 'allowNews', false],
  ['appleWatchBlockPairing', 'allowPairedWatch', false],
  ['appleWatchForceWristDetection', 'forceWatchWristDetection', true],
  ['appStoreBlockAutomaticDownloads', 'allowAutomaticAppDownloads', false],
  ['appStoreBlocked', 'allowAppInstallation', false],
  ['appStoreBlockInAppPurchases', 'allowInAppPurchases', false],
  ['appStoreBlockUIAppInstallation', 'allowUIAppInstallation', false],
  ['appStoreRequirePassword', 'forceITunesStorePasswordEntry', true],
  ['bluetoothBlockModification', 'allowBluetoothModification', false],
  ['cameraBlocked', 'allowCamera', false],
  ['cellularBlockDataRoaming', 'allowGlobalBackgroundFetchWhenRoaming', false],
  ['cellularBlockPerAppDataModification', 'allowAppCellularDataModification', false],
  ['cellularBlockPersonalHotspot', 'allowPersonalHotspotModification', false],
  ['certificatesBlockUntrustedTlsCertificates', 'allowUntrustedTLSPrompt', false],
  ['classroomAppBlockRemoteScreenObservation', 'allowRemoteScreenObservation', false],
  ['classroomAppForceUnpromptedScreenObservation', 'forceClassroomUnpromptedScreenObservation', true],
  ['configurationProfileBlockChanges', 'allowUIConfigurationProfileInstallation', false],
  ['definitionLookupBlocked', 'allowDefinitionLookup', false],
  ['deviceBlockEnableRestrictions', 'allowEnablingRestrictions', false],
  ['deviceBlockEraseContentAndSettings', 'allowEraseContentAndSettings', false],
  ['deviceBlockNameModification', 'allowDeviceNameModification', false],
  ['diagnosticDataBlockSubmission', 'allowDiagnosticSubmission', false],
  ['diagnosticDataBlockSubmissionModification', 'allowDiagnosticSubmissionModification', false],
  ['documentsBlockManagedDocumentsInUnmanagedApps', 'allowOpenFromManagedToUnmanaged', false],
  ['documentsBlockUnmanagedDocumentsInManagedApps', 'allowOpenFromUnmanagedToManaged', false],
  ['enterpriseAppBlockTrust', 'allowEnterpriseAppTrust', false],
  ['faceTimeBlocked', 'allowVideoConferencing', false],
  ['findMyFriendsBlocked', 'allowFindMyFriendsModification', false],
  ['gameCenterBlocked', 'allowGameCenter', false],
  ['gamingBlockGameCenterFriends', 'allowAddingGameCenterFriends', false],
  ['gamingBlockMultiplayer', 'allowMultiplayerGaming', false],
  ['hostPairingBlocked', 'allowHostPairing', false],
  ['iBooksStoreBlocked', 'allowBookstore', false],
  ['iBooksStoreBlockErotica', 'allowBookstoreErotica', false],
  ['iCloudBlockActivityContinuation', 'allowActivityContinuation', false],
  ['iCloudBlockBackup', 'allowCloudBackup', false],
  ['iCloudBlockDocumentSync', 'allowCloudDocumentSync', false],
  ['iCloudBlockManagedAppsSync', 'allowManagedAppsCloudSync', false],
  ['iCloudBlockPhotoLibrary', 'allowCloudPhotoLibrary', false],
  ['iCloudBlockPhotoStreamSync', 'allowPhotoStream', false],
  ['iCloudBlockSharedPhotoStream', 'allowSharedStream', false],
  ['iCloudRequireEncryptedBackup', 'forceEncryptedBackup', true],
  ['iTunesBlockExplicitContent', 'allowExplicitContent', false],
  ['iTunesBlockMusicService', 'allowMusicService', false],
  ['iTunesBlockRadio', 'allowRadioService', false],
  ['keyboardBlockAutoCorrect', 'allowAutoCorrection', false],
  ['keyboardBlockDictation', 'allowDictation', false],
  ['keyboardBlockPredictive', 'allowPredictiveKeyboard', false],
  ['keyboardBlockShortcuts', 'allowKeyboardShortcuts', false],
  ['keyboardBlockSpellCheck', 'allowSpellCheck', false],
  ['lockScreenBlockControlCenter', 'allowLockScreenControlCenter', false],
  ['lockScreenBlockNotificationView', 'allowLockScreenNotificationsView', false],
  ['lockScreenBlockPassbook', 'allowPassbookWhileLocked', false],
  ['lockScreenBlockTodayView', 'allowLockScreenTodayView', false],
  ['messagesBlocked', 'allowChat', false],
  ['notificationsBlockSettingsModification', 'allowNotificationsModification', false],
  ['passcodeBlockFingerprintModification', 'allowFingerprintModification', false],
  ['passcodeBlockFingerprintUnlock', 'allowFingerprintForUnlock', false],
  ['passcodeBlockModification', 'allowPasscodeModification', false],
  ['podcastsBlocked', 'allowPodcasts', false],
  ['safariBlockAutofill', 'safariAllowAutoFill', false],
  ['safariBlocked', 'allowSafari', false],
  ['safariBlockJavaScript', 'safariAllowJavaScript', false],
  ['safariBlockPopups', 'safariAllowPopups', false],
  ['safariRequireFraudWarning', 'safariForceFraudWarning', true],
  ['screenCaptureBlocked', 'allowScreenShot', false],
  ['siriBlocked', 'allowAssistant', false],
  ['siriBlockedWhenLocked', 'allowAssistantWhileLocked', false],
  ['siriBlockUserGeneratedContent', 'allowAssistantUserGeneratedContent', false],
  ['siriRequireProfanityFilter', 'forceAssistantProfanityFilter', true],
  ['spotlightBlockInternetResults', 'allowSpotlightInternetResults', false],
  ['voiceDialingBlocked', 'allowVoiceDialing', false],
  ['wallpaperBlockModification', 'allowWallpaperModification', false],
  ['wiFiConnectOnlyToConfiguredNetworks', 'forceWiFiWhitelisting', true],
];

export const MACOS_RESTRICTIONS: readonly RestrictionRow[] = [
  ['addingGameCenterFriendsBlocked', 'allowAddingGameCenterFriends', false],
  ['airDropBlocked', 'allowAirDrop', false],
  ['appleWatchBlockAutoUnlock', 'allowAutoUnlock', false],
  ['cameraBlocked', 'allowCamera', false],
  ['classroomAppBlockRemoteScreenObservation', 'allowRemoteScreenObservation', false],
  ['classroomAppForceUnpromptedScreenObservation', 'forceClassroomUnpromptedScreenObservation', true],
  ['classroomForceAutomaticallyJoinClasses', 'forceClassroomAutomaticallyJoinClasses', true],
  ['classroomForceRequestPermissionToLeaveClasses', 'forceClassroomRequestPermissionToLeaveClasses', true],
  ['classroomForceUnpromptedAppAndDeviceLock', 'forceClassroomUnpromptedAppAndDeviceLock', true],
  ['contentCachingBlocked', 'allowContentCaching', false],
  ['definitionLookupBlocked', 'allowDefinitionLookup', false],
  ['eraseContentAndSettingsBlocked', 'allowEraseContentAndSettings', false],
  ['gameCenterBlocked', 'allowGameCenter', false],
  ['iCloudBlockActivityContinuation', 'allowActivityContinuation', false],
  ['iCloudBlockAddressBook', 'allowCloudAddressBook', false],
  ['iCloudBlockBookmarks', 'allowCloudBookmarks', false],
  ['iCloudBlockCalendar', 'allowCloudCalendar', false],
  ['iCloudBlockDocumentSync', 'allowCloudDocumentSync', false],
  ['iCloudBlockMail', 'allowCloudMail', false],
  ['iCloudBlockNotes', 'allowCloudNotes', false],
  ['iCloudBlockPhotoLibrary', 'allowCloudPhotoLibrary', false],
  ['iCloudBlockReminders', 'allowCloudReminders', false],
  ['iCloudDesktopAndDocumentsBlocked', 'allowCloudDesktopAndDocuments', false],
  ['iCloudPrivateRelayBlocked', 'allowCloudPrivateRelay', false],
  ['iTunesBlockFileSharing', 'allowiTunesFileSharing', false],
  ['iTunesBlockMusicService', 'allowMusicService', false],
  ['keyboardBlockDictation', 'allowDictation', false],
  ['keychainBlockCloudSync', 'allowCloudKeychainSync', false],
  ['multiplayerGamingBlocked', 'allowMultiplayerGaming', false],
  ['passwordBlockAirDropSharing', 'allowPasswordSharing', false],
  ['passwordBlockAutoFill', 'allowPasswordAutoFill', false],
  ['passwordBlockFingerprintUnlock', 'allowFingerprintForUnlock', false],
  ['passwordBlockModification', 'allowPasscodeModification', false],
  ['passwordBlockProximityRequests', 'allowPasswordProximityRequests', false],
  ['safariBlockAutofill', 'safariAllowAutoFill', false],
  ['screenCaptureBlocked', 'allowScreenShot', false],
  ['spotlightBlockInternetResults', 'allowSpotlightInternetResults', false],
  ['wallpaperModificationBlocked', 'allowWallpaperModification', false],
];

/** Graph's passcode property names differ between the iOS ('passcode…') and macOS ('password…') types. */
function passcodePolicy(r: SettingsReader, p: 'passcode' | 'password'): PlistDict | undefined {
  const P = p === 'passcode' ? 'Passcode' : 'Password';
  const required = r.on(`${p}Required`);
  const keys = [`${p}MinimumLength`, `${p}RequiredType`, `${p}BlockSimple`, `${p}ExpirationDays`, `${p}Previous${P}BlockCount`,
    `${p}MinutesOfInactivityBeforeLock`, `${p}MinutesOfInactivityBeforeScreenTimeout`, `${p}MinimumCharacterSetCount`,
    p === 'passcode' ? 'passcodeSignInFailureCountBeforeWipe' : 'passwordMaximumAttemptCount', 'passwordMinutesUntilFailedLoginReset'];
  if (!required) {
    r.touch(...keys); // Without "passcode required", Intune applies none of the passcode rules either.
    return undefined;
  }
  const c: PlistDict = { forcePIN: true };
  const num = (graph: string, apple: string) => { const v = r.int(graph); if (v !== undefined) c[apple] = v; };
  num(`${p}MinimumLength`, 'minLength');
  num(`${p}ExpirationDays`, 'maxPINAgeInDays');
  num(`${p}Previous${P}BlockCount`, 'pinHistory');
  num(`${p}MinimumCharacterSetCount`, 'minComplexChars');
  // "Before lock" is the grace period after the screen locks; "before screen timeout" is auto-lock.
  num(`${p}MinutesOfInactivityBeforeLock`, 'maxGracePeriod');
  num(`${p}MinutesOfInactivityBeforeScreenTimeout`, 'maxInactivity');
  num(p === 'passcode' ? 'passcodeSignInFailureCountBeforeWipe' : 'passwordMaximumAttemptCount', 'maxFailedAttempts');
  if (p === 'password') num('passwordMinutesUntilFailedLoginReset', 'minutesUntilFailedLoginReset');
  if (r.on(`${p}BlockSimple`)) c.allowSimple = false;
  if (r.str(`${p}RequiredType`) === 'alphanumeric') c.requireAlphanumeric = true;
  return c;
}

export const appleGeneral: AppleFamilyTranslator = (r, target) => {
  const passcode = passcodePolicy(r, target.platform === 'iOS' ? 'passcode' : 'password');
  const restrictions: PlistDict = {};
  for (const [graph, apple, whenTrue] of target.platform === 'iOS' ? IOS_RESTRICTIONS : MACOS_RESTRICTIONS) {
    if (r.on(graph)) restrictions[apple] = whenTrue;
  }
  return {
    payloads: [
      ...(passcode ? [{ type: 'com.apple.mobiledevice.passwordpolicy', suffix: 'passcode', displayName: 'Passcode', content: passcode }] : []),
      ...(Object.keys(restrictions).length > 0 ? [{ type: 'com.apple.applicationaccess', suffix: 'restrictions', displayName: 'Restrictions', content: restrictions }] : []),
    ],
    notApplicable: [],
  };
};
