// CompliancePolicyPages on SQLite and PostgreSQL: Graph's query options over compliance_policies
// (migrations/0015-compliance.ts), the caller's scope tags matched in the JSON column.
import type { Kysely } from 'kysely';
import { compliancePolicySchema } from '../core/compliance/list-policies.js';
import type { CompliancePolicyPages } from '../core/compliance/ports.js';
import type { Dialect } from './database.js';
import { listPage } from './list-query.js';
import type { Schema } from './schema.js';
import { holdsScopeTag } from './scope.js';

export function compliancePolicyPages(db: Kysely<Schema>, dialect: Dialect): CompliancePolicyPages {
  return {
    async page(query, heldTags) {
      const condition = holdsScopeTag(dialect, 'role_scope_tag_ids', heldTags);
      const page = await listPage<{ id: string }>(db, dialect, 'compliance_policies', compliancePolicySchema, query, condition ? { where: (qb) => qb.where(condition) } : {});
      return { items: page.rows.map((r) => r.id), nextSkipToken: page.nextSkipToken, count: page.count };
    },
  };
}
