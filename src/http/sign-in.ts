// People's sign-in to the web pages (Steward extension; not Graph). All answers are JSON, errors in
// Graph's error shape; all carry Cache-Control: no-store. Every route is 'public' and does its own
// checks. Bodies must be application/json, which a page on another site cannot send without a
// CORS preflight that Steward never grants: that stops sign-in CSRF (signing a victim in as the
// attacker).
//
// POST /auth/signin   { userName, password, totpCode?, newPassword? }
//   200 { status: 'signedIn', csrfToken, user: { id, userPrincipalName, displayName } }
//       + Set-Cookie: __Host-steward_session=<token>; Path=/; Secure; HttpOnly; SameSite=Strict
//   200 { status: 'totpSetupRequired', setupToken, secret, otpauthUri, expiresDateTime }
//       TOTP is required (every admin; others when deviceManagement.settings
//       .stewardRequireAuthenticatorForUsers is on) and not set up: show the secret as a QR code
//       of otpauthUri, then POST /auth/totp/setup within 10 minutes.
//   401 InvalidCredentials  unknown user name, disabled account or wrong password (one answer)
//   401 TotpRequired        password right, authenticator set up, totpCode missing (not a failure)
//   401 InvalidTotpCode     wrong or already used code (counts as a failed attempt)
//   403 PasswordChangeRequired  the password must be changed: send newPassword too
//   400 PasswordNotAccepted newPassword refused by the password policy (message says why)
//   429 TooManyRequests     wait: Retry-After (seconds) says how long; the attempt was not checked
//   429 AccountLocked       after 10 failed attempts, for 30 minutes; the message says until when
// POST /auth/totp/setup   { setupToken, totpCode }
//   200 signedIn as above; 400 InvalidSetupToken (unknown, expired or used); 400 InvalidTotpCode
//   (the token stays valid); 429 AccountLocked
// GET /auth/session       200 { status: 'signedIn', csrfToken (fresh), user, isAdmin,
//                         allowedResourceOperations } | 401
// POST /auth/signout      X-CSRF-Token required when signed in; 204, cookie cleared
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Core } from '../core/deps.js';
import { StewardError } from '../core/errors.js';
import type { User } from '../core/directory/user.js';
import { newCsrfToken } from '../core/auth/secrets.js';
import { endSession } from '../core/auth/sessions.js';
import { signIn, type SignInOutcome } from '../core/auth/sign-in.js';
import { confirmTotpSetup, type TotpSetupOutcome } from '../core/auth/totp-setup.js';
import { grantsFor } from '../core/rbac/grants.js';
import type { AuditTrail } from './audit-trail.js';
import { decodeBody } from './graph/body.js';
import { graphError } from './graph/errors.js';
import { clearedSessionCookie, hasValidCsrf, requestSession, sessionCookie, sessionTokenOf } from './session-auth.js';

export interface SignInRouteDeps extends Core {
  audit: AuditTrail;
  /** The issuer authenticator apps show; "Steward" when absent. */
  totpIssuer?: string;
}

const signInBody = z.object({
  userName: z.string().max(320),
  password: z.string().max(4096),
  totpCode: z.string().max(32).optional(),
  newPassword: z.string().max(4096).optional(),
}).strict();
const setupBody = z.object({ setupToken: z.string().max(256), totpCode: z.string().max(32) }).strict();

const presentUser = (u: User) => ({ id: u.id, userPrincipalName: u.userPrincipalName, displayName: u.displayName });

function fail(req: FastifyRequest, reply: FastifyReply, status: number, code: string, message: string) {
  return reply.code(status).send(graphError(code, message, req.id));
}

function throttled(req: FastifyRequest, reply: FastifyReply, o: { allowedAt: Date; locked: boolean }, now: Date) {
  const seconds = Math.max(1, Math.ceil((o.allowedAt.getTime() - now.getTime()) / 1000));
  void reply.header('retry-after', String(seconds));
  return o.locked
    ? fail(req, reply, 429, 'AccountLocked', `The account is locked after too many failed sign-in attempts until ${o.allowedAt.toISOString()}; an administrator can unlock it sooner.`)
    : fail(req, reply, 429, 'TooManyRequests', `Too many failed sign-in attempts: try again in ${seconds} second${seconds === 1 ? '' : 's'}.`);
}

export const signInRoutes: FastifyPluginAsync<{ deps: SignInRouteDeps }> = async (app, { deps }) => {
  const config = { permission: 'public' } as const;
  app.addHook('onSend', async (_req, reply, payload) => {
    void reply.header('cache-control', 'no-store');
    return payload;
  });

  /** The person who proved their password is the actor of this request's audit events. */
  async function actAs(req: FastifyRequest, user: User) {
    req.principal = { kind: 'user', id: user.id, displayName: user.displayName, name: user.userPrincipalName, grants: await grantsFor(deps, user.id) };
  }
  async function passwordChanged(req: FastifyRequest, user: User) {
    await actAs(req, user);
    await deps.audit.change(req, { activity: 'Change password at sign-in', category: 'User', operation: 'Patch', resource: { type: 'User', id: user.id, displayName: user.userPrincipalName } });
  }

  async function signedIn(req: FastifyRequest, reply: FastifyReply, o: { user: User; token: string; csrfToken: string }, methods: string[]) {
    await actAs(req, o.user);
    // Signing in again from a browser that holds a session ends that one: one cookie, one session.
    const previous = sessionTokenOf(req);
    if (previous !== undefined) await endSession(deps, previous);
    await deps.audit.change(req, { activity: 'Sign in', category: 'User', operation: 'Action', resource: { type: 'User', id: o.user.id, displayName: o.user.userPrincipalName, after: { authenticationMethods: methods } } });
    void reply.header('set-cookie', sessionCookie(o.token));
    return reply.code(200).send({ status: 'signedIn', csrfToken: o.csrfToken, user: presentUser(o.user) });
  }

  const refused = (req: FastifyRequest, name: string, reason: string) => deps.audit.refused(req, 'Sign-in refused', { name: name.slice(0, 256), reason });

  app.post('/auth/signin', { config, schema: { summary: 'Sign in to the web pages with a password and TOTP (Steward extension)', tags: ['auth'] } }, async (req, reply) => {
    const body = decodeBody(signInBody, req.body, 'sign-in request');
    const now = deps.clock.now();
    const o: SignInOutcome = await signIn(deps, body);
    switch (o.kind) {
      case 'signedIn':
        if (o.passwordChanged) await passwordChanged(req, o.user);
        return signedIn(req, reply, o, o.mfa ? ['password', 'totp'] : ['password']);
      case 'invalidCredentials':
        await refused(req, body.userName, o.reason);
        return fail(req, reply, 401, 'InvalidCredentials', 'The user name or password is incorrect.');
      case 'invalidTotpCode':
        await refused(req, o.user.userPrincipalName, o.reason);
        return fail(req, reply, 401, 'InvalidTotpCode', 'The code from the authenticator app is wrong or was already used: wait for the next code.');
      case 'throttled':
        req.log.info({ userId: o.user.id, locked: o.locked }, 'sign-in attempt refused while throttled');
        return throttled(req, reply, o, now);
      case 'totpRequired':
        return fail(req, reply, 401, 'TotpRequired', 'Enter the 6-digit code from your authenticator app (totpCode).');
      case 'passwordChangeRequired':
        return fail(req, reply, 403, 'PasswordChangeRequired', 'Your password must be changed: sign in again with newPassword.');
      case 'newPasswordRefused':
        return reply.code(400).send(graphError('PasswordNotAccepted', o.reason, req.id, 'newPassword'));
      case 'totpSetupRequired':
        if (o.passwordChanged) await passwordChanged(req, o.user);
        return { status: 'totpSetupRequired', setupToken: o.setupToken, secret: o.secret, otpauthUri: o.otpauthUri, expiresDateTime: o.expiresAt.toISOString() };
    }
  });

  app.post('/auth/totp/setup', { config, schema: { summary: 'Confirm the authenticator app offered at sign-in, and sign in (Steward extension)', tags: ['auth'] } }, async (req, reply) => {
    const body = decodeBody(setupBody, req.body, 'authenticator set-up');
    const now = deps.clock.now();
    const o: TotpSetupOutcome = await confirmTotpSetup(deps, body);
    switch (o.kind) {
      case 'signedIn':
        await actAs(req, o.user);
        await deps.audit.change(req, { activity: 'Set up authenticator app', category: 'User', operation: 'Action', resource: { type: 'User', id: o.user.id, displayName: o.user.userPrincipalName } });
        return signedIn(req, reply, o, ['password', 'totp']);
      case 'invalidSetupToken':
        return fail(req, reply, 400, 'InvalidSetupToken', 'The set-up token is unknown, expired or already used: sign in again.');
      case 'invalidTotpCode':
        return fail(req, reply, 400, 'InvalidTotpCode', 'The code does not match the new secret: check that the app added it and that the phone\'s clock is right, then try the next code.');
      case 'throttled':
        return throttled(req, reply, o, now);
    }
  });

  app.get('/auth/session', { config, schema: { summary: 'The signed-in person and a fresh CSRF token (Steward extension)', tags: ['auth'] } }, async (req) => {
    const found = await requestSession(deps, req);
    if (!found) throw new StewardError('unauthenticated', 'Not signed in, or the session has expired: POST /auth/signin.');
    // What the pages may offer this person (they hide or disable the rest; the API still decides).
    const grants = await grantsFor(deps, found.user.id);
    const allowedResourceOperations = [...new Set(grants.flatMap((g) => [...g.allowed]))].sort();
    return {
      status: 'signedIn', csrfToken: newCsrfToken(found.token), user: presentUser(found.user),
      isAdmin: allowedResourceOperations.length > 0, allowedResourceOperations,
    };
  });

  app.post('/auth/signout', { config, schema: { summary: 'Sign out: end the session (Steward extension)', tags: ['auth'] } }, async (req, reply) => {
    const token = sessionTokenOf(req);
    if (token !== undefined) {
      // Checked on the token alone, so that signing out works even once the session has expired.
      if (!hasValidCsrf(req, token)) throw new StewardError('forbidden', 'Missing or invalid CSRF token: send the csrfToken in the x-csrf-token header.');
      await endSession(deps, token);
    }
    return reply.code(204).header('set-cookie', clearedSessionCookie()).send();
  });
};
