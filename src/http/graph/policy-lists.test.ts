// GET deviceCompliancePolicies and GET deviceConfigurations with Graph's query options on SQLite and
// PostgreSQL: $filter and $orderby over the base type's properties, $top with nextLink paging,
// $count, $select (the subtype kept), the caller's scope tags, and clear 400s for what they refuse.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testDialects } from '../../store/testing.js';
import type { Database } from '../../store/database.js';
import { bearer, PUBLIC_URL, tag5Authenticator, testApp, type TestApp } from '../../../test/support/http.js';
import type { GraphCollection, GraphErrorBody } from '../../../test/support/directory.js';
import type { ResourceOperation } from '../../core/auth/principal.js';

const collections = [
  {
    set: '/deviceManagement/deviceCompliancePolicies',
    resource: 'DeviceCompliancePolices',
    body: (displayName: string, over: object = {}) => ({ '@odata.type': '#microsoft.graph.iosCompliancePolicy', displayName, osMinimumVersion: '17.0', ...over }),
    patch: { osMinimumVersion: '17.4' },
    type: '#microsoft.graph.iosCompliancePolicy',
    subtypeProperty: 'osMinimumVersion',
  },
  {
    set: '/deviceManagement/deviceConfigurations',
    resource: 'DeviceConfigurations',
    body: (displayName: string, over: object = {}) => ({ '@odata.type': '#microsoft.graph.iosGeneralDeviceConfiguration', displayName, passcodeRequired: true, ...over }),
    patch: { passcodeMinimumLength: 6 },
    type: '#microsoft.graph.iosGeneralDeviceConfiguration',
    subtypeProperty: 'passcodeRequired',
  },
] as const;

for (const dialect of testDialects()) {
  for (const c of collections) {
    describe(`GET ${c.set} with query options on ${dialect.name}`, () => {
      let database: Database;
      let t: TestApp;
      const ops = ['Read', 'Create', 'Update', 'Assign'].map((o) => `Microsoft.Intune_${c.resource}_${o}` as ResourceOperation);
      const admin = bearer(...ops);
      const scoped = { authorization: `Bearer scoped:${ops.join(',')}` };
      const ids: Record<string, string> = {};
      before(async () => {
        database = await dialect.open();
        t = await testApp(database, { authenticator: tag5Authenticator });
        // Created in this order; 'Bravo' is changed once (version 2), 'Echo' carries tag 5 only.
        for (const name of ['Charlie', 'alpha', 'Bravo', 'Delta', 'Echo']) {
          const res = await t.app.inject({ method: 'POST', url: `/beta${c.set}`, headers: admin, payload: c.body(name, name === 'Echo' ? { roleScopeTagIds: ['5'] } : {}) });
          assert.equal(res.statusCode, 201, res.body);
          ids[name] = res.json<{ id: string }>().id;
          await new Promise((resolve) => setTimeout(resolve, 3)); // distinct creation times
        }
        await new Promise((resolve) => setTimeout(resolve, 3));
        const patched = await t.app.inject({ method: 'PATCH', url: `/beta${c.set}/${ids.Bravo}`, headers: admin, payload: c.patch });
        assert.equal(patched.statusCode, 204, patched.body);
      });
      after(async () => { await t.app.close(); await database.close(); });

      const list = async (query: string, headers: Record<string, string> = admin) => {
        const res = await t.app.inject({ url: `/v1.0${c.set}${query}`, headers });
        assert.equal(res.statusCode, 200, res.body);
        return res.json<GraphCollection>();
      };
      const names = (body: GraphCollection) => body.value.map((v) => v.displayName);
      const refused = async (query: string, target: string, words: RegExp) => {
        const res = await t.app.inject({ url: `/v1.0${c.set}${query}`, headers: admin });
        assert.equal(res.statusCode, 400, res.body);
        const { error } = res.json<GraphErrorBody>();
        assert.equal(error.target, target, res.body);
        assert.match(error.message, words);
      };

      it('lists in creation order by default, with every item and no nextLink', async () => {
        const body = await list('');
        assert.deepEqual(names(body), ['Charlie', 'alpha', 'Bravo', 'Delta', 'Echo']);
        assert.equal(body['@odata.nextLink'], undefined);
        assert.equal(body.value[0]?.['@odata.type'], c.type);
      });

      it('filters on displayName, version and the dates', async () => {
        assert.deepEqual(names(await list(`?$filter=${encodeURIComponent("startswith(displayName,'b') or displayName eq 'Delta'")}`)), ['Bravo', 'Delta']);
        assert.deepEqual(names(await list('?$filter=version ge 2')), ['Bravo']);
        const bravo = (await list(`?$filter=id eq '${ids.Bravo}'`)).value[0];
        assert.ok(bravo);
        assert.ok(String(bravo.lastModifiedDateTime) > String(bravo.createdDateTime));
        // Changed after every other was created.
        assert.deepEqual(names(await list(`?$filter=lastModifiedDateTime ge ${String(bravo.lastModifiedDateTime)}`)), ['Bravo']);
        const charlie = (await list(`?$filter=displayName eq 'Charlie'`)).value[0];
        assert.deepEqual(names(await list(`?$filter=createdDateTime lt ${String(charlie?.createdDateTime)}`)), []);
        assert.deepEqual(names(await list("?$filter=contains(displayName,'LPH')")), ['alpha']);
        assert.deepEqual(names(await list('?$filter=description eq null and not (displayName in (\'Charlie\',\'Delta\',\'Echo\'))')), ['alpha', 'Bravo']);
      });

      it('orders, pages with an absolute nextLink and counts', async () => {
        const first = await list('?$orderby=displayName desc&$top=2&$count=true');
        assert.deepEqual(names(first), ['alpha', 'Echo']); // bytewise: lowercase after uppercase
        assert.equal(first['@odata.count'], 5);
        const next = first['@odata.nextLink'];
        assert.ok(next?.startsWith(`${PUBLIC_URL.origin}/v1.0${c.set}?`), next);
        const seen = [...names(first)];
        let link: string | undefined = next;
        while (link) {
          const page = await list(link.slice(`${PUBLIC_URL.origin}/v1.0${c.set}`.length));
          seen.push(...names(page));
          link = page['@odata.nextLink'];
        }
        assert.deepEqual(seen, ['alpha', 'Echo', 'Delta', 'Charlie', 'Bravo']);
        assert.deepEqual(names(await list('?$orderby=version desc,displayName&$top=2')), ['Bravo', 'Charlie']);
      });

      it('selects base properties and keeps the subtype', async () => {
        const body = await list("?$select=id,displayName&$filter=displayName eq 'Delta'");
        assert.deepEqual(body.value, [{ '@odata.type': c.type, id: ids.Delta, displayName: 'Delta' }]);
        assert.match(body['@odata.context'], /\(id,displayName\)$/);
      });

      it('limits lists and counts to the scope tags the caller holds', async () => {
        const body = await list('?$count=true', scoped);
        assert.deepEqual(names(body), ['Echo']);
        assert.equal(body['@odata.count'], 1);
        assert.deepEqual(names(await list("?$filter=displayName ne 'x'", scoped)), ['Echo']);
      });

      it('refuses what it cannot do, naming the property or option', async () => {
        await refused(`?$filter=${c.subtypeProperty} eq true`, '$filter', new RegExp(`unknown property '${c.subtypeProperty}'.*displayName`));
        await refused('?$orderby=roleScopeTagIds', '$orderby', /unknown property 'roleScopeTagIds'/);
        await refused(`?$select=${c.subtypeProperty}`, '$select', new RegExp(c.subtypeProperty));
        await refused("?$filter=isof('microsoft.graph.iosCompliancePolicy')", '$filter', /isof/);
        await refused('?$top=0', '$top', /1 to 999/);
        await refused('?$search="displayName:a"', '$search', /not supported/);
        await refused('?$skiptoken=forged', '$skiptoken', /not valid/);
        // A token of another query is refused too.
        const token = new URL(String((await list('?$top=1'))['@odata.nextLink'])).searchParams.get('$skiptoken');
        await refused(`?$top=1&$orderby=displayName&$skiptoken=${String(token)}`, '$skiptoken', /another query/);
      });
    });
  }
}
