// Property-based checks of the $filter grammar: any input either parses or fails with
// ODataSyntaxError (never a TypeError or a stack overflow), and any tree formats to text that
// parses back to the same tree.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ODataSyntaxError, type CompareOperator, type FilterNode, type Literal } from './filter-ast.js';
import { dateTimeLiteral } from './lexer.js';
import { parseFilter } from './parse-filter.js';
import { formatFilter } from './format-filter.js';

function withoutPositions(node: FilterNode): unknown {
  return JSON.parse(JSON.stringify(node, (k, v: unknown) => (k === 'pos' ? undefined : v)));
}

function parsesOrSyntaxError(text: string): void {
  try {
    parseFilter(text);
  } catch (err) {
    if (!(err instanceof ODataSyntaxError)) throw err;
    assert.ok(err.position >= 0 && err.position <= Math.max(text.length, 4096), `position ${err.position} out of range`);
  }
}

const vocabulary = [
  'deviceName', 'isEncrypted', 'size', 'microsoft.graph.x', 'eq', 'ne', 'gt', 'ge', 'lt', 'le', 'and', 'or', 'not', 'in',
  'has', 'add', 'AND', 'Eq', '(', ')', ',', "'a'", "'it''s'", "'", "''", '1', '-2.5', '1e308', '1e999', 'true', 'null',
  '2024-01-02T03:04:05Z', '2024-02-30', '0f8fad5b-d9cb-469f-a165-70867728950e', "microsoft.graph.e'v'", "x'1'",
  'startswith', 'contains', 'tolower', '/', '@p', '$it', '=', '"', '\u0000', '😀', ' ', '',
];

const identifier = fc.stringMatching(/^[a-z][A-Za-z0-9]{0,6}$/).filter((s) => !['eq', 'ne', 'gt', 'ge', 'lt', 'le', 'and', 'or', 'not', 'in', 'has', 'add', 'sub', 'mul', 'div', 'divby', 'mod', 'true', 'false', 'null'].includes(s.toLowerCase()));
const literal: fc.Arbitrary<Literal> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 8 }).map((value): Literal => ({ type: 'string', value })),
  fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })).filter((n) => !Object.is(n, -0)).map((value): Literal => ({ type: 'number', value })),
  fc.boolean().map((value): Literal => ({ type: 'boolean', value })),
  fc.constant<Literal>({ type: 'null' }),
  fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('9999-01-01T00:00:00Z'), noInvalidDate: true })
    .map((d): Literal => dateTimeLiteral(d.toISOString())),
  fc.tuple(identifier, fc.string({ maxLength: 5 })).map(([t, value]): Literal => ({ type: 'enum', typeName: `microsoft.graph.${t}`, value })),
);
const operand: fc.Arbitrary<FilterNode> = fc.oneof(
  identifier.map((name): FilterNode => ({ kind: 'property', name, pos: 0 })),
  literal.map((l): FilterNode => ({ kind: 'literal', literal: l, pos: 0 })),
);
const { tree } = fc.letrec<{ tree: FilterNode; node: FilterNode }>((tie) => ({
  tree: fc.oneof({ maxDepth: 4 }, operand, tie('node')),
  node: fc.oneof(
    fc.tuple(fc.constantFrom<CompareOperator>('eq', 'ne', 'gt', 'ge', 'lt', 'le'), tie('tree'), tie('tree'))
      .map(([op, left, right]): FilterNode => ({ kind: 'compare', op, left, right, pos: 0 })),
    fc.tuple(fc.constantFrom('and', 'or' as const), fc.array(tie('tree'), { minLength: 2, maxLength: 3 }))
      .map(([kind, operands]): FilterNode => ({ kind, operands, pos: 0 })),
    tie('tree').map((o): FilterNode => ({ kind: 'not', operand: o, pos: 0 })),
    fc.tuple(operand, fc.array(operand, { minLength: 1, maxLength: 3 })).map(([o, list]): FilterNode => ({ kind: 'in', operand: o, list, pos: 0 })),
    fc.tuple(fc.constantFrom('startswith', 'contains', 'endswith'), fc.array(tie('tree'), { maxLength: 2 }))
      .map(([name, args]): FilterNode => ({ kind: 'call', name, args, pos: 0 })),
  ),
}));

describe('parseFilter, property-based', () => {
  it('fails only with ODataSyntaxError on random text', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), parsesOrSyntaxError), { numRuns: 2000 });
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom(...'()\',- eqandornt0123456789.TZ:'.split('')), maxLength: 80 }), parsesOrSyntaxError), { numRuns: 2000 });
  });

  it('fails only with ODataSyntaxError on random token sequences', () => {
    fc.assert(fc.property(fc.array(fc.constantFrom(...vocabulary), { maxLength: 40 }), fc.constantFrom(' ', ''), (tokens, sep) => {
      parsesOrSyntaxError(tokens.join(sep));
    }), { numRuns: 3000 });
  });

  it('reads formatted trees back as the same tree, and mutations of them fail cleanly', () => {
    fc.assert(fc.property(tree, fc.nat(), fc.nat(), fc.constantFrom(...vocabulary), (t, a, b, insert) => {
      const text = formatFilter(t);
      fc.pre(text.length <= 4096);
      // A bare tree may be one the grammar cannot express unambiguously only if it is a chain
      // of comparisons, which formatFilter parenthesizes; everything else must round-trip.
      assert.deepEqual(withoutPositions(parseFilter(text)), withoutPositions(t), text);
      const i = a % (text.length + 1);
      const j = Math.min(text.length, i + (b % 6));
      parsesOrSyntaxError(text.slice(0, i) + text.slice(j));
      parsesOrSyntaxError(text.slice(0, i) + insert + text.slice(i));
      parsesOrSyntaxError(text.slice(0, i) + text.slice(i, j) + text.slice(i, j) + text.slice(j));
    }), { numRuns: 1500 });
  });
});
