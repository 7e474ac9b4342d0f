// Rules from Microsoft's "Manage rules for dynamic membership groups in Microsoft Entra ID"
// (https://learn.microsoft.com/entra/identity/users/groups-dynamic-membership, 2024-12-19) and
// "Create simpler, more efficient rules for dynamic membership groups"
// (https://learn.microsoft.com/entra/identity/users/groups-dynamic-rule-more-efficient), copied
// as the pages print them, en dashes included.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StewardError } from '../../errors.js';
import { membershipRuleLimits, parseMembershipRule, type RuleExpr } from './parse.js';

/** The tree as nested arrays that read like the rule. */
function shape(e: RuleExpr): unknown {
  const not = (negated: boolean, x: unknown) => (negated ? ['not', x] : x);
  switch (e.kind) {
    case 'and': case 'or': return [e.kind, ...e.operands.map(shape)];
    case 'not': return ['not', shape(e.operand)];
    case 'isNull': return not(e.negated, ['null', e.property]);
    case 'text': return not(e.negated, [e.test, e.property, e.value]);
    case 'in': return not(e.negated, ['in', e.property, e.values]);
    case 'match': return not(e.negated, ['match', e.property, e.pattern]);
    case 'boolean': return not(e.negated, ['eq', e.property, e.value]);
    case 'date': return not(e.negated, [e.test, e.property, e.value]);
    case 'quantified': return [e.quantifier, e.property, shape(e.condition)];
  }
}

const parsed = (text: string) => shape(parseMembershipRule(text).expr);

function refused(text: string, message: RegExp) {
  assert.throws(() => parseMembershipRule(text), (err: unknown) => {
    assert.ok(err instanceof StewardError, `expected StewardError, got ${String(err)}`);
    assert.equal(err.code, 'invalid-input');
    assert.equal(err.target, 'membershipRule');
    assert.match(err.message, /^membershipRule: /);
    assert.match(err.message, message);
    return true;
  }, text);
}

describe('parseMembershipRule: the examples on Microsoft\'s page', () => {
  it('reads single expressions and picks the subject', () => {
    assert.deepEqual(parseMembershipRule('user.department -eq "Sales"'),
      { subject: 'user', expr: { kind: 'text', property: 'department', test: 'eq', value: 'Sales', negated: false } });
    assert.equal(parseMembershipRule('device.deviceOwnership -eq "Company"').subject, 'device');
    assert.deepEqual(parsed('user.accountEnabled -eq true'), ['eq', 'accountEnabled', true]);
    assert.deepEqual(parsed('user.mail -notEndsWith "@Contoso.com"'), ['not', ['endsWith', 'mail', '@Contoso.com']]);
    assert.deepEqual(parsed('user.mailNickname -endsWith "-vendor"'), ['endsWith', 'mailNickname', '-vendor']);
    assert.deepEqual(parsed('user.mail –ne null'), ['not', ['null', 'mail']]);
    assert.deepEqual(parsed('user.objectId -ne null'), ['not', ['null', 'objectId']]);
    assert.deepEqual(parsed('user.employeeId -ne "null"'), ['not', ['eq', 'employeeId', 'null']]);
    assert.deepEqual(parsed('user.extensionAttribute15 -eq "Marketing"'), ['eq', 'extensionAttribute15', 'Marketing']);
    assert.deepEqual(parsed('user.extension_c272a57b722d4eb29bfe327874ae79cb_OfficeNumber -eq "123"'),
      ['eq', 'extension_c272a57b722d4eb29bfe327874ae79cb_OfficeNumber', '123']);
    assert.deepEqual(parsed('user.displayName -match "^Da.*"'), ['match', 'displayName', '^Da.*']);
  });

  it('reads -in lists, multiple expressions and the precedence the page gives', () => {
    assert.deepEqual(parsed('user.department -in ["50001","50002","50003"]'), ['in', 'department', ['50001', '50002', '50003']]);
    assert.deepEqual(parsed('user.city -notin ["Lagos", "Ibadan", "Kaduna", "Abuja", "Port Harcourt"]'),
      ['not', ['in', 'city', ['Lagos', 'Ibadan', 'Kaduna', 'Abuja', 'Port Harcourt']]]);
    assert.deepEqual(parsed('(user.department -eq "Sales") -or (user.department -eq "Marketing")'),
      ['or', ['eq', 'department', 'Sales'], ['eq', 'department', 'Marketing']]);
    assert.deepEqual(parsed('(user.department -eq "Sales") -and -not (user.jobTitle -startsWith "SDE")'),
      ['and', ['eq', 'department', 'Sales'], ['not', ['startsWith', 'jobTitle', 'SDE']]]);
    assert.deepEqual(parsed('user.department –eq "Marketing" –and user.country –eq "US"'),
      ['and', ['eq', 'department', 'Marketing'], ['eq', 'country', 'US']]);
    assert.deepEqual(parsed('user.country –eq "US" –and (user.department –eq "Marketing" –or user.department –eq "Sales")'),
      ['and', ['eq', 'country', 'US'], ['or', ['eq', 'department', 'Marketing'], ['eq', 'department', 'Sales']]]);
    assert.deepEqual(parsed('user.city -eq "x" -or user.city -eq "y" -and user.city -eq "z"'),
      ['or', ['eq', 'city', 'x'], ['and', ['eq', 'city', 'y'], ['eq', 'city', 'z']]]);
    assert.deepEqual(parsed('user.department -eq "Accounts" -and user.city -in ["Lagos", "Ibadan"]'),
      ['and', ['eq', 'department', 'Accounts'], ['in', 'city', ['Lagos', 'Ibadan']]]);
  });

  it('reads -any and -all over multi-valued properties', () => {
    assert.deepEqual(parsed('user.assignedPlans -any (assignedPlan.servicePlanId -eq "efb87545-963c-4e0d-99df-69c6916d9eb0" -and assignedPlan.capabilityStatus -eq "Enabled")'),
      ['any', 'assignedPlans', ['and', ['eq', 'servicePlanId', 'efb87545-963c-4e0d-99df-69c6916d9eb0'], ['eq', 'capabilityStatus', 'Enabled']]]);
    assert.deepEqual(parsed('user.assignedPlans -all (assignedPlan.servicePlanId -eq null)'), ['all', 'assignedPlans', ['null', 'servicePlanId']]);
    assert.deepEqual(parsed('(user.proxyAddresses -any (_ -startsWith "contoso"))'), ['any', 'proxyAddresses', ['startsWith', '_', 'contoso']]);
    assert.deepEqual(parsed('device.devicePhysicalIDs -any _ -startsWith "[ZTDId]"'), ['any', 'devicePhysicalIds', ['startsWith', '_', '[ZTDId]']]);
    assert.deepEqual(parsed('user.otherMails -startsWith "alias@domain"'), ['startsWith', 'otherMails', 'alias@domain']);
  });

  it('reads the device examples and the employeeHireDate forms', () => {
    assert.deepEqual(parsed('(device.deviceOSType -eq "iPad") -or (device.deviceOSType -eq "iOS")'),
      ['or', ['eq', 'deviceOSType', 'iPad'], ['eq', 'deviceOSType', 'iOS']]);
    assert.deepEqual(parsed('device.deviceOSVersion -startsWith "10.0.1"'), ['startsWith', 'deviceOSVersion', '10.0.1']);
    assert.deepEqual(parsed('device.isRooted -eq true'), ['eq', 'isRooted', true]);
    assert.deepEqual(parsed('device.managementType -eq "MDM"'), ['eq', 'managementType', 'MDM']);
    assert.deepEqual(parsed('device.enrollmentProfileName -eq "DEP iPhones"'), ['eq', 'enrollmentProfileName', 'DEP iPhones']);
    assert.deepEqual(parsed('user.employeehiredate -le 2020-06-10T18:13:20Z'), ['le', 'employeeHireDate', { kind: 'instant', epochMs: Date.parse('2020-06-10T18:13:20Z') }]);
    assert.deepEqual(parsed('user.employeehiredate -ge system.now -plus p1d'),
      ['ge', 'employeeHireDate', { kind: 'now', sign: 1, offset: { years: 0, months: 0, days: 1, hours: 0, minutes: 0, seconds: 0 } }]);
    assert.deepEqual(parsed('user.employeeHireDate -ge system.now -minus P1W'),
      ['ge', 'employeeHireDate', { kind: 'now', sign: -1, offset: { years: 0, months: 0, days: 7, hours: 0, minutes: 0, seconds: 0 } }]);
  });

  it('reads operators in any case, with or without the hyphen, and quotes as the page escapes them', () => {
    assert.deepEqual(parsed('(device.accountEnabled -eq True) and (device.deviceOSType -EQ "Windows") OR device.deviceTrustType -In ["AzureAD"]'),
      ['or', ['and', ['eq', 'accountEnabled', true], ['eq', 'deviceOSType', 'Windows']], ['in', 'deviceTrustType', ['AzureAD']]]);
    assert.deepEqual(parsed('user.department eq "Sales" and not user.city startswith "L"'),
      ['and', ['eq', 'department', 'Sales'], ['not', ['startsWith', 'city', 'L']]]);
    assert.deepEqual(parsed('user.department -eq `"Sales`"'), ['eq', 'department', 'Sales']);
    assert.deepEqual(parsed('user.department -eq "say `"hi`" with a `` and a `x"'), ['eq', 'department', 'say "hi" with a ` and a `x']);
    assert.deepEqual(parsed("user.surname -in ['O''Brien', \"Smith\"]"), ['in', 'surname', ["O'Brien", 'Smith']]);
    assert.deepEqual(parsed('user.mail -eq $null'), ['null', 'mail']);
    assert.deepEqual(parsed('USER.DEPARTMENT -eq "x"'), ['eq', 'department', 'x']);
  });
});

describe('parseMembershipRule: errors name the problem and the position', () => {
  it('unknown, misplaced and unsupported properties', () => {
    refused('user.departmant -eq "Sales"', /^membershipRule: unknown property user\.departmant at position 0 \(did you mean user\.department\?\); user properties are accountEnabled, .*department.*userType/);
    refused('user.officeLocation -eq "x"', /did you mean user\.physicalDeliveryOfficeName/);
    refused('device.operatingSystem -eq "iOS"', /did you mean device\.deviceOSType/);
    refused('user.deviceOSType -eq "iOS"', /deviceOSType is a device property/);
    refused('department -eq "Sales"', /expected a property such as user\.department .* at position 0, found department; property names start with user\. or device\./);
    refused('user.department -eq "Sales" -and device.deviceOSType -eq "iOS"', /mixes user and device properties \(user\.department at position 0, device\.deviceOSType at position 33\)/);
    refused('user.memberOf -any (group.objectId -in [\'value\'])', /memberOf .* not supported/);
    refused('Direct Reports for "aaaaaaaa-0000-1111-2222-bbbbbbbbbbbb"', /Direct Reports for" rules are not supported/);
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      refused(`user.${name} -eq "x"`, new RegExp(`unknown property user\\.${name} at position 0; user properties are`));
    }
    refused('_ -eq "x"', /_ at position 0 stands for an item of a collection/);
    refused('user.proxyAddresses -any (user.mail -eq "x")', /write _ for the item \(found user\.mail at position 26\)/);
    refused('user.assignedPlans -any (assignedPlan.sku -eq "x")', /expected assignedPlan\.capabilityStatus, assignedPlan\.service, assignedPlan\.servicePlanId at position 25/);
    refused('user.assignedPlans -eq "x"', /collection of objects: write user\.assignedPlans -any/);
    refused('user.department -any (_ -eq "x")', /-any at position 16 applies to multi-valued properties/);
    refused('user.otherMails -any (_ -eq "a" -and user.proxyAddresses -all (_ -eq "b"))', /write _ for the item/);
  });

  it('operators and values', () => {
    refused('user.department -eq Sales', /expected a quoted value after -eq at position 16, found Sales at position 20; write "Sales"/);
    refused('user.department -eq', /expected a quoted value after -eq at position 16, found the end of the rule at position 19/);
    refused('user.department -gt "x"', /unknown operator -gt at position 16; operators are -eq, -ne/);
    refused('user.department', /expected an operator such as -eq after user\.department at position 15, found the end of the rule/);
    refused('user.mail -not null', /-not at position 10 is not a comparison operator; write user\.mail -ne null/);
    refused('user.mail -startsWith null', /null after -startsWith at position 10 can only be compared with -eq or -ne/);
    refused('user.accountEnabled -eq "true"', /expected true, false or null after -eq at position 20, found a quoted value at position 24; write true or false without quotes/);
    refused('user.accountEnabled -contains "t"', /true or false: compare it with -eq or -ne/);
    refused('user.department -eq ["a"]', /a list after -eq at position 16 needs -in or -notIn/);
    refused('user.department -in "a"', /expected a list like \["a", "b"\] after -in at position 16, found a quoted value at position 20/);
    refused('user.department -in []', /lists cannot be empty/);
    refused('user.department -in ["a",]', /expected a quoted value in the list that starts at position 20, found '\]' at position 25/);
    refused('user.department -in [50001, "50002"]', /found 50001 at position 21; write "50001"/);
    refused('user.department -in ["a" "b"]', /expected ',' or '\]' in the list that starts at position 20/);
    refused('user.department -eq ""', /never matches .* compare with null/);
    refused('user.department -le "x"', /-le at position 16 compares dates/);
    refused('user.employeeHireDate -contains "2020"', /is a date: compare it with -eq, -ne, -le or -ge/);
    refused('user.employeeHireDate -ge 2020-02-30', /expected a date such as 2024-06-10T18:13:20Z or system\.now after -ge at position 22, found 2020-02-30/);
    refused('user.employeeHireDate -ge 2020-01-01T10:00:00', /expected a date/);
    refused('user.employeeHireDate -ge system.now -plus 1d', /ISO 8601 duration/);
  });

  it('syntax', () => {
    refused('user.department -eq "Sales', /unterminated string starting at position 20/);
    refused('user.department -eq `"Sales', /unterminated string starting at position 20/);
    refused('user.department == "x"', /'==' at position 16 is not a rule operator; write -eq/);
    refused('user.department -eq "x" && user.city -eq "y"', /'&&' at position 24 .* write -and/);
    refused('user.department -eq “Sales”', /typographic quote “ at position 20/);
    refused('user.department -eq "x" -eq "y"', /expected -and, -or or the end of the rule at position 24, found -eq/);
    refused('user.department -eq "x" -or', /expected a property .* at position 27, found the end of the rule/);
    refused('(user.department -eq "x"', /expected '\)' to close the '\(' at position 0/);
    refused('user.department -eq "x")', /expected -and, -or or the end of the rule at position 23, found '\)'/);
    refused('user.department -eq "x" §', /unexpected character '§'|U\+00A7/);
    refused('user.displayName -match "(a"', /the pattern at position 24: the '\(' at pattern position 0 is never closed/);
    refused('user.displayName -match "(?<=a)b"', /lookahead and lookbehind are not supported/);
    refused('', /the rule is empty/);
    refused('  \n ', /the rule is empty/);
  });

  it('bounds length, nesting and lists', () => {
    const long = `user.department -eq "${'x'.repeat(3072)}"`;
    refused(long, /the rule is 3094 characters long; the limit is 3072/);
    const exact = `user.department -eq "${'x'.repeat(3072 - 22)}"`;
    assert.equal(exact.length, 3072);
    assert.equal(parseMembershipRule(exact).subject, 'user');
    refused(`${'('.repeat(40)}user.city -eq "x"${')'.repeat(40)}`, /nests deeper than 32 levels at position 32/);
    refused(`${'-not '.repeat(40)}user.city -eq "x"`, /nests deeper than 32 levels/);
    refused('('.repeat(3000), /nests deeper than 32 levels/);
    assert.equal(membershipRuleLimits.maxInList, 256);
    const list = (n: number) => `user.city -in [${Array.from({ length: n }, (_, i) => `"${i}"`).join(',')}]`;
    assert.equal((parseMembershipRule(list(256)).expr as { values: string[] }).values.length, 256);
    refused(list(257), /the list at position 14 has more than 256 values/);
    const flat = Array.from({ length: 100 }, (_, i) => `user.city -eq "${i}"`).join(' -or ');
    assert.equal((parseMembershipRule(flat).expr as { operands: unknown[] }).operands.length, 100);
  });
});
