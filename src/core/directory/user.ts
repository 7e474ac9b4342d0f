// A user as Graph's user resource names it (the subset Steward keeps).
export interface AssignedLicense {
  skuId: string;
  disabledPlans: string[];
}

export interface User {
  id: string;
  userPrincipalName: string;
  displayName: string;
  mailNickname: string | null;
  mail: string | null;
  givenName: string | null;
  surname: string | null;
  department: string | null;
  jobTitle: string | null;
  companyName: string | null;
  employeeId: string | null;
  officeLocation: string | null;
  mobilePhone: string | null;
  city: string | null;
  country: string | null;
  usageLocation: string | null;
  userType: string;
  accountEnabled: boolean;
  createdDateTime: string;
  assignedLicenses: AssignedLicense[];
}

/** The properties an admin may set on create or update (Graph names). */
export const userWritableProperties = [
  'userPrincipalName', 'displayName', 'mailNickname', 'mail', 'givenName', 'surname', 'department',
  'jobTitle', 'companyName', 'employeeId', 'officeLocation', 'mobilePhone', 'city', 'country',
  'usageLocation', 'accountEnabled',
] as const;
export type UserWritable = Pick<User, (typeof userWritableProperties)[number]>;
