// POST /users/import (a Steward extension): creates users, their group memberships and licences
// from a CSV file sent as the body (Content-Type: text/csv; the format is described in
// core/directory/import-users.ts). Answers 200 with the report of what was imported and which
// lines failed and why, or 400 when the file as a whole cannot be used.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { StewardError, invalidInput } from '../../core/errors.js';
import { scopeFor, type ResourceOperation } from '../../core/auth/principal.js';
import { groupScope } from '../../core/rbac/scope.js';
import { decodeCsv, importUsers, MAX_CSV_BYTES } from '../../core/directory/import-users.js';
import type { GraphDeps } from './routes.js';
import { presentUser } from './directory-present.js';

export const userImportRoutes: FastifyPluginAsync<{ deps: GraphDeps; publicUrl: URL }> = async (app, { deps }) => {
  // Registered in this plugin's scope only: no other route takes CSV. The bytes are decoded by
  // core, which refuses what is not UTF-8.
  app.addContentTypeParser('text/csv', { parseAs: 'buffer', bodyLimit: MAX_CSV_BYTES }, (_req, body, done) => { done(null, body); });

  /**
   * Users_Create lets a caller create users; putting them in groups and giving them licences are
   * rights of their own through the API (Groups_Update, Licenses_Assign), so a file that does
   * either needs them too, or an import could put a new user in an admins' group. Over every
   * group and user, because the new users are in no scope yet.
   */
  async function authorizeExtras(req: FastifyRequest, needs: { groups: boolean; licenses: boolean }) {
    const extras: [boolean, string, ResourceOperation][] = [
      [needs.groups, 'groups', 'Microsoft.Intune_Groups_Update'],
      [needs.licenses, 'licenses', 'Microsoft.Intune_Licenses_Assign'],
    ];
    for (const [needed, column, operation] of extras) {
      // Users and groups carry no scope tags: only the scope groups matter.
      if (!needed || (req.principal && groupScope(scopeFor(req.principal, operation)) === 'all')) continue;
      const reason = `The file fills the ${column} column, which also needs ${operation} over all users and groups; the caller's roles do not grant it.`;
      await deps.audit.refused(req, 'Authorization refused', { reason });
      throw new StewardError('forbidden', reason);
    }
  }

  app.post('/users/import', {
    bodyLimit: MAX_CSV_BYTES,
    config: { permission: 'Microsoft.Intune_Users_Create' },
    schema: {
      summary: 'Import users from CSV (Steward extension)',
      description: 'Body: a CSV file (Content-Type: text/csv). Query: atomic=true imports all rows or none.',
      tags: ['users'],
    },
  }, async (req) => {
    const atomic = atomicOption(req.query);
    if (!Buffer.isBuffer(req.body)) throw new StewardError('unsupported-media-type', 'Send the CSV file as the request body, with Content-Type: text/csv.');
    const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(req.headers['content-type'] ?? '')?.[1]?.toLowerCase();
    if (charset && charset !== 'utf-8' && charset !== 'utf8' && charset !== 'us-ascii') {
      throw new StewardError('unsupported-media-type', `The CSV file must be UTF-8, not ${charset}.`);
    }
    const csv = decodeCsv(req.body);
    return importUsers(deps, {
      csv,
      atomic,
      authorize: (needs) => authorizeExtras(req, needs),
      onCreated: (user, _line, groups) => deps.audit.change(req, {
        activity: 'Import user', category: 'User', operation: 'Create',
        resource: {
          type: 'User', id: user.id, displayName: user.userPrincipalName,
          after: { ...presentUser(user), memberOf: groups.map((g) => ({ id: g.id, displayName: g.displayName })) },
        },
      }),
    });
  });
};

function atomicOption(query: unknown): boolean {
  const value = (query as Record<string, unknown> | undefined)?.atomic;
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  const shown = typeof value === 'string' ? value : JSON.stringify(value);
  throw invalidInput(`atomic must be true or false (once), got '${shown.slice(0, 40)}'.`, 'atomic');
}
