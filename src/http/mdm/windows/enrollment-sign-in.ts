// Steward's sign-in page for Windows enrollment under the Federated policy ([MS-MDE2] §3.2;
// "Federated authentication device enrollment" on learn.microsoft.com). Windows opens
//   GET /EnrollmentServer/Authenticate?appru=ms-app://…&login_hint=<upn>[&accesstoken=…]
// in a web view. The person signs in (password, then the authenticator code if they have one);
// the last page POSTs `wresult=<token>` to appru, which hands the token back to Windows. An
// enrollment profile link's accesstoken, which Windows passes along, skips the sign-in.
//
// Plain HTML forms, no cookies and no client state: the password step's answer carries what the
// code step needs. Pages are never cached. Issue 7 restyles them.
import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { Core } from '../../../core/deps.js';
import { WINDOWS_PATHS } from '../../../core/enrollment/windows-paths.js';
import { checkWindowsAccessToken, signInForWindowsEnrollment } from '../../../core/enrollment/windows-sign-in.js';

/** appru is the enrollment client's own callback; [MS-MDE2] §3.2: "<appid> is of the form ms-app://string". */
const APPRU = /^ms-app:\/\/[^\s"'<>\\]{1,2000}$/i;
const FIELD_LIMITS: Record<string, number> = { appru: 2048, userName: 320, password: 4096, totpCode: 32, step: 16 };

export interface WindowsSignInPageDeps {
  core: Core;
  organization: string;
}

interface Page {
  title: string;
  body: string;
  /** The auto-submitting hand-off page runs one inline script, allowed by its nonce. */
  scriptNonce?: string;
}

export const windowsSignInPageRoutes: FastifyPluginAsync<{ deps: WindowsSignInPageDeps }> = async (app, { deps }) => {
  const core = deps.core;
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 16 * 1024 }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  app.setErrorHandler((err, req, reply) => {
    const status = typeof (err as { statusCode?: unknown }).statusCode === 'number' && (err as { statusCode: number }).statusCode < 500 ? (err as { statusCode: number }).statusCode : 500;
    if (status >= 500) req.log.error({ err }, 'Windows sign-in page failed');
    return html(reply, status, messagePage(status >= 500 ? `Something went wrong. Quote request id ${req.id} to your administrator.` : 'This sign-in request could not be read. Start the enrollment again from Windows.'));
  });

  const config = { permission: 'public' } as const;

  app.get<{ Querystring: Record<string, string | string[] | undefined> }>(WINDOWS_PATHS.authenticate, { config }, async (req, reply) => {
    const q = req.query;
    const appru = single(q.appru);
    if (appru === undefined || !APPRU.test(appru)) return html(reply, 400, messagePage('Windows opens this page while it enrolls a device; it cannot be used on its own. Start from Settings > Accounts > Access work or school.'));
    const accessToken = single(q.accesstoken);
    if (accessToken !== undefined && accessToken !== '') {
      const checked = await checkWindowsAccessToken(core, accessToken);
      if (!checked.ok) {
        req.log.warn({ reason: checked.message }, 'Windows enrollment link refused');
        return html(reply, 200, messagePage(checked.message));
      }
      req.log.info({ profile: checked.profileName }, 'Windows enrollment link accepted on the sign-in page');
      return html(reply, 200, handOffPage(appru, accessToken, deps.organization));
    }
    const hint = single(q.login_hint) ?? '';
    return html(reply, 200, passwordPage({ appru, userName: hint.length <= 320 ? hint : '', organization: deps.organization }));
  });

  app.post<{ Body: Record<string, unknown> }>(WINDOWS_PATHS.authenticate, { config }, async (req, reply) => {
    const form = readForm(req.body);
    const appru = form.appru;
    if (appru === undefined || !APPRU.test(appru)) return html(reply, 400, messagePage('This sign-in request could not be read. Start the enrollment again from Windows.'));
    const userName = form.userName ?? '';
    const password = form.password ?? '';
    const totpCode = form.step === 'totp' ? (form.totpCode ?? '') : undefined;
    const o = await signInForWindowsEnrollment(core, { userName, password, ...(totpCode !== undefined ? { totpCode } : {}) });
    switch (o.kind) {
      case 'token':
        req.log.info({ userId: o.user.id }, 'Windows enrollment sign-in');
        return html(reply, 200, handOffPage(appru, o.token, deps.organization));
      case 'totpRequired':
        return html(reply, 200, totpPage({ appru, userName, password, ...(o.message !== undefined ? { error: o.message } : {}) }));
      case 'refused':
        req.log.warn({ userId: o.user?.id, reason: o.reason }, 'Windows enrollment sign-in refused');
        return html(reply, 200, o.final ? messagePage(o.message) : passwordPage({ appru, userName, organization: deps.organization, error: o.message }));
    }
  });
};

function single(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function readForm(body: unknown): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  if (typeof body !== 'object' || body === null) return out;
  for (const [name, limit] of Object.entries(FIELD_LIMITS)) {
    const v = (body as Record<string, unknown>)[name];
    if (typeof v === 'string' && v.length <= limit) out[name] = v;
  }
  return out;
}

// No frame-ancestors: how each Windows version hosts the web authentication broker's view is not
// documented, and a page that hands its token only to an ms-app:// callback gains nothing from it.
function html(reply: FastifyReply, status: number, page: Page): FastifyReply {
  const scriptSrc = page.scriptNonce !== undefined ? `'nonce-${page.scriptNonce}'` : "'none'";
  return reply.code(status)
    .header('cache-control', 'no-store')
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('content-security-policy', `default-src 'none'; style-src 'unsafe-inline'; script-src ${scriptSrc}; form-action 'self' ms-app:; base-uri 'none'`)
    .type('text/html; charset=utf-8')
    .send(render(page));
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE = 'body{font-family:system-ui,"Segoe UI",sans-serif;margin:2rem auto;max-width:28rem;padding:0 1rem;line-height:1.5}'
  + 'label{display:block;margin-top:1rem;font-weight:600}input[type=email],input[type=password],input[type=text]{width:100%;padding:.5rem;font-size:1rem;box-sizing:border-box}'
  + 'button{margin-top:1.5rem;padding:.5rem 1.5rem;font-size:1rem}.error{color:#a4262c;font-weight:600}';

function render(page: Page): string {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">`
    + `<title>${escapeHtml(page.title)}</title><style>${STYLE}</style></head><body><main>${page.body}</main></body></html>`;
}

function errorBlock(error: string | undefined): string {
  return error === undefined ? '' : `<p class="error" role="alert" id="error">${escapeHtml(error)}</p>`;
}

function passwordPage(p: { appru: string; userName: string; organization: string; error?: string }): Page {
  const described = p.error !== undefined ? ' aria-describedby="error"' : '';
  return {
    title: `Sign in to ${p.organization}`,
    body: `<h1>Sign in to ${escapeHtml(p.organization)}</h1><p>Sign in with your work account to let ${escapeHtml(p.organization)} manage this PC.</p>${errorBlock(p.error)}`
      + `<form method="post" action="${WINDOWS_PATHS.authenticate}">`
      + `<input type="hidden" name="appru" value="${escapeHtml(p.appru)}"><input type="hidden" name="step" value="password">`
      + `<label for="userName">Work account (email address)</label><input id="userName" name="userName" type="email" autocomplete="username" required value="${escapeHtml(p.userName)}"${described}>`
      + `<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required${described}>`
      + '<button type="submit">Sign in</button></form>',
  };
}

function totpPage(p: { appru: string; userName: string; password: string; error?: string }): Page {
  const described = p.error !== undefined ? ' aria-describedby="error"' : ' aria-describedby="totpHelp"';
  return {
    title: 'Enter your authenticator code',
    body: `<h1>Enter your authenticator code</h1><p id="totpHelp">Open the authenticator app on your phone and enter the 6-digit code it shows for ${escapeHtml(p.userName)}.</p>${errorBlock(p.error)}`
      + `<form method="post" action="${WINDOWS_PATHS.authenticate}">`
      + `<input type="hidden" name="appru" value="${escapeHtml(p.appru)}"><input type="hidden" name="step" value="totp">`
      + `<input type="hidden" name="userName" value="${escapeHtml(p.userName)}"><input type="hidden" name="password" value="${escapeHtml(p.password)}">`
      + `<label for="totpCode">Code</label><input id="totpCode" name="totpCode" type="text" inputmode="numeric" pattern="[0-9 ]*" autocomplete="one-time-code" required autofocus${described}>`
      + '<button type="submit">Verify</button></form>',
  };
}

/**
 * The end page of "Federated authentication device enrollment": a form POSTing wresult to appru,
 * submitted on load. The button is there for a web view that runs no script.
 */
function handOffPage(appru: string, token: string, organization: string): Page {
  const nonce = randomBytes(16).toString('base64');
  return {
    title: 'Working...',
    scriptNonce: nonce,
    body: `<h1>Finishing enrollment</h1><p>Returning to Windows to finish connecting this PC to ${escapeHtml(organization)}.</p>`
      + `<form method="post" action="${escapeHtml(appru)}"><input type="hidden" name="wresult" value="${escapeHtml(token)}">`
      + '<button type="submit">Continue</button></form>'
      + `<script nonce="${nonce}">document.forms[0].submit();</script>`,
  };
}

function messagePage(message: string): Page {
  return { title: 'Enrollment cannot continue', body: `<h1>Enrollment cannot continue</h1><p role="alert">${escapeHtml(message)}</p><p>Close this window to return to Windows.</p>` };
}

