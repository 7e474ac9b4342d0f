// Property-based checks of parseListQuery: whatever a client sends, the only failure is
// StewardError('invalid-input') naming a query option; valid filters survive a round trip
// through $filter text. (Executing generated filters is checked in store/list-query.test.ts.)
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { StewardError } from '../errors.js';
import { managedDeviceSchema as schema } from '../devices/managed-device-schema.js';
import { parseListQuery } from './list-query.js';
import { filterArbitrary, formatFilterExpr } from './testing.js';

function onlyInvalidInput(params: Record<string, string>): void {
  try {
    parseListQuery(params, schema);
  } catch (err) {
    if (!(err instanceof StewardError) || err.code !== 'invalid-input') throw err;
    assert.ok(err.target?.startsWith('$'), `target ${String(err.target)}`);
    assert.ok(err.message.length > 10 && err.message.length < 2000, err.message);
  }
}

const names = Object.keys(schema.properties);
const vocabulary = [
  ...names, 'eq', 'ne', 'gt', 'ge', 'lt', 'le', 'and', 'or', 'not', 'in', 'has', 'OR', 'Not', '(', ')', ',', "'compliant'",
  "'iPhone'", "'it''s'", "'", '0', '-1', '1.5', '1e400', 'true', 'false', 'null', '2024-01-02T03:04:05Z', '2024-01-02T03:04:05.1234567+05:30',
  '2024-01-02', '0f8fad5b-d9cb-469f-a165-70867728950e', "microsoft.graph.complianceState'compliant'", "microsoft.graph.x'y'",
  'startswith', 'endswith', 'contains', 'tolower', 'now()', '/', '@p', '$it', '"x"', '\u0000', 'É', ' ',
];
const tokens = fc.array(fc.constantFrom(...vocabulary), { maxLength: 30 });

describe('parseListQuery, property-based', () => {
  it('fails only with invalid-input on random strings in any option', () => {
    const option = fc.constantFrom('$filter', '$orderby', '$top', '$skiptoken', '$count', '$select', '$search', 'filter', '$FILTER', '$expand', '$bogus');
    fc.assert(fc.property(fc.dictionary(option, fc.string({ unit: 'binary', maxLength: 100 }), { maxKeys: 4 }), onlyInvalidInput), { numRuns: 3000 });
  });

  it('fails only with invalid-input on random token sequences', () => {
    fc.assert(fc.property(tokens, fc.constantFrom(' ', ''), (t, sep) => onlyInvalidInput({ $filter: t.join(sep) })), { numRuns: 5000 });
    fc.assert(fc.property(tokens, (t) => onlyInvalidInput({ $orderby: t.join(' '), $select: t.join(',') })), { numRuns: 1000 });
  });

  it('reads generated filters back exactly, and mutations of them fail only with invalid-input', () => {
    const mutation = fc.tuple(fc.nat(), fc.nat({ max: 8 }), fc.constantFrom(...vocabulary), fc.constantFrom('delete', 'insert', 'duplicate', 'swap'));
    fc.assert(fc.property(filterArbitrary(schema), mutation, (expr, [at, span, token, how]) => {
      const text = formatFilterExpr(expr, schema);
      fc.pre(text.length <= 4096);
      assert.deepEqual(parseListQuery({ $filter: text }, schema).filter, expr, text);
      const i = at % (text.length + 1);
      const j = Math.min(text.length, i + span);
      const mutated = how === 'delete' ? text.slice(0, i) + text.slice(j)
        : how === 'insert' ? `${text.slice(0, i)} ${token} ${text.slice(i)}`
          : how === 'duplicate' ? text.slice(0, j) + text.slice(i, j) + text.slice(j)
            : text.slice(j) + text.slice(0, j);
      onlyInvalidInput({ $filter: mutated });
    }), { numRuns: 2000 });
  });

  it('never overflows the stack on adversarial nesting', () => {
    for (const text of ['('.repeat(4000), 'not '.repeat(1000), "startswith(".repeat(400), `deviceName in (${'('.repeat(2000)}`, `${'not ('.repeat(600)}isEncrypted`]) {
      onlyInvalidInput({ $filter: text });
    }
  });
});
