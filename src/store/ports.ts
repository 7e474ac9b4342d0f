// Every store adapter over one database, for the composition root and for tests.
import type { Database } from './database.js';
import { managedDeviceStore } from './managed-devices.js';
import { userStore } from './users.js';
import { groupStore } from './groups.js';
import { apiClientStore, rbacStore } from './rbac.js';
import { auditLog } from './audit-log.js';
import { signingKeyStore } from './signing-keys.js';
import { credentialStore } from './credentials.js';
import { sessionStore } from './sessions.js';
import { commandQueue } from './command-queue.js';
import { settingsStore } from './settings.js';
import { scepStore } from './scep.js';
import { enrollmentProfileStore } from './enrollment-profiles.js';
import { appleEnrollmentStore } from './apple-enrollments.js';
import { pushCertificateStore } from './push-certificates.js';
import { windowsEnrollmentStore, windowsSignInTokenStore } from './windows-enrollments.js';
import { deviceActionStore, deviceRecordRemover } from './device-actions.js';
import { deviceActionQueue } from './bulk-device-actions.js';
import { deviceInventoryStore } from './device-inventory.js';
import { windowsInventoryStore } from './windows-inventory.js';
import { compliancePolicyStore, complianceStateStore } from './compliance.js';
import { deviceConfigurationStore } from './configuration-profiles.js';
import { complianceActionStore } from './compliance-actions.js';
import { notificationTemplateStore } from './notification-templates.js';
import { configurationDeliveryStore } from './configuration-delivery.js';

export function storePorts(database: Database) {
  const { db, dialect } = database;
  return {
    devices: managedDeviceStore(db, dialect),
    users: userStore(db, dialect),
    groups: groupStore(db, dialect),
    rbac: rbacStore(db),
    apiClients: apiClientStore(db),
    auditLog: auditLog(db, dialect),
    keys: signingKeyStore(db),
    credentials: credentialStore(db),
    sessions: sessionStore(db),
    commands: commandQueue(db, dialect),
    settings: settingsStore(db),
    scep: scepStore(db),
    enrollmentProfiles: enrollmentProfileStore(db),
    appleEnrollments: appleEnrollmentStore(db),
    pushCertificates: pushCertificateStore(db),
    windowsEnrollments: windowsEnrollmentStore(db),
    windowsSignInTokens: windowsSignInTokenStore(db),
    deviceActions: deviceActionStore(db),
    actionQueue: deviceActionQueue(db),
    deviceRecords: deviceRecordRemover(db),
    deviceInventory: deviceInventoryStore(db),
    windowsInventory: windowsInventoryStore(db),
    compliancePolicies: compliancePolicyStore(db, dialect),
    complianceStates: complianceStateStore(db, dialect),
    complianceActions: complianceActionStore(db),
    notificationTemplates: notificationTemplateStore(db),
    deviceConfigurations: deviceConfigurationStore(db, dialect),
    configurationDelivery: configurationDeliveryStore(db),
  };
}

export type StorePorts = ReturnType<typeof storePorts>;
