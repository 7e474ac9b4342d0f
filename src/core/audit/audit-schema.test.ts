import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { auditEventSchema, restorePaths, rewriteResourceFilters, rewritePaths, selectedProperty } from './audit-schema.js';

describe('auditEventSchema', () => {
  it('has a column for every filterable actor path', () => {
    for (const name of ['actor_userPrincipalName', 'actor_auditActorType', 'actor_userId', 'actor_applicationId', 'actor_ipAddress']) {
      assert.equal(auditEventSchema.properties[name as keyof typeof auditEventSchema.properties].type, 'string', name);
    }
    assert.equal(auditEventSchema.properties.actor.filterable, false);
    assert.equal(auditEventSchema.properties.seq.sortable, false);
  });
});

describe('rewritePaths', () => {
  it('turns actor/x into actor_x outside string literals only, keeping the length', () => {
    const cases: [string, string][] = [
      ["actor/userPrincipalName eq 'a/b'", "actor_userPrincipalName eq 'a/b'"],
      ["Actor/UserPrincipalName eq 'actor/x' or (actor/userId eq 'it''s actor/y')", "Actor_UserPrincipalName eq 'actor/x' or (actor_userId eq 'it''s actor/y')"],
      ["startswith(actor/userPrincipalName,'ann')", "startswith(actor_userPrincipalName,'ann')"],
      ['actor/userPrincipalName desc, activityDateTime', 'actor_userPrincipalName desc, activityDateTime'],
      // Not a path of actor: left for the parser to refuse.
      ["resources/any(r: r/resourceId eq 'x')", "resources/any(r: r/resourceId eq 'x')"],
      ["myactor/x eq 'y'", "myactor/x eq 'y'"],
      ["microsoft.graph.actor/x eq 'y'", "microsoft.graph.actor/x eq 'y'"],
      ["'unterminated actor/x", "'unterminated actor/x"],
    ];
    for (const [given, expected] of cases) {
      assert.equal(rewritePaths(given), expected, given);
      assert.equal(rewritePaths(given).length, given.length);
    }
  });

  it('spells paths back in messages', () => {
    assert.equal(restorePaths("unknown property 'Actor_UserPrincipalName'; auditEvent has id, actor_userId, actor_ipAddress"),
      "unknown property 'Actor/UserPrincipalName'; auditEvent has id, actor/userId, actor/ipAddress");
    assert.equal(restorePaths('factor_x actor_ actor_9'), 'factor_x actor_ actor_9');
  });

  it('selects the whole actor for a path, and never the internal key', () => {
    assert.equal(selectedProperty('actor_userId'), 'actor');
    assert.equal(selectedProperty('category'), 'category');
    assert.equal(selectedProperty('seq'), undefined);
  });
});

describe('rewriteResourceFilters', () => {
  it("turns Graph's resources/any lambda into a match on the stored JSON, outside literals only", () => {
    const cases: [string, string][] = [
      ["resources/any(r:r/resourceId eq 'd4')", `contains(resources,'"resourceId":"d4"')`],
      // A quote of the literal ('') and a double quote (escaped by JSON) in the value.
      ["category eq 'Device' and Resources/Any( x : x/DisplayName eq 'O''Brien \"1\"' )", 'category eq \'Device\' and contains(resources,\'"displayName":"O\'\'Brien \\"1\\""\')'],
      ["resources/any(r:r/auditResourceType eq 'User') or activity eq 'resources/any'", `contains(resources,'"auditResourceType":"User"') or activity eq 'resources/any'`],
      ["activity eq 'it''s resources/x'", "activity eq 'it''s resources/x'"],
    ];
    for (const [given, expected] of cases) assert.equal(rewriteResourceFilters(given), expected, given);
  });

  it('refuses other uses of resources, and the internal property, in words', () => {
    for (const bad of ["resources/any(r:r/resourceId ne 'x')", "resources/any(r:r/modifiedProperties eq 'x')", "resources/any(r:s/resourceId eq 'x')", "resources eq 'x'", "contains(resources,'x')", "resourcesX eq 1"]) {
      assert.throws(() => rewriteResourceFilters(bad), /resources can be filtered only as resources\/any\(r:r\/resourceId eq/, bad);
    }
  });
});
