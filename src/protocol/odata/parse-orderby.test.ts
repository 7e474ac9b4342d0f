import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ODataSyntaxError } from './filter-ast.js';
import { parseOrderBy } from './parse-orderby.js';

const items = (text: string) => parseOrderBy(text).map(({ property, direction }) => `${property} ${direction}`);

describe('parseOrderBy', () => {
  it('reads properties with optional directions, in any case (OData 4.01 §5.1.4)', () => {
    assert.deepEqual(items('deviceName'), ['deviceName asc']);
    assert.deepEqual(items('deviceName desc, lastSyncDateTime ASC,id'), ['deviceName desc', 'lastSyncDateTime asc', 'id asc']);
    assert.deepEqual(items('  a   DESC  '), ['a desc']);
    assert.deepEqual(parseOrderBy('a, b').map((i) => i.pos), [0, 3]);
  });

  it('says what is wrong and where', () => {
    const cases: [string, RegExp][] = [
      ['', /empty/],
      ['a,', /expected a property name at position 2, found the end/],
      ['a desc desc', /expected 'asc', 'desc', ',' or the end of the list at position 7, found 'desc'/],
      ['tolower(a)', /sorting by an expression is not supported/],
      ["a 'x'", /found a value/],
      ['microsoft.graph.x', /qualified names/],
      ['a/b', /'\/' at position 1/],
      ['a;b', /unexpected character ';'/],
      ['x'.repeat(2000), /limit is 1024/],
    ];
    for (const [text, message] of cases) {
      assert.throws(() => parseOrderBy(text), (err: unknown) => err instanceof ODataSyntaxError && message.test(err.message), text);
    }
  });
});
