import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StewardError } from '../errors.js';
import { managedDeviceSchema as schema } from '../devices/managed-device-schema.js';
import { parseListQuery, type ListLimits } from './list-query.js';
import type { FilterExpr } from './filter-expr.js';

const filter = (text: string): FilterExpr | undefined => parseListQuery({ $filter: text }, schema).filter;

function rejects(params: Record<string, string>, target: string, message: RegExp, limits?: ListLimits) {
  assert.throws(() => parseListQuery(params, schema, limits), (err: unknown) => {
    assert.ok(err instanceof StewardError, `expected StewardError, got ${String(err)}`);
    assert.equal(err.code, 'invalid-input');
    assert.equal(err.target, target);
    assert.match(err.message, message);
    return true;
  }, JSON.stringify(params));
}

describe('parseListQuery options', () => {
  it('defaults: key order, 100 rows, no count', () => {
    assert.deepEqual(parseListQuery({}, schema), { orderBy: [{ property: 'id', direction: 'asc' }], top: 100, count: false });
    assert.equal(parseListQuery({}, schema, { defaultTop: 20 }).top, 20);
  });

  it('accepts options with or without $, in any case (OData 4.01 Part 2 §5.1), and ignores custom options', () => {
    const q = parseListQuery({ top: '5', $COUNT: 'True', '$OrderBy': 'deviceName desc', select: 'id, DeviceName', 'api-version': '1', $search: '"ipad"' }, schema);
    assert.deepEqual(q, {
      orderBy: [{ property: 'deviceName', direction: 'desc' }, { property: 'id', direction: 'asc' }],
      top: 5, count: true, select: ['id', 'deviceName'], search: '"ipad"',
    });
    assert.equal(parseListQuery({ $top: undefined }, schema).top, 100);
  });

  it('keeps the order given and ends it with the key unless the key is in it', () => {
    assert.deepEqual(parseListQuery({ $orderby: 'id desc, deviceName' }, schema).orderBy,
      [{ property: 'id', direction: 'desc' }, { property: 'deviceName', direction: 'asc' }]);
  });

  it('validates $top, $count, $select, $skiptoken and $search', () => {
    rejects({ $top: '5000' }, '$top', /^\$top must be an integer from 1 to 999, got '5000'$/);
    rejects({ $top: '0' }, '$top', /from 1 to 999/);
    rejects({ $top: '-1' }, '$top', /got '-1'/);
    rejects({ $top: '1.5' }, '$top', /integer/);
    rejects({ $top: '' }, '$top', /got ''/);
    rejects({ $top: '50' }, '$top', /from 1 to 10, got '50'/, { maxTop: 10 });
    assert.equal(parseListQuery({ $top: '999' }, schema).top, 999);
    rejects({ $count: 'yes' }, '$count', /must be true or false, got 'yes'/);
    rejects({ $select: 'id,,deviceName' }, '$select', /item 2 is empty/);
    rejects({ $select: 'id,bogus' }, '$select', /unknown property 'bogus'; managedDevice has id, deviceName/);
    assert.equal(parseListQuery({ $select: '*' }, schema).select, undefined);
    assert.deepEqual(parseListQuery({ $select: 'deviceName,deviceName' }, schema).select, ['deviceName']);
    rejects({ $skiptoken: '' }, '$skiptoken', /not valid or belongs to another query/);
    assert.equal(parseListQuery({ $skiptoken: 'abc' }, schema).skipToken, 'abc');
    rejects({ $search: 'x'.repeat(2000) }, '$search', /limit is 1024/);
  });

  it('refuses unknown, unsupported and repeated options', () => {
    rejects({ $foo: '1' }, '$foo', /unknown query option '\$foo'; supported: \$filter, \$orderby, \$top/);
    rejects({ $skip: '10' }, '$skip', /\$skip is not supported; page with @odata.nextLink/);
    rejects({ expand: 'x' }, '$expand', /not supported/);
    rejects({ top: '1', $top: '2' }, '$top', /given twice/);
  });

  it('validates $orderby', () => {
    rejects({ $orderby: 'notes' }, '$orderby', /^\$orderby: property 'notes' cannot be sorted$/);
    rejects({ $orderby: 'deviceName, bogus desc' }, '$orderby', /unknown property 'bogus' at position 12; managedDevice can be sorted by id, deviceName/);
    rejects({ $orderby: 'deviceName, DEVICENAME desc' }, '$orderby', /'deviceName' is listed twice/);
    rejects({ $orderby: 'deviceName desc desc' }, '$orderby', /^\$orderby: expected 'asc', 'desc'/);
    rejects({ $orderby: Array(9).fill(0).map((_, i) => ['model', 'udid', 'imei', 'meid', 'osVersion', 'manufacturer', 'serialNumber', 'userId', 'phoneNumber'][i]).join(',') }, '$orderby', /limit is 8/);
  });
});

describe('parseListQuery $filter', () => {
  it('types literals by property: strings, enums, booleans, numbers, datetimes, null', () => {
    assert.deepEqual(filter("deviceName eq 'a''b' and complianceState eq 'Compliant' and isEncrypted and jailBroken ne 'True'"), {
      kind: 'and', operands: [
        { kind: 'compare', property: 'deviceName', op: 'eq', value: "a'b" },
        { kind: 'compare', property: 'complianceState', op: 'eq', value: 'compliant' },
        { kind: 'compare', property: 'isEncrypted', op: 'eq', value: true },
        { kind: 'compare', property: 'jailBroken', op: 'ne', value: 'True' },
      ],
    });
    assert.deepEqual(filter("managementAgent in ('mdm', microsoft.graph.managementAgentType'eas', 'mdm')"),
      { kind: 'in', property: 'managementAgent', values: ['mdm', 'eas'] });
    assert.deepEqual(filter('lastSyncDateTime lt 2024-01-02T03:04:05+01:00'),
      { kind: 'compare', property: 'lastSyncDateTime', op: 'lt', value: '2024-01-02T02:04:05.000Z' });
    assert.deepEqual(filter('notes eq null'), { kind: 'compare', property: 'notes', op: 'eq', value: null });
    assert.deepEqual(filter("DEVICENAME eq 'x'"), { kind: 'compare', property: 'deviceName', op: 'eq', value: 'x' });
  });

  it('puts the property on the left and folds `condition eq true`', () => {
    assert.deepEqual(filter('1000 lt totalStorageSpaceInBytes'), { kind: 'compare', property: 'totalStorageSpaceInBytes', op: 'gt', value: 1000 });
    assert.deepEqual(filter("startswith(deviceName,'a') eq false"),
      { kind: 'not', operand: { kind: 'match', fn: 'startswith', property: 'deviceName', value: 'a' } });
    assert.deepEqual(filter("true ne contains(model,'x')"), { kind: 'not', operand: { kind: 'match', fn: 'contains', property: 'model', value: 'x' } });
  });

  it('compares integers with decimals and millisecond columns with finer datetimes exactly', () => {
    const c = (op: string, value: number | string) => ({ kind: 'compare', op, value });
    const of = (text: string) => { const f = filter(text)!; return f.kind === 'compare' ? c(f.op, f.value as number) : f; };
    assert.deepEqual(of('totalStorageSpaceInBytes gt 1.5'), c('gt', 1));
    assert.deepEqual(of('totalStorageSpaceInBytes ge 1.5'), c('gt', 1));
    assert.deepEqual(of('totalStorageSpaceInBytes lt -1.5'), c('le', -2));
    assert.deepEqual(of('totalStorageSpaceInBytes le 1.5'), c('le', 1));
    assert.deepEqual(of('totalStorageSpaceInBytes eq 1.5'), { kind: 'constant', value: false });
    assert.deepEqual(of('totalStorageSpaceInBytes ne 1.5'), { kind: 'constant', value: true });
    assert.deepEqual(of('totalStorageSpaceInBytes eq 2.0'), c('eq', 2));
    assert.deepEqual(of('lastSyncDateTime ge 2024-01-01T00:00:00.0001Z'), { kind: 'compare', op: 'gt', value: '2024-01-01T00:00:00.000Z' });
    assert.deepEqual(filter('totalStorageSpaceInBytes in (1.5, 2)'), { kind: 'in', property: 'totalStorageSpaceInBytes', values: [2] });
    assert.deepEqual(filter('totalStorageSpaceInBytes in (1.5)'), { kind: 'constant', value: false });
  });

  it('names the property, the expected type and the position in every type error', () => {
    const cases: [string, RegExp][] = [
      ["foo eq 'x'", /^\$filter: unknown property 'foo' at position 0; managedDevice has id, deviceName, managedDeviceName/],
      ['deviceName eq', /^\$filter: expected a value after 'eq' at position 13/],
      ["isEncrypted eq 'true'", /isEncrypted is a boolean; expected true or false at position 15, found the string 'true'/],
      ["lastSyncDateTime gt '2024-01-01T00:00:00Z'", /datetimes are written without quotes/],
      ['lastSyncDateTime gt 2024-01-01', /write 2024-01-01T00:00:00Z/],
      ['lastSyncDateTime gt 5', /lastSyncDateTime is a datetime; expected a datetime like/],
      ["totalStorageSpaceInBytes gt '5'", /numbers are written without quotes/],
      ['totalStorageSpaceInBytes gt 1e300', /outside the range/],
      ['deviceName eq 42', /deviceName is a string; expected a quoted string like 'text' at position 14, found the number 42; put it in quotes: '42'/],
      ['id eq 0f8fad5b-d9cb-469f-a165-70867728950e', /put it in quotes: '0f8fad5b-d9cb-469f-a165-70867728950e'/],
      ["complianceState eq 'sparkly'", /'sparkly' at position 19 is not a value of complianceState; allowed: unknown, compliant, noncompliant, conflict, error, inGracePeriod, configManager/],
      ["complianceState eq microsoft.graph.managementAgentType'mdm'", /not the type of complianceState \(microsoft.graph.complianceState\)/],
      ["complianceState gt 'compliant'", /'gt' at position 16 cannot compare the enum complianceState; use eq, ne or in/],
      ['complianceState eq null', /complianceState is never null/],
      ['deviceName gt null', /'gt null' at position 11 is never true/],
      ["startswith(complianceState,'c')", /startswith at position 0 needs a string property; complianceState is an enum/],
      ["startswith(deviceName)", /takes two arguments/],
      ['contains(deviceName, 5)', /must be a quoted string/],
      ["tolower(deviceName) eq 'x'", /function 'tolower' at position 0 is not supported; \$filter supports startswith, endswith and contains/],
      ["frobnicate(deviceName)", /function 'frobnicate' at position 0 is unknown/],
      ['deviceName', /deviceName at position 0 is a string, not a condition/],
      ["'x' eq 'y'", /has no property/],
      ['deviceName eq model', /comparing two properties \(deviceName and model\)/],
      ["deviceName in ('a', null)", /null is not allowed in an 'in' list/],
      ["deviceName eq 'a\u0000b'", /U\+0000/],
      ['true', /expected a condition at position 0, found the value true/],
    ];
    for (const [text, message] of cases) rejects({ $filter: text }, '$filter', message);
  });

  it('refuses non-filterable properties', () => {
    const locked = { ...schema, properties: { ...schema.properties, notes: { ...schema.properties.notes, filterable: false } } };
    assert.throws(() => parseListQuery({ $filter: "notes eq 'x'" }, locked), /property 'notes' at position 0 cannot be used in \$filter/);
  });

  it('applies the filter limits it is given', () => {
    rejects({ $filter: "deviceName in ('a','b','c')" }, '$filter', /more than 2 values/, { filter: { maxInList: 2 } });
    rejects({ $filter: "deviceName eq 'abc'" }, '$filter', /limit is 10/, { filter: { maxLength: 10 } });
  });
});
