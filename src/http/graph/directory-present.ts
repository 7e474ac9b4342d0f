// Presenters for directory objects: Graph JSON, never a row.
import type { User } from '../../core/directory/user.js';
import type { Group } from '../../core/directory/group.js';
import type { ManagedDevice } from '../../core/devices/managed-device.js';
import { withODataType } from './odata-type.js';

export function presentUser(u: User) {
  return withODataType('#microsoft.graph.user', {
    id: u.id,
    userPrincipalName: u.userPrincipalName,
    displayName: u.displayName,
    mailNickname: u.mailNickname,
    mail: u.mail,
    givenName: u.givenName,
    surname: u.surname,
    department: u.department,
    jobTitle: u.jobTitle,
    companyName: u.companyName,
    employeeId: u.employeeId,
    officeLocation: u.officeLocation,
    mobilePhone: u.mobilePhone,
    businessPhones: [] as string[],
    city: u.city,
    country: u.country,
    usageLocation: u.usageLocation,
    userType: u.userType,
    accountEnabled: u.accountEnabled,
    createdDateTime: u.createdDateTime,
    assignedLicenses: u.assignedLicenses,
  });
}

export function presentGroup(g: Group) {
  return withODataType('#microsoft.graph.group', {
    id: g.id,
    displayName: g.displayName,
    description: g.description,
    mailNickname: g.mailNickname,
    mailEnabled: g.mailEnabled,
    securityEnabled: g.securityEnabled,
    groupTypes: g.groupTypes,
    membershipRule: g.membershipRule,
    membershipRuleProcessingState: g.membershipRuleProcessingState,
    createdDateTime: g.createdDateTime,
  });
}

/** A managed device as a group member: Graph shows Entra device objects there. */
export function presentDeviceMember(d: ManagedDevice) {
  return withODataType('#microsoft.graph.device', {
    id: d.id,
    displayName: d.deviceName,
    operatingSystem: d.operatingSystem,
    operatingSystemVersion: d.osVersion,
    isManaged: true,
  });
}
