// GET deviceCompliancePolicies with Graph's query options ($filter, $orderby, $top, $skiptoken,
// $count, $select) over the base type's properties, limited to the policies whose scope tags the
// caller holds. The page is chosen in SQL (CompliancePolicyPages); the policies themselves come from
// the policy store, which reads them whole with their assignments (a tenant has few policies).
import { parsePolicyListQuery, policyListSchema } from '../assignments/list-query.js';
import type { Page } from '../devices/ports.js';
import { heldScopeTags, type Scope } from '../rbac/scope.js';
import type { CompliancePolicy } from './policy.js';
import type { CompliancePolicyPages, CompliancePolicyStore } from './ports.js';

export const compliancePolicySchema = policyListSchema('deviceCompliancePolicy', { created: 'created_date_time', modified: 'last_modified_date_time' });

export async function listPolicyPage(
  deps: { compliancePolicies: CompliancePolicyStore; compliancePolicyPages: CompliancePolicyPages },
  input: { queryOptions: Readonly<Record<string, string | undefined>>; scope: Scope },
): Promise<Page<CompliancePolicy> & { select?: string[] }> {
  const query = parsePolicyListQuery(input.queryOptions, compliancePolicySchema);
  const [page, policies] = await Promise.all([
    deps.compliancePolicyPages.page(query, heldScopeTags(input.scope)),
    deps.compliancePolicies.list(),
  ]);
  const byId = new Map(policies.map((p) => [p.id, p]));
  // A policy deleted between the two reads is left out.
  const items = page.items.flatMap((id) => byId.get(id) ?? []);
  return { ...page, items, ...(query.select ? { select: query.select } : {}) };
}
