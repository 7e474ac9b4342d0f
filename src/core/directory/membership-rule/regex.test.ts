import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compileRegex, regexLimits, RegexSyntaxError } from './regex.js';

const matches = (pattern: string, input: string) => compileRegex(pattern).test(input);

function refused(pattern: string, message: RegExp, position?: number) {
  assert.throws(() => compileRegex(pattern), (err: unknown) => {
    assert.ok(err instanceof RegexSyntaxError, `expected RegexSyntaxError, got ${String(err)}`);
    assert.match(err.message, message);
    if (position !== undefined) assert.equal(err.position, position, err.message);
    return true;
  }, pattern);
}

describe('compileRegex', () => {
  it('answers the page\'s -match examples: found anywhere, case ignored', () => {
    // https://learn.microsoft.com/entra/identity/users/groups-dynamic-membership, "Using the -match operator"
    for (const name of ['Da', 'Dav', 'David']) assert.ok(matches('^Da.*', name), name);
    assert.ok(!matches('^Da.*', 'aDa'));
    assert.ok(matches('.*vid', 'David'));
    assert.ok(!matches('.*vid', 'Da'));
    assert.ok(matches('ago', 'Lagos'));
    assert.ok(matches('.*?ago.*', 'Lagos'));
    assert.ok(matches('@domain\\.ext$', 'someone@DOMAIN.ext'));
    assert.ok(matches('^[A-Z]+$', 'abc'));
    assert.ok(matches('^[^a-z]+$', '123') && !matches('^[^a-z]+$', '1A3'));
  });

  it('supports the shared .NET/ECMAScript syntax', () => {
    assert.ok(matches('^(?:ab|cd){2}$', 'abcd'));
    assert.ok(!matches('^(?:ab|cd){3}$', 'abcd'));
    assert.ok(matches('^a{2,}$', 'aaa') && !matches('^a{2,}$', 'a'));
    assert.ok(matches('^a{1,2}b$', 'aab') && !matches('^a{1,2}b$', 'aaab'));
    assert.ok(matches('^(?<dept>\\d+)-\\w+$', '42-sales'));
    assert.ok(matches('\\bsales\\b', 'inside sales team') && !matches('\\bsales\\b', 'salesforce'));
    assert.ok(matches('\\Bforce', 'salesforce'));
    assert.ok(matches('^\\s*x\\S$', '  xy'));
    assert.ok(matches('^\\x41\\u0042$', 'ab'));
    assert.ok(matches('a{,2}', 'a{,2}'), "a '{' that is not a count is a literal");
    assert.ok(matches('^[\\]a-]+$', ']-a'));
    assert.ok(matches('^[]a]+$', ']a'), 'a leading ] in a class is literal, as in .NET');
    assert.ok(matches('^a*?b+?$', 'aabb'));
    assert.ok(matches('^é$', 'É') && matches('^[à-ÿ]$', 'Ö'));
    assert.ok(matches('^.$', '😀'), '. is one code point');
    assert.ok(matches('end$', 'the end\n') && !matches('end$', 'the end\nx'), '$ before a final newline, as in .NET');
    assert.ok(!matches('^.$', '\n'));
    assert.ok(matches('', 'anything') && matches('(|a)*', ''));
  });

  it('refuses what needs backtracking or .NET specifics, saying where', () => {
    refused('(a)\\1', /\\1 at pattern position 3: back-references are not supported/, 3);
    refused('a(?=b)', /lookahead and lookbehind are not supported/, 1);
    refused('(?<!a)b', /lookahead and lookbehind/);
    refused('(?>a+)', /atomic groups are not supported/);
    refused('(?i)abc', /inline options/);
    refused('\\p{L}', /\\p at pattern position 0 is not supported/);
    refused('[a-z-[aeiou]]', /class subtraction/);
    refused('*a', /nothing to repeat at pattern position 0/, 0);
    refused('a**', /a quantifier cannot follow another quantifier at pattern position 2/, 2);
    refused('^*', /anchor cannot take a quantifier/);
    refused('{2}', /nothing to repeat/);
    refused('a{3,2}', /out of order/);
    refused('[z-a]', /out of order/);
    refused('(a', /never closed/);
    refused('a)', /unmatched '\)' at pattern position 1/, 1);
    refused('[abc', /never closed/);
    refused('abc\\', /lone '\\'/);
    refused('a{101}', new RegExp(`over ${regexLimits.maxRepeat}`));
    refused('((a{100}){100}){100}', /too large once its repetitions are expanded/);
    refused('x'.repeat(regexLimits.maxPatternLength + 1), /limit is 512/);
    refused(`${'('.repeat(40)}a${')'.repeat(40)}`, /nest deeper than 32/);
  });

  it('runs in time linear in the input on patterns that make backtracking engines explode', () => {
    const long = 'a'.repeat(20_000);
    for (const [pattern, input, expected] of [
      ['(a|aa)*$', `${long}b`, true],
      ['^(a|aa)*$', `${long}b`, false],
      ['^(a+)+$', `${long}!`, false],
      ['(x+x+)+y', 'x'.repeat(20_000), false],
      ['^(.*a){20}$', long.slice(0, 5000), true],
      ['.*a.*a.*a.*a.*b', long, false],
    ] as const) {
      const started = performance.now();
      assert.equal(matches(pattern, input), expected, pattern);
      // Not a benchmark: a backtracking engine takes longer than the age of the universe here.
      assert.ok(performance.now() - started < 5000, `${pattern} took ${performance.now() - started} ms`);
    }
  });

  it('agrees with JavaScript RegExp (flag i) on random patterns and inputs', () => {
    const { pattern } = fc.letrec<{ pattern: string; atom: string }>((tie) => ({
      atom: fc.oneof({ maxDepth: 3 },
        fc.constantFrom('a', 'b', 'A', '.', '[ab]', '[^a]', '[a-c]', '\\d', '\\w', '\\s', '1', ' ', '\\.', '\\b'),
        tie('pattern').map((p) => `(${p})`),
        tie('pattern').map((p) => `(?:${p})`)),
      pattern: fc.oneof({ maxDepth: 3 },
        fc.array(fc.tuple(tie('atom'), fc.constantFrom('', '', '*', '+', '?', '{2}', '{1,2}', '{0,}', '*?')), { maxLength: 4 })
          .map((parts) => parts.map(([a, q]) => (a === '\\b' ? a : a + q)).join('')),
        fc.tuple(tie('pattern'), tie('pattern')).map(([x, y]) => `${x}|${y}`),
        tie('pattern').map((p) => `^${p}`),
        tie('pattern').map((p) => `${p}$`)),
    }));
    fc.assert(fc.property(pattern, fc.string({ unit: fc.constantFrom('a', 'b', 'A', 'B', 'c', '1', ' ', '.'), maxLength: 12 }), (p, input) => {
      fc.pre(p.length <= 200); // the size limits are tested above
      let re;
      try {
        re = compileRegex(p);
      } catch (err) {
        fc.pre(!(err instanceof RegexSyntaxError && /too large/.test(err.message)));
        throw err;
      }
      assert.equal(re.test(input), new RegExp(p, 'i').test(input), `/${p}/ on ${JSON.stringify(input)}`);
    }), { numRuns: 3000 });
  });

  it('fails only with RegexSyntaxError on random patterns', () => {
    const unit = fc.constantFrom(...'ab.*+?|()[]{}^$\\-,0123dwsbBpk<>=!:\'xu'.split(''));
    fc.assert(fc.property(fc.string({ unit, maxLength: 30 }), fc.string({ maxLength: 20 }), (p, input) => {
      try {
        compileRegex(p).test(input);
      } catch (err) {
        if (!(err instanceof RegexSyntaxError)) throw err;
        assert.ok(err.position >= 0 && err.position <= p.length, `${err.position} for ${p}`);
      }
    }), { numRuns: 5000 });
  });
});
