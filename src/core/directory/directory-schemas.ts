// The users and groups collections as $filter, $orderby and $select see them.
import { defineResourceSchema, type PropertyDef } from '../query/resource-schema.js';

const text = (column: string, nullable = true): PropertyDef => ({ type: 'string', column, nullable });

export const userSchema = defineResourceSchema({
  name: 'user',
  key: 'id',
  properties: {
    id: text('id', false),
    userPrincipalName: text('user_principal_name', false),
    displayName: text('display_name', false),
    mailNickname: text('mail_nickname'),
    mail: text('mail'),
    givenName: text('given_name'),
    surname: text('surname'),
    department: text('department'),
    jobTitle: text('job_title'),
    companyName: text('company_name'),
    employeeId: text('employee_id'),
    officeLocation: text('office_location'),
    mobilePhone: text('mobile_phone'),
    city: text('city'),
    country: text('country'),
    usageLocation: text('usage_location'),
    userType: text('user_type', false),
    accountEnabled: { type: 'boolean', column: 'account_enabled', nullable: false },
    createdDateTime: { type: 'datetime', column: 'created_date_time', nullable: false },
  },
});

export const groupSchema = defineResourceSchema({
  name: 'group',
  key: 'id',
  properties: {
    id: text('id', false),
    displayName: text('display_name', false),
    description: text('description'),
    mailNickname: text('mail_nickname', false),
    mailEnabled: { type: 'boolean', column: 'mail_enabled', nullable: false },
    securityEnabled: { type: 'boolean', column: 'security_enabled', nullable: false },
    membershipRule: text('membership_rule'),
    membershipRuleProcessingState: { type: { enum: ['On', 'Paused'] }, column: 'membership_rule_processing_state', nullable: true },
    createdDateTime: { type: 'datetime', column: 'created_date_time', nullable: false },
  },
});
