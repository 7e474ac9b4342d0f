// Examples from https://learn.microsoft.com/entra/identity/users/groups-dynamic-membership
// (2024-12-19), evaluated the way the page describes them.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { deviceRuleSubject, evaluateRule, userRuleSubject, type DeviceRecordForRules } from './evaluate.js';
import { parseMembershipRule } from './parse.js';

const check = (rule: string, subject: Record<string, unknown>, now?: Date) => evaluateRule(parseMembershipRule(rule), subject, now ? { now } : {});

const device = (over: Partial<DeviceRecordForRules> = {}): DeviceRecordForRules => ({
  id: 'd1', deviceName: 'Rob iPhone', operatingSystem: 'iOS', osVersion: '18.1', model: 'iPhone 15', manufacturer: 'Apple',
  managedDeviceOwnerType: 'company', enrollmentProfileName: 'DEP iPhones', jailBroken: 'False', managementAgent: 'mdm', ...over,
});

describe('evaluateRule', () => {
  it('compares text ignoring case ("Regex and string operations aren\'t case sensitive")', () => {
    const sales = { department: 'SALES', jobTitle: 'Sales Manager', accountEnabled: true, country: 'US', city: 'Lagos' };
    assert.ok(check('user.department -eq "Sales"', sales));
    assert.ok(check('(user.jobTitle -contains "manager") -and (user.accountEnabled -eq true)', sales));
    assert.ok(check('user.jobTitle -startsWith "sales" -and user.jobTitle -endsWith "MANAGER"', sales));
    assert.ok(check('user.department -in ["Sales","Marketing"]', sales));
    assert.ok(!check('user.city -notin ["Lagos", "Ibadan", "Kaduna", "Abuja", "Port Harcourt"]', sales));
    assert.ok(check('user.country –eq "US" –and (user.department –eq "Marketing" –or user.department –eq "Sales")', sales));
    assert.ok(!check('(user.department -eq "Sales") -and -not (user.jobTitle -startsWith "SALES")', sales));
    assert.ok(check('user.jobTitle -notContains "Engineer"', sales));
    assert.ok(check('user.displayName -match "^Da.*"', { displayName: 'david' }));
    assert.ok(!check('user.displayName -match "^Da.*"', { displayName: 'aDa' }));
    assert.ok(check('user.displayName -notMatch ".*vid"', { displayName: 'Da' }));
  });

  it('treats missing, null and "" alike, and negated operators as exact negations', () => {
    for (const subject of [{}, { mail: null }, { mail: '' }, { mail: undefined }]) {
      assert.ok(check('user.mail -eq null', subject));
      assert.ok(!check('user.mail -ne null', subject));
      for (const op of ['-eq', '-startsWith', '-endsWith', '-contains', '-match']) {
        assert.ok(!check(`user.mail ${op} "a"`, subject), op);
      }
      for (const op of ['-ne', '-notStartsWith', '-notEndsWith', '-notContains', '-notMatch']) {
        assert.ok(check(`user.mail ${op} "a"`, subject), op);
      }
      assert.ok(!check('user.mail -in ["a"]', subject) && check('user.mail -notIn ["a"]', subject));
      assert.ok(!check('user.accountEnabled -eq true', subject) && !check('user.accountEnabled -eq false', subject));
      assert.ok(check('user.accountEnabled -ne true', subject));
      assert.ok(!check('user.employeeHireDate -le 2030-01-01', subject) && !check('user.employeeHireDate -ge 2000-01-01', subject));
    }
    assert.ok(check('user.mail -eq "null"', { mail: 'NULL' }), 'a quoted "null" is text');
    assert.ok(check('user.objectId -ne null', { objectId: 'u1' }), 'the "All users" rule');
    assert.ok(check('(user.objectId -ne null) -and (user.userType -eq "Member")', { objectId: 'u1', userType: 'Member' }));
    assert.ok(!check('(user.objectId -ne null) -and (user.userType -eq "Member")', { objectId: 'u1', userType: 'Guest' }));
  });

  it('reads collections: some item for string operators, -any and -all for conditions', () => {
    const user = { otherMails: ['a@contoso.com', 'b@fabrikam.com'], proxyAddresses: ['SMTP:a@contoso.com', 'smtp:a@outlook.com'] };
    assert.ok(check('user.otherMails -endsWith "@fabrikam.com"', user));
    assert.ok(!check('user.otherMails -notEndsWith "@fabrikam.com"', user));
    assert.ok(check('(user.proxyAddresses -any (_ -startsWith "smtp:a@contoso"))', user));
    assert.ok(!check('user.proxyAddresses -all (_ -startsWith "SMTP:")', { proxyAddresses: ['SMTP:x', 'x500:y'] }));
    assert.ok(check('user.proxyAddresses -all (_ -startsWith "SMTP:")', { proxyAddresses: ['SMTP:x', 'smtp:y'] }));
    const exchange = { servicePlanId: 'efb87545-963c-4e0d-99df-69c6916d9eb0', capabilityStatus: 'Enabled', service: 'exchange' };
    const rule = 'user.assignedPlans -any (assignedPlan.servicePlanId -eq "efb87545-963c-4e0d-99df-69c6916d9eb0" -and assignedPlan.capabilityStatus -eq "Enabled")';
    assert.ok(check(rule, { assignedPlans: [{ servicePlanId: 'x', capabilityStatus: 'Enabled' }, exchange] }));
    assert.ok(!check(rule, { assignedPlans: [{ ...exchange, capabilityStatus: 'Suspended' }] }));
    // "selects all users who have no assigned service plan": -all holds on an empty collection.
    const none = 'user.assignedPlans -all (assignedPlan.servicePlanId -eq null)';
    assert.ok(check(none, { assignedPlans: [] }) && check(none, {}));
    assert.ok(!check(none, { assignedPlans: [exchange] }));
    assert.ok(check('user.otherMails -eq null', { otherMails: [] }) && !check('user.otherMails -eq null', user));
  });

  it('compares employeeHireDate with dates and system.now', () => {
    const now = new Date('2024-06-10T12:00:00Z');
    const hired = (at: string) => ({ employeeHireDate: at });
    assert.ok(check('user.employeehiredate -le 2020-06-10T18:13:20Z', hired('2020-06-10T18:13:20Z')));
    assert.ok(!check('user.employeehiredate -le 2020-06-10T18:13:20Z', hired('2020-06-10T18:13:21Z')));
    assert.ok(check('user.employeeHireDate -ge system.now -plus p1d', hired('2024-06-11T12:00:00Z'), now));
    assert.ok(!check('user.employeeHireDate -ge system.now -plus p1d', hired('2024-06-11T11:59:59Z'), now));
    assert.ok(check('user.employeeHireDate -ge system.now -minus P1M', hired('2024-05-10T12:00:00Z'), now));
    assert.ok(check('user.employeeHireDate -le system.now', { employeeHireDate: new Date('2024-01-01T00:00:00Z') }, now));
    assert.ok(check('user.employeeHireDate -eq 2024-01-01', { employeeHireDate: Date.parse('2024-01-01T00:00:00Z') }));
    assert.ok(check('user.employeeHireDate -ne 2024-01-01T00:00:00+01:00', hired('2024-01-01T00:00:00Z')));
  });

  it('reads values of the wrong type leniently instead of throwing', () => {
    assert.ok(check('user.employeeId -eq "42"', { employeeId: 42 }));
    assert.ok(check('user.accountEnabled -eq true', { accountEnabled: 'True' }));
    assert.ok(!check('user.accountEnabled -eq true', { accountEnabled: 1 }));
    assert.ok(!check('user.department -eq "x"', { department: { x: 1 } }));
    assert.ok(!check('user.employeeHireDate -le 2030-01-01', { employeeHireDate: 'not a date' }));
    assert.ok(check('user.proxyAddresses -any (_ -eq "x")', { proxyAddresses: 'x' }));
    assert.ok(!check('user.department -eq "x"', Object.create({ department: 'x' }) as Record<string, unknown>), 'inherited properties are not read');
  });
});

describe('deviceRuleSubject', () => {
  it('maps a managed device to Entra\'s device property names', () => {
    assert.deepEqual(deviceRuleSubject(device()), {
      objectId: 'd1', deviceId: 'd1', displayName: 'Rob iPhone', deviceOSType: 'iOS', deviceOSVersion: '18.1',
      deviceModel: 'iPhone 15', deviceManufacturer: 'Apple', deviceOwnership: 'Company', enrollmentProfileName: 'DEP iPhones',
      isRooted: false, managementType: 'mdm', accountEnabled: true, profileType: 'RegisteredDevice', deviceCategory: null,
      deviceTrustType: null, deviceManagementAppId: null, devicePhysicalIds: [], systemLabels: [],
    });
  });

  it('spells operating systems and ownership as Entra does', () => {
    const os = (over: Partial<DeviceRecordForRules>) => deviceRuleSubject(device(over)).deviceOSType;
    assert.equal(os({ operatingSystem: 'iOS', model: 'iPad Air' }), 'IPad');
    assert.equal(os({ operatingSystem: 'iPadOS', model: null }), 'IPad');
    assert.equal(os({ operatingSystem: 'macOS' }), 'MacMDM');
    assert.equal(os({ operatingSystem: 'Windows' }), 'Windows');
    assert.equal(os({ operatingSystem: 'Android', managedDeviceOwnerType: 'company' }), 'AndroidEnterprise');
    assert.equal(os({ operatingSystem: 'Android', managedDeviceOwnerType: 'personal' }), 'AndroidForWork');
    assert.equal(os({ operatingSystem: 'Android', managedDeviceOwnerType: 'unknown' }), 'Android');
    assert.equal(os({ operatingSystem: 'Linux' }), 'Linux');
    assert.equal(os({ operatingSystem: null }), null);
    assert.equal(deviceRuleSubject(device({ managedDeviceOwnerType: 'personal' })).deviceOwnership, 'Personal');
    assert.equal(deviceRuleSubject(device({ managedDeviceOwnerType: 'unknown' })).deviceOwnership, 'Unknown');
    assert.equal(deviceRuleSubject(device({ jailBroken: 'True' })).isRooted, true);
    assert.equal(deviceRuleSubject(device({ jailBroken: 'Unknown' })).isRooted, null);
  });

  it('lets the page\'s device rules select the devices they describe', () => {
    const ipad = deviceRuleSubject(device({ model: 'iPad Pro', deviceName: 'Front desk' }));
    const iphone = deviceRuleSubject(device());
    const pixel = deviceRuleSubject(device({ operatingSystem: 'Android', model: 'Pixel 8', manufacturer: 'Google', jailBroken: 'True' }));
    const rule = (text: string) => parseMembershipRule(text);
    const apple = rule('(device.deviceOSType -eq "iPad") -or (device.deviceOSType -eq "iOS")');
    assert.deepEqual([ipad, iphone, pixel].map((d) => evaluateRule(apple, d)), [true, true, false]);
    assert.deepEqual([ipad, iphone, pixel].map((d) => evaluateRule(rule('device.deviceOSType -startsWith "AndroidEnterprise"'), d)), [false, false, true]);
    assert.ok(evaluateRule(rule('device.deviceOwnership -eq "Company"'), iphone));
    assert.ok(evaluateRule(rule('device.managementType -eq "MDM"'), iphone));
    assert.ok(evaluateRule(rule('device.enrollmentProfileName -eq "DEP iPhones"'), iphone));
    assert.ok(evaluateRule(rule('device.isRooted -eq true'), pixel) && !evaluateRule(rule('device.isRooted -eq true'), iphone));
    assert.ok(evaluateRule(rule('device.objectId -ne null'), pixel), 'the "All devices" rule');
    assert.ok(evaluateRule(rule('device.deviceModel -eq "iPad Air"'), deviceRuleSubject(device({ model: 'ipad air' }))));
    assert.ok(evaluateRule(rule('device.devicePhysicalIds -all (_ -notStartsWith "[OrderID]:")'), iphone));
  });
});

describe('userRuleSubject', () => {
  it('renames the Graph properties whose rule names differ', () => {
    const u = userRuleSubject({ id: 'u1', officeLocation: 'B41', mobilePhone: '+1 555', businessPhones: ['+1 556'], department: 'Sales' });
    assert.equal(u.objectId, 'u1');
    assert.equal(u.physicalDeliveryOfficeName, 'B41');
    assert.equal(u.mobile, '+1 555');
    assert.equal(u.telephoneNumber, '+1 556');
    assert.ok(evaluateRule(parseMembershipRule('user.physicalDeliveryOfficeName -eq "b41" -and user.department -eq "sales"'), u));
    assert.equal(userRuleSubject({ id: 'u2' }).telephoneNumber, null);
  });
});
