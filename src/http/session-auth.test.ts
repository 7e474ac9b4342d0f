import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { testDialects } from '../store/testing.js';
import type { Database } from '../store/database.js';
import { PASSWORD, aPerson, post, signInApp, signInThroughApi, totpCode, type SignInApp } from '../../test/support/sign-in.js';
import { hashSessionToken } from '../core/auth/secrets.js';
import { SESSION_IDLE_MS, SESSION_LIFETIME_MS, startSession } from '../core/auth/sessions.js';
import { parseListQuery } from '../core/query/list-query.js';
import { auditEventSchema } from '../core/audit/audit-schema.js';
import { addGroupMember } from '../core/directory/group-members.js';
import { ensureRoleAdminGroup } from '../core/rbac/role-admins.js';
import { findRoleByName } from '../core/rbac/roles.js';
import type { Principal } from '../core/auth/principal.js';
import { CSRF_HEADER, SESSION_COOKIE, sessionAuthenticator } from './session-auth.js';

interface ErrorBody { error: { code: string; message: string } }
interface Who { principal: { kind: string; id: string; name: string; grants: number } | null }

for (const dialect of testDialects()) {
  describe(`web sessions on ${dialect.name}`, () => {
    let database: Database;
    let t: SignInApp;
    before(async () => {
      database = await dialect.open();
      t = await signInApp(database);
      // What authz's onRequest hook will do: ask the session authenticator for the principal.
      const authenticateSession = sessionAuthenticator(t.core);
      const whoami = async (req: Parameters<typeof authenticateSession>[0]): Promise<Who> => {
        const p: Principal | undefined = await authenticateSession(req);
        return { principal: p ? { kind: p.kind, id: p.id, name: p.name, grants: p.grants.length } : null };
      };
      t.app.get('/test/whoami', { config: { permission: 'public' } }, whoami);
      t.app.post('/test/whoami', { config: { permission: 'public' } }, whoami);
      t.app.delete('/test/whoami', { config: { permission: 'public' } }, whoami);
    });
    after(async () => { await t.app.close(); await database.close(); });

    const session = (cookieHeader: string) => t.app.inject({ url: '/auth/session', headers: { cookie: cookieHeader } });
    const who = async (method: 'GET' | 'POST' | 'DELETE', headers: Record<string, string>) => {
      const res = await t.app.inject({ method, url: '/test/whoami', headers });
      return { res, principal: res.statusCode === 200 ? res.json<Who>().principal : undefined };
    };

    it('answers GET /auth/session with the person and a fresh CSRF token, or 401', async () => {
      const person = await aPerson(t.core);
      const s = await signInThroughApi(t, person);
      const res = await session(s.cookieHeader);
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json<{ status: string; csrfToken: string; user: { id: string; userPrincipalName: string } }>();
      assert.equal(body.user.id, person.id);
      assert.equal(body.user.userPrincipalName, person.userPrincipalName);
      assert.notEqual(body.csrfToken, s.csrfToken);
      assert.equal(res.headers['cache-control'], 'no-store');
      assert.equal((await session(`${SESSION_COOKIE}=stw_st_${'A'.repeat(43)}`)).statusCode, 401);
      assert.equal((await session('other=1')).statusCode, 401);
      assert.equal((await t.app.inject({ url: '/auth/session' })).statusCode, 401);
    });

    it('stores only the hash of the session token', async () => {
      const s = await signInThroughApi(t, await aPerson(t.core));
      const rows = await t.core.sessions.get(hashSessionToken(s.cookie));
      assert.ok(rows);
      const all = await sql<{ token_hash: string }>`select token_hash from sessions`.execute(database.db);
      assert.ok(all.rows.every((r) => !r.token_hash.includes(s.cookie)));
    });

    it('authenticateSession: the principal for GET; POST, DELETE need the session\'s own CSRF token', async () => {
      const admin = await aPerson(t.core, { admin: true });
      const a = await signInThroughApi(t, admin);
      const b = await signInThroughApi(t, await aPerson(t.core));
      const got = await who('GET', { cookie: a.cookieHeader });
      assert.deepEqual(got.principal && { ...got.principal, grants: got.principal.grants > 0 }, { kind: 'user', id: admin.id, name: admin.userPrincipalName, grants: true });
      for (const method of ['POST', 'DELETE'] as const) {
        const missing = await who(method, { cookie: a.cookieHeader });
        assert.equal(missing.res.statusCode, 403, missing.res.body);
        assert.equal(missing.res.json<ErrorBody>().error.code, 'Forbidden');
        assert.match(missing.res.json<ErrorBody>().error.message, /CSRF/);
        const foreign = await who(method, { cookie: a.cookieHeader, [CSRF_HEADER]: b.csrfToken });
        assert.equal(foreign.res.statusCode, 403, 'another session\'s CSRF token');
        const valid = await who(method, { cookie: a.cookieHeader, [CSRF_HEADER]: a.csrfToken });
        assert.equal(valid.principal?.id, admin.id);
      }
      // A token from GET /auth/session works too.
      const fresh = (await session(a.cookieHeader)).json<{ csrfToken: string }>().csrfToken;
      assert.equal((await who('POST', { cookie: a.cookieHeader, [CSRF_HEADER]: fresh })).principal?.id, admin.id);
      // No cookie: no principal, and no CSRF demand.
      assert.equal((await who('POST', {})).principal, null);
      assert.equal((await who('GET', { cookie: `${SESSION_COOKIE}=garbage` })).principal, null);
    });

    it('gives no admin rights to a session signed in without TOTP', async () => {
      const person = await aPerson(t.core);
      const s = await signInThroughApi(t, person);
      assert.equal((await who('GET', { cookie: s.cookieHeader })).principal?.grants, 0);
      const { group } = await ensureRoleAdminGroup(t.core, await findRoleByName(t.core, 'Intune Administrator'));
      await addGroupMember(t.core, { groupId: group.id, memberId: person.id });
      assert.equal((await who('GET', { cookie: s.cookieHeader })).principal, null);
      // Signing in again sets TOTP up, and then the session carries the role.
      const again = await signInThroughApi(t, person);
      assert.ok(again.secret);
      assert.ok(((await who('GET', { cookie: again.cookieHeader })).principal?.grants ?? 0) > 0);
    });

    it('ends a session idle for 2 hours', async () => {
      const s = await signInThroughApi(t, await aPerson(t.core));
      t.clock.advance(SESSION_IDLE_MS - 1000);
      assert.equal((await session(s.cookieHeader)).statusCode, 200);
      t.clock.advance(SESSION_IDLE_MS - 1000);
      assert.equal((await session(s.cookieHeader)).statusCode, 200, 'activity keeps it alive');
      t.clock.advance(SESSION_IDLE_MS);
      assert.equal((await session(s.cookieHeader)).statusCode, 401);
      assert.equal(await t.core.sessions.get(hashSessionToken(s.cookie)), undefined, 'and deletes it');
    });

    it('ends a session 12 hours after sign-in however active', async () => {
      const s = await signInThroughApi(t, await aPerson(t.core));
      const start = t.clock.now().getTime();
      while (t.clock.now().getTime() + 3600_000 < start + SESSION_LIFETIME_MS) {
        t.clock.advance(3600_000);
        assert.equal((await session(s.cookieHeader)).statusCode, 200);
      }
      t.clock.set(new Date(start + SESSION_LIFETIME_MS));
      assert.equal((await session(s.cookieHeader)).statusCode, 401);
      assert.equal((await who('GET', { cookie: s.cookieHeader })).principal, null);
    });

    it('writes last seen at most once a minute', async () => {
      const s = await signInThroughApi(t, await aPerson(t.core));
      const hash = hashSessionToken(s.cookie);
      const signedInAt = (await t.core.sessions.get(hash))!.lastSeenAt.getTime();
      t.clock.advance(30_000);
      await session(s.cookieHeader);
      assert.equal((await t.core.sessions.get(hash))!.lastSeenAt.getTime(), signedInAt);
      t.clock.advance(31_000);
      await session(s.cookieHeader);
      assert.equal((await t.core.sessions.get(hash))!.lastSeenAt.getTime(), t.clock.now().getTime());
      // A request refused for its CSRF token does not keep the session alive.
      t.clock.advance(61_000);
      await who('POST', { cookie: s.cookieHeader });
      assert.equal((await t.core.sessions.get(hash))!.lastSeenAt.getTime(), t.clock.now().getTime() - 61_000);
    });

    it('ends a session when its user is disabled', async () => {
      const person = await aPerson(t.core);
      const s = await signInThroughApi(t, person);
      await t.core.users.update(person.id, { accountEnabled: false });
      assert.equal((await session(s.cookieHeader)).statusCode, 401);
    });

    it('signs out with the CSRF token: deletes the session and clears the cookie', async () => {
      const s = await signInThroughApi(t, await aPerson(t.core));
      const refused = await t.app.inject({ method: 'POST', url: '/auth/signout', headers: { cookie: s.cookieHeader } });
      assert.equal(refused.statusCode, 403);
      assert.equal((await session(s.cookieHeader)).statusCode, 200, 'still signed in');
      const res = await t.app.inject({ method: 'POST', url: '/auth/signout', headers: { cookie: s.cookieHeader, [CSRF_HEADER]: s.csrfToken } });
      assert.equal(res.statusCode, 204, res.body);
      assert.equal(res.headers['set-cookie'], '__Host-steward_session=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0');
      assert.equal((await session(s.cookieHeader)).statusCode, 401);
      assert.equal((await t.app.inject({ method: 'POST', url: '/auth/signout' })).statusCode, 204, 'signed out already');
    });

    it('ends the session a browser already holds when it signs in again', async () => {
      const person = await aPerson(t.core);
      const first = await signInThroughApi(t, person);
      const res = await post(t.app, '/auth/signin', { userName: person.userPrincipalName, password: PASSWORD }, { cookie: first.cookieHeader });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal((await session(first.cookieHeader)).statusCode, 401);
    });

    it('ends other sessions when the password is changed at sign-in', async () => {
      const person = await aPerson(t.core, { forceChange: true });
      // A session from before the change (as if signed in before the admin forced a change).
      const old = await startSession(t.core, { userId: person.id, mfa: false });
      const res = await post(t.app, '/auth/signin', { userName: person.userPrincipalName, password: PASSWORD, newPassword: 'Tidy-Lantern-Orbit-77' });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal((await session(`${SESSION_COOKIE}=${old.token}`)).statusCode, 401);
    });

    it('records sign-in events in the audit log without passwords, codes or tokens', async () => {
      const admin = await aPerson(t.core, { admin: true });
      const s = await signInThroughApi(t, admin);
      t.clock.advance(30_000);
      const code = totpCode(s.secret!, t.clock.now());
      await post(t.app, '/auth/signin', { userName: admin.userPrincipalName, password: 'Wrong-Password-Here-1', totpCode: code });
      await post(t.app, '/auth/signin', { userName: 'ghost@contoso.example', password: 'Ghost-Password-Here-2' });
      const rows = await sql<Record<string, unknown>>`select * from audit_events`.execute(database.db);
      const text = JSON.stringify(rows.rows);
      for (const secret of [PASSWORD, 'Wrong-Password-Here-1', 'Ghost-Password-Here-2', code, s.secret!, s.cookie, s.csrfToken]) {
        assert.ok(!text.includes(secret), `the audit log holds ${secret.slice(0, 4)}…`);
      }
      const events = (await t.core.auditLog.list(parseListQuery({ $top: '999' }, auditEventSchema))).items;
      const mine = events.filter((e) => e.actor.userPrincipalName === admin.userPrincipalName);
      assert.ok(mine.some((e) => e.activity === 'Sign in' && e.activityResult === 'Success' && e.actor.userId === admin.id));
      assert.ok(mine.some((e) => e.activity === 'Set up authenticator app'));
      const refused = mine.filter((e) => e.activity === 'Sign-in refused');
      assert.ok(refused.some((e) => e.activityResult === 'Failure' && JSON.stringify(e.resources).includes('wrong password')));
      assert.ok(events.some((e) => e.activity === 'Sign-in refused' && e.actor.userPrincipalName === 'ghost@contoso.example'));
    });
  });
}
