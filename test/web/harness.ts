// Browser tests of the web pages: a Steward for the test file (in process, real SQLite database,
// Steward's CA and a push certificate so simulated Apple devices can enroll), listening on
// http://localhost:<port> (Chromium treats localhost as a secure context, so it keeps the Secure,
// __Host- session cookie), one headless Chromium per test file (Debian's, driven by playwright-core),
// and helpers to make admins, sign in through the page with TOTP and run axe-core.
//
//     const w = webSuite();            // inside describe(): starts the server and the browser
//     const page = await w.page();     // a fresh browser context (no cookies) and page
//     const admin = await w.admin();   // an Intune Administrator (or w.admin('Read Only Operator'))
//     await signIn(page, admin, '/');  // password, authenticator set-up, signed in
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before } from 'node:test';
import { randomUUID } from 'node:crypto';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { TOTP } from 'otpauth';
import type { Database } from '../../src/store/database.js';
import { testDialects } from '../../src/store/testing.js';
import type { Core } from '../../src/core/deps.js';
import type { User } from '../../src/core/directory/user.js';
import { createUser } from '../../src/core/directory/create-user.js';
import { addGroupMember } from '../../src/core/directory/group-members.js';
import { ensureRoleAdminGroup } from '../../src/core/rbac/role-admins.js';
import { findRoleByName } from '../../src/core/rbac/roles.js';
import { defaultWebRoot } from '../../src/http/web/static.js';
import { appleTestApp, type AppleTestApp } from '../support/apple.js';

export const PASSWORD = 'Correct-Horse-Battery-9';
export const CHROMIUM = process.env.STEWARD_TEST_CHROMIUM ?? '/usr/bin/chromium';

export interface WebSuite {
  /** The app (core, app.inject, the CA for simulated devices). */
  readonly t: AppleTestApp;
  readonly database: Database;
  /** http://localhost:<port> */
  readonly url: string;
  readonly browser: Browser;
  /** A new browser context (its own cookies) and page; closed after the file. */
  page(options?: { width?: number; height?: number }): Promise<Page>;
  /** A new person with a password, member of the named role's admin group (none: a plain user). */
  admin(role?: string | null): Promise<User>;
}

/** Starts Steward and Chromium for the describe block it is called in; stops them after. */
export function webSuite(): WebSuite {
  const state: { t?: AppleTestApp; database?: Database; url?: string; browser?: Browser; webRoot?: string } = {};
  const contexts: BrowserContext[] = [];
  before(async () => {
    state.webRoot = await snapshotOfBuild();
    const dialect = testDialects()[0]!;
    state.database = await dialect.open();
    state.t = await appleTestApp(state.database, { webRoot: state.webRoot });
    await state.t.app.listen({ port: 0, host: '127.0.0.1' });
    const address = state.t.app.server.address();
    assert.ok(address && typeof address === 'object');
    state.url = `http://localhost:${address.port}`;
    state.browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  });
  after(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await state.browser?.close();
    await state.t?.app.close();
    await state.database?.close();
    if (state.webRoot) rmSync(state.webRoot, { recursive: true, force: true });
  });
  const need = <T>(v: T | undefined, what: string): T => { if (v === undefined) throw new Error(`${what} used before the suite started`); return v; };
  return {
    get t() { return need(state.t, 'the app'); },
    get database() { return need(state.database, 'the database'); },
    get url() { return need(state.url, 'the url'); },
    get browser() { return need(state.browser, 'the browser'); },
    async page(options = {}) {
      const context = await need(state.browser, 'the browser').newContext({
        baseURL: need(state.url, 'the url'),
        viewport: { width: options.width ?? 1280, height: options.height ?? 860 },
        ...(options.width !== undefined && options.width < 500 ? { isMobile: true, hasTouch: true } : {}),
      });
      contexts.push(context);
      const page = await context.newPage();
      page.setDefaultTimeout(10_000);
      const errors: string[] = [];
      browserErrors.set(page, errors);
      page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
      page.on('pageerror', (e) => errors.push(e.message));
      return page;
    },
    admin: (role = 'Intune Administrator') => aPerson(need(state.t, 'the app').core, role),
  };
}

/**
 * A private copy of web/dist for this test file, so that a rebuild by another run in the same
 * checkout cannot swap the pages out from under it; retried while a swap is under way.
 */
async function snapshotOfBuild(): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const copy = mkdtempSync(join(tmpdir(), 'steward-web-test-'));
    try {
      cpSync(defaultWebRoot, copy, { recursive: true });
      const assets = [join(copy, 'index.html'), join(copy, 'portal', 'index.html')]
        .flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/(?:src|href)="\/(assets\/[^"]+)"/g)].map((m) => join(copy, m[1]!)));
      if (assets.length > 0 && assets.every((a) => existsSync(a))) return copy;
    } catch { /* not there (yet) */ }
    rmSync(copy, { recursive: true, force: true });
    if (attempt >= 20) throw new Error('web/dist is not built: run `npm run build:web` (scripts/run-tests.mjs does it before browser tests)');
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** A person with PASSWORD; a member of `role`'s admin group unless role is null. */
export async function aPerson(core: Core, role: string | null, name?: string, options: { forceChange?: boolean } = {}): Promise<User> {
  const id = randomUUID().slice(0, 8);
  const user = await createUser(core, {
    userPrincipalName: `${(name ?? 'person').toLowerCase().replace(/[^a-z0-9]+/g, ".")}.${id}@contoso.example`,
    displayName: name ? name : `Person ${id}`,
    accountEnabled: true,
    passwordProfile: { password: PASSWORD, forceChangePasswordNextSignIn: options.forceChange ?? false },
  });
  if (role) {
    const { group } = await ensureRoleAdminGroup(core, await findRoleByName(core, role));
    await addGroupMember(core, { groupId: group.id, memberId: user.id });
  }
  return user;
}

const STEP_MS = 30_000;
const lastStep = new Map<string, number>();
/**
 * An authenticator code for `secret` that Steward accepts now and that was not used before: the
 * current step's, else the next step's (Steward allows one step of clock drift), else it waits.
 */
export async function freshCode(secret: string): Promise<string> {
  const used = lastStep.get(secret) ?? -1;
  let now = Math.floor(Date.now() / STEP_MS);
  if (used >= now + 1) {
    await new Promise((r) => setTimeout(r, (used + 1) * STEP_MS - Date.now() + 50));
    now = Math.floor(Date.now() / STEP_MS);
  }
  const step = Math.max(now, used + 1);
  lastStep.set(secret, step);
  return new TOTP({ secret }).generate({ timestamp: step * STEP_MS + 1000 });
}

const secrets = new Map<string, string>();
/** The TOTP secret a person set up through signIn. */
export function secretOf(user: User): string | undefined { return secrets.get(user.id); }

/**
 * Signs in through the page at `path`: password, then the authenticator set-up (reading the key
 * the page shows) or the code. Waits for the signed-in page (its Sign out button).
 */
export async function signIn(page: Page, user: User, path = '/'): Promise<void> {
  await page.goto(path);
  await page.getByLabel('User name').fill(user.userPrincipalName);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  const setup = page.getByTestId('totp-secret');
  const code = page.getByLabel('Authenticator code');
  const signedIn = page.getByRole('button', { name: 'Sign out' });
  await setup.or(code).or(signedIn).first().waitFor();
  if (await setup.isVisible()) {
    const secret = (await setup.textContent())?.trim() ?? '';
    assert.match(secret, /^[A-Z2-7]+=*$/, 'the page shows the key as base32 text');
    secrets.set(user.id, secret);
    await page.getByLabel('Code from the app').fill(await freshCode(secret));
    await page.getByRole('button', { name: 'Confirm and sign in' }).click();
  } else if (await code.isVisible()) {
    const secret = secrets.get(user.id);
    assert.ok(secret, `${user.userPrincipalName} has no authenticator secret known to the test`);
    await code.fill(await freshCode(secret));
    await page.getByRole('button', { name: 'Sign in' }).click();
  }
  await signedIn.waitFor();
}

/** Asserts axe-core finds no serious or critical accessibility violation on the page as it is. */
export async function assertAccessible(page: Page, what: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')})`), [], `accessibility violations on ${what}`);
}

const browserErrors = new WeakMap<Page, string[]>();

/**
 * Asserts the page broke no Content-Security-Policy rule and threw no uncaught error so far
 * (refused API calls are logged by Chromium as failed loads; those are allowed).
 */
export function assertNoBrowserErrors(page: Page): void {
  const errors = (browserErrors.get(page) ?? []).filter((e) => !/^Failed to load resource/.test(e));
  assert.deepEqual(errors, [], 'errors in the browser console');
}

/** Saves docs/screenshots/<name>.png when STEWARD_SCREENSHOTS is set (`npm run screenshots`). */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (!process.env.STEWARD_SCREENSHOTS) return;
  const dir = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: `${dir}${name}.png`, fullPage: true });
}
