// GET deviceCompliancePolicies with Graph's query options ($filter, $orderby, $top, $skiptoken,
// $count, $select) over the base type's properties, limited to the policies whose scope tags the
// caller holds, chosen in SQL.
import { listPolicyPage, policyListSchema } from '../assignments/list-query.js';
import type { Page } from '../devices/ports.js';
import type { Scope } from '../rbac/scope.js';
import type { CompliancePolicy } from './policy.js';
import type { CompliancePolicyStore } from './ports.js';

export const compliancePolicySchema = policyListSchema('deviceCompliancePolicy', { created: 'created_date_time', modified: 'last_modified_date_time' });

export function listCompliancePolicyPage(
  deps: { compliancePolicies: CompliancePolicyStore },
  input: { queryOptions: Readonly<Record<string, string | undefined>>; scope: Scope },
): Promise<Page<CompliancePolicy> & { select?: string[] }> {
  return listPolicyPage(deps.compliancePolicies, compliancePolicySchema, input);
}
