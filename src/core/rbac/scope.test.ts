import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { allScope, groupScope, heldScopeTags, noScope, scopeOf, unionOfScopes } from './scope.js';

describe('scopes', () => {
  it('unites grants clause by clause, merging the groups of clauses with the same tags', () => {
    const union = unionOfScopes([scopeOf(['g1'], ['b', 'a']), scopeOf(['g2'], ['a', 'b']), scopeOf('all', ['c']), scopeOf(['g3'], ['c'])]);
    assert.deepEqual(union, { kind: 'clauses', clauses: [{ groupIds: ['g1', 'g2'], tagIds: ['a', 'b'] }, { groupIds: 'all', tagIds: ['c'] }] });
    assert.deepEqual(unionOfScopes([]), noScope);
    assert.equal(unionOfScopes([scopeOf(['g1'], ['a']), allScope]), allScope);
    assert.equal(scopeOf('all', 'all'), allScope);
  });

  it('reads the groups for untagged objects and the tags held from every clause', () => {
    const scope = unionOfScopes([scopeOf(['g1'], ['a']), scopeOf(['g2'], ['0'])]);
    assert.deepEqual(groupScope(scope), ['g1', 'g2']);
    assert.deepEqual([...(heldScopeTags(scope) as Set<string>)].sort(), ['0', 'a']);
    assert.equal(groupScope(unionOfScopes([scope, scopeOf('all', ['a'])])), 'all');
    assert.equal(heldScopeTags(unionOfScopes([scope, scopeOf(['g3'], 'all')])), 'all');
    assert.deepEqual(groupScope(noScope), []);
  });
});
