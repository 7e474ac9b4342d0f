// Property-based checks: any text either parses or fails with StewardError('invalid-input')
// (never a TypeError, a RegexSyntaxError or a stack overflow); generated valid rules evaluate
// against arbitrary subjects without throwing; `-not (X)` is always the negation of X; and each
// negated operator is the negation of its positive one.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { StewardError } from '../../errors.js';
import { evaluateRule } from './evaluate.js';
import { parseMembershipRule } from './parse.js';

const now = new Date('2024-06-10T12:00:00Z');

/** Parses and, when that works, evaluates against `subject`; any failure but invalid-input is a bug. */
function parsesOrInvalidInput(text: string, subject: Record<string, unknown> = {}): void {
  try {
    const rule = parseMembershipRule(text);
    assert.equal(typeof evaluateRule(rule, subject, { now }), 'boolean');
  } catch (err) {
    if (!(err instanceof StewardError) || err.code !== 'invalid-input' || err.target !== 'membershipRule') throw err;
    assert.match(err.message, /^membershipRule: /);
  }
}

const op = (name: string) => fc.constantFrom(`-${name}`, `–${name}`, name, `-${name.toUpperCase()}`, `-${name.toLowerCase()}`);
const text = fc.string({ unit: fc.constantFrom('a', 'b', 'S', 's', '"', '`', "'", ' ', 'é', '-', '1'), minLength: 1, maxLength: 6 });
const quoted = fc.tuple(text, fc.boolean()).map(([v, single]) => (single
  ? `'${v.replace(/'/g, "''")}'`
  : `"${v.replace(/`/g, '``').replace(/"/g, '`"')}"`));
const stringProperty = fc.constantFrom('user.department', 'user.jobTitle', 'USER.city', 'user.Mail', 'user.extensionAttribute3', 'user.otherMails');
const textOps = ['eq', 'ne', 'startsWith', 'notStartsWith', 'endsWith', 'notEndsWith', 'contains', 'notContains'];
const patterns = ['^Sa', 'les$', 'a.c', '[0-9]+', '(ab|cd)*e', '^$', '\\bx', '(?:a|b){2,3}', 'é', '^(a|aa)*$'];
const date = fc.constantFrom('2024-01-01T00:00:00Z', '"2024-06-10T12:00:00+02:00"', '2024-06-10', 'system.now', 'system.now -plus P1D', 'system.now –minus pt12h', 'system.now -minus P1Y2M3W4DT5H6M7S');

const comparison: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(stringProperty, fc.constantFrom(...textOps).chain(op), quoted).map((p) => p.join(' ')),
  fc.tuple(stringProperty, fc.constantFrom('in', 'notIn').chain(op), fc.array(quoted, { minLength: 1, maxLength: 4 }))
    .map(([p, o, list]) => `${p} ${o} [${list.join(', ')}]`),
  fc.tuple(stringProperty, fc.constantFrom('match', 'notMatch').chain(op), fc.constantFrom(...patterns)).map(([p, o, re]) => `${p} ${o} "${re}"`),
  fc.tuple(stringProperty, fc.constantFrom('eq', 'ne').chain(op), fc.constantFrom('null', '$null', 'NULL')).map((p) => p.join(' ')),
  fc.tuple(fc.constantFrom('eq', 'ne').chain(op), fc.constantFrom('true', 'false', 'True', 'null')).map(([o, v]) => `user.accountEnabled ${o} ${v}`),
  fc.tuple(fc.constantFrom('eq', 'ne', 'le', 'ge').chain(op), date).map(([o, d]) => `user.employeeHireDate ${o} ${d}`),
  fc.tuple(fc.constantFrom('any', 'all').chain(op), fc.constantFrom(...textOps).chain(op), quoted, fc.boolean())
    .map(([q, o, v, parens]) => (parens ? `user.proxyAddresses ${q} (_ ${o} ${v})` : `user.otherMails ${q} _ ${o} ${v}`)),
  fc.tuple(fc.constantFrom('any', 'all').chain(op), quoted, fc.constantFrom('-eq null', '-ne null', '-in ["Enabled", "Warning"]'))
    .map(([q, v, status]) => `user.assignedPlans ${q} (assignedPlan.service -eq ${v} -and assignedPlan.capabilityStatus ${status})`),
);

const { rule } = fc.letrec<{ rule: string; node: string }>((tie) => ({
  rule: fc.oneof({ maxDepth: 4 }, comparison, tie('node')),
  node: fc.oneof(
    fc.tuple(fc.constantFrom('and', 'or').chain(op), fc.array(tie('rule'), { minLength: 2, maxLength: 3 }))
      .map(([o, parts]) => parts.map((p) => `(${p})`).join(` ${o} `)),
    fc.tuple(op('not'), tie('rule')).map(([n, r]) => `${n} (${r})`),
    fc.tuple(op('not'), comparison).map(([n, c]) => `${n} ${c}`),
    tie('rule').map((r) => `( ${r} )`),
  ),
}));

const anyValue = fc.oneof(
  fc.constant(undefined), fc.constant(null), fc.constant(''), fc.constant({}),
  fc.string({ unit: fc.constantFrom('a', 'b', 'S', 's', 'e', '"', '`', 'é', '1', ' '), maxLength: 8 }),
  fc.integer(), fc.boolean(), fc.array(fc.string({ unit: fc.constantFrom('a', 'S', '1'), maxLength: 4 }), { maxLength: 3 }),
);
const subject = fc.record({
  department: anyValue, jobTitle: anyValue, city: anyValue, mail: anyValue, extensionAttribute3: anyValue,
  accountEnabled: fc.oneof(fc.boolean(), fc.constant('True'), fc.constant(null), fc.integer()),
  otherMails: anyValue, proxyAddresses: anyValue,
  assignedPlans: fc.oneof(anyValue, fc.array(fc.record({ service: anyValue, capabilityStatus: fc.constantFrom('Enabled', 'Warning', null) }), { maxLength: 3 })),
  employeeHireDate: fc.oneof(anyValue, fc.date({ noInvalidDate: false }), fc.constantFrom('2024-06-10T12:00:00Z', '2024-01-01', '2024-06-11T00:00:00Z')),
}, { requiredKeys: [] });

const vocabulary = [
  'user.department', 'device.deviceOSType', 'user.otherMails', 'user.assignedPlans', 'assignedPlan.service', '_', 'user.employeeHireDate',
  '-eq', '–ne', 'eq', '-startsWith', '-in', '-notIn', '-match', '-any', '-all', '-and', 'or', '-not', 'not', '-le', '-plus', '-gt',
  '(', ')', '[', ']', ',', '"x"', "'y'", '"', "'", '`"', '`', '""', 'null', '$null', 'true', 'system.now', 'P1D', '2024-01-01',
  '"(a|aa)*$"', '"(?=a)"', '"\\1"', '"[z-a]"', '==', '&&', '“', 'Direct Reports for', '😀', '\u0000', ' ', '',
];

describe('membership rules, property-based', () => {
  it('fail only with invalid-input on random text and token soup', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => parsesOrInvalidInput(s)), { numRuns: 2000 });
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom(...'()[],"\'`-–_. usrdevicpartmnqol$0123'.split('')), maxLength: 80 }), (s) => parsesOrInvalidInput(s)), { numRuns: 3000 });
    fc.assert(fc.property(fc.array(fc.constantFrom(...vocabulary), { maxLength: 30 }), fc.constantFrom(' ', ''), subject, (tokens, sep, s) => {
      parsesOrInvalidInput(tokens.join(sep), s);
    }), { numRuns: 4000 });
  });

  it('evaluates generated rules without throwing, and -not (X) is the negation of X', () => {
    fc.assert(fc.property(rule, subject, (r, s) => {
      fc.pre(r.length <= 3000);
      const x = evaluateRule(parseMembershipRule(r), s, { now });
      assert.equal(typeof x, 'boolean');
      assert.equal(evaluateRule(parseMembershipRule(`-not (${r})`), s, { now }), !x, r);
    }), { numRuns: 2000 });
  });

  it('makes each negated operator the negation of its positive one', () => {
    const pairs = [['eq', 'ne'], ['startsWith', 'notStartsWith'], ['endsWith', 'notEndsWith'], ['contains', 'notContains'], ['match', 'notMatch'], ['in', 'notIn']] as const;
    fc.assert(fc.property(fc.constantFrom(...pairs), stringProperty, quoted, subject, ([pos, neg], p, v, s) => {
      const value = pos === 'in' ? `[${v}]` : v;
      const a = evaluateRule(parseMembershipRule(`${p} -${pos} ${value}`), s);
      assert.equal(evaluateRule(parseMembershipRule(`${p} -${neg} ${value}`), s), !a);
    }), { numRuns: 2000 });
  });

  it('fails cleanly on mutations of valid rules', () => {
    fc.assert(fc.property(rule, fc.nat(), fc.nat(), fc.constantFrom(...vocabulary), subject, (r, a, b, insert, s) => {
      const i = a % (r.length + 1);
      const j = Math.min(r.length, i + (b % 8));
      parsesOrInvalidInput(r.slice(0, i) + r.slice(j), s);
      parsesOrInvalidInput(`${r.slice(0, i)} ${insert} ${r.slice(i)}`, s);
      parsesOrInvalidInput(r.slice(0, i) + insert + r.slice(i), s);
      parsesOrInvalidInput(r.slice(0, j) + r.slice(i, j) + r.slice(j), s);
    }), { numRuns: 2000 });
  });
});
