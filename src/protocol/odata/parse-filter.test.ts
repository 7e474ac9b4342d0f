import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ODataSyntaxError, type FilterNode } from './filter-ast.js';
import { parseFilter } from './parse-filter.js';
import { formatFilter } from './format-filter.js';

/** The tree without positions, as nested arrays that read like the expression. */
function shape(node: FilterNode): unknown {
  switch (node.kind) {
    case 'and':
    case 'or': return [node.kind, ...node.operands.map(shape)];
    case 'not': return ['not', shape(node.operand)];
    case 'compare': return [node.op, shape(node.left), shape(node.right)];
    case 'in': return ['in', shape(node.operand), node.list.map(shape)];
    case 'call': return [`${node.name}()`, ...node.args.map(shape)];
    case 'property': return node.name;
    case 'literal': {
      const l = node.literal;
      return l.type === 'null' ? null : l.type === 'string' || l.type === 'number' || l.type === 'boolean' ? l.value : l;
    }
  }
}

const parsed = (text: string) => shape(parseFilter(text));

function throwsAt(text: string, message: RegExp, position?: number) {
  assert.throws(() => parseFilter(text), (err: unknown) => {
    assert.ok(err instanceof ODataSyntaxError, `expected ODataSyntaxError, got ${String(err)}`);
    assert.match(err.message, message);
    if (position !== undefined) assert.equal(err.position, position, err.message);
    return true;
  });
}

describe('parseFilter', () => {
  it('reads comparisons and literals', () => {
    assert.deepEqual(parsed("deviceName eq 'it''s'"), ['eq', 'deviceName', "it's"]);
    assert.deepEqual(parsed('size ge -12.5'), ['ge', 'size', -12.5]);
    assert.deepEqual(parsed('size lt 1e3'), ['lt', 'size', 1000]);
    assert.deepEqual(parsed('isEncrypted ne true'), ['ne', 'isEncrypted', true]);
    assert.deepEqual(parsed('notes eq null'), ['eq', 'notes', null]);
    assert.deepEqual(parsed("state eq microsoft.graph.complianceState'compliant'"),
      ['eq', 'state', { type: 'enum', typeName: 'microsoft.graph.complianceState', value: 'compliant' }]);
    assert.deepEqual(parsed('id eq 0f8fad5b-d9cb-469f-a165-70867728950e'),
      ['eq', 'id', { type: 'guid', text: '0f8fad5b-d9cb-469f-a165-70867728950e' }]);
    assert.deepEqual(parsed('d eq 2024-02-29'), ['eq', 'd', { type: 'date', text: '2024-02-29' }]);
  });

  it('normalizes datetimes to the store text (UTC, milliseconds) and notes extra precision', () => {
    const dt = (text: string) => (parseFilter(`t gt ${text}`) as { right: { literal: unknown } }).right.literal;
    assert.deepEqual(dt('2024-01-02T03:04:05Z'), { type: 'datetime', text: '2024-01-02T03:04:05Z', iso: '2024-01-02T03:04:05.000Z', subMillisecond: false });
    assert.equal((dt('2024-01-02T03:04+02:00') as { iso: string }).iso, '2024-01-02T01:04:00.000Z');
    assert.equal((dt('2024-01-01T00:30:00.5-01:30') as { iso: string }).iso, '2024-01-01T02:00:00.500Z');
    assert.deepEqual(dt('2024-01-02T03:04:05.1234567Z'), { type: 'datetime', text: '2024-01-02T03:04:05.1234567Z', iso: '2024-01-02T03:04:05.123Z', subMillisecond: true });
    assert.equal((dt('2024-01-02T03:04:05.1230000Z') as { subMillisecond: boolean }).subMillisecond, false);
    assert.equal((dt('0099-12-31t23:59:59z') as { iso: string }).iso, '0099-12-31T23:59:59.000Z');
  });

  it('rejects impossible dates and incomplete datetimes', () => {
    throwsAt('t gt 2023-02-29T00:00:00Z', /not a valid calendar date/, 5);
    throwsAt('t gt 2024-13-01', /not a valid calendar date/);
    throwsAt('t gt 2024-01-01T24:00:00Z', /time of day out of range/);
    throwsAt('t gt 2024-01-01T00:00:00+24:00', /offset out of range/);
    throwsAt('t gt 2024-01-02T03:04:05', /incomplete.*time zone/, 5);
    throwsAt('t gt 9999-12-31T23:00:00-05:00', /out of the supported range/);
  });

  it('gives and precedence over or, and not a whole comparison', () => {
    assert.deepEqual(parsed('a eq 1 or b eq 2 and c eq 3'), ['or', ['eq', 'a', 1], ['and', ['eq', 'b', 2], ['eq', 'c', 3]]]);
    assert.deepEqual(parsed('(a eq 1 or b eq 2) and c eq 3'), ['and', ['or', ['eq', 'a', 1], ['eq', 'b', 2]], ['eq', 'c', 3]]);
    assert.deepEqual(parsed('not a eq 1 and b'), ['and', ['not', ['eq', 'a', 1]], 'b']);
    assert.deepEqual(parsed('not(startswith(a,\'x\'))'), ['not', ['startswith()', 'a', 'x']]);
    assert.deepEqual(parsed('a eq 1 or b eq 2 or c eq 3'), ['or', ['eq', 'a', 1], ['eq', 'b', 2], ['eq', 'c', 3]]);
  });

  it('reads in-lists and function calls', () => {
    assert.deepEqual(parsed("os in ('iOS', 'Android')"), ['in', 'os', ['iOS', 'Android']]);
    assert.deepEqual(parsed("not os in ('iOS')"), ['not', ['in', 'os', ['iOS']]]);
    assert.deepEqual(parsed("contains(deviceName,'x') and endswith(upn, '@x.org')"),
      ['and', ['contains()', 'deviceName', 'x'], ['endswith()', 'upn', '@x.org']]);
  });

  it('takes operators, literals and function names in any case (OData 4.01 §5.1.1)', () => {
    assert.deepEqual(parsed("A EQ 1 AND NOT B Ne TRUE Or StartsWith(c,'x') or d IN (NULL)"),
      ['or', ['and', ['eq', 'A', 1], ['not', ['ne', 'B', true]]], ['startswith()', 'c', 'x'], ['in', 'd', [null]]]);
  });

  it('says what is wrong and where', () => {
    throwsAt('deviceName eq', /expected a value after 'eq' at position 13, found the end/, 13);
    throwsAt("deviceName eq 'abc", /unterminated string starting at position 14/, 14);
    throwsAt("deviceName = 'x'", /'=' at position 11 is not an OData operator; write 'eq'/, 11);
    throwsAt("a ne 'x' && b eq 1", /'&&'.*write 'and'/);
    throwsAt('deviceName eq "x"', /single quotes/);
    throwsAt('a eq 1 eq 2', /cannot be chained/, 7);
    throwsAt('a eq 1 b eq 2', /expected 'and', 'or' or the end of the expression at position 7, found 'b'/, 7);
    throwsAt('(a eq 1', /expected '\)' to close the '\(' at position 0/);
    throwsAt('a in ()', /'in' list at position 5 is empty/);
    throwsAt("a in 'x'", /expected '\(' after 'in'/);
    throwsAt('a add 1 eq 2', /arithmetic operator 'add'/);
    throwsAt("flags has x'1'", /'has'|not supported/);
    throwsAt("hardwareInformation/serialNumber eq 'x'", /'\/' at position 19/);
    throwsAt('a eq @p', /parameter aliases/);
    throwsAt('$it eq 1', /\$it/);
    throwsAt("a eq duration'P1D'", /duration'…' literals are not supported/);
    throwsAt('a eq and', /expected a value after 'eq' at position 5, found the operator 'and'/);
    throwsAt('', /empty/);
    throwsAt('   ', /empty/);
    throwsAt('a eq 1 §', /unexpected character '§'|U\+00A7/);
  });

  it('bounds length, nesting and in-lists instead of overflowing the stack', () => {
    throwsAt(`a eq '${'x'.repeat(5000)}'`, /limit is 4096/);
    throwsAt(`${'('.repeat(40)}a eq 1${')'.repeat(40)}`, /nests deeper than 32 levels/);
    throwsAt(`${'not '.repeat(40)}a`, /nests deeper than 32 levels/);
    throwsAt(`a in (${Array.from({ length: 201 }, (_, i) => i).join(',')})`, /more than 200 values/);
    assert.throws(() => parseFilter('('.repeat(100_000), { maxLength: 200_000 }), ODataSyntaxError);
    const flat = Array.from({ length: 300 }, (_, i) => `a eq ${i}`).join(' or ');
    assert.equal((parseFilter(flat) as { operands: unknown[] }).operands.length, 300);
    assert.throws(() => parseFilter('a eq 1 and b eq 2', { maxLength: 10 }), /limit is 10/);
  });

  it('formats a tree as text that parses back to the same tree', () => {
    for (const text of [
      "a eq 'it''s' and (b ne 2 or not (c eq true)) and d in ('x', 'y')",
      "not (a eq 1 or b eq 2) and startswith(c, 'x')",
      'e eq microsoft.graph.complianceState\'compliant\' or t gt 2024-01-02T03:04:05.5+01:00',
      '(a eq 1 or b eq 2) and (c eq 3 or (d eq 4 and e eq 5))',
    ]) {
      const tree = parseFilter(text);
      assert.deepEqual(shape(parseFilter(formatFilter(tree))), shape(tree), text);
    }
  });
});
