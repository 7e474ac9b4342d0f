// The admin console: the session gate, the layout and the registered pages (routes.ts).
import { Suspense } from 'react';
import { BrowserRouter, Route, Routes } from 'react-router';
import { Layout, PageHeader, type NavItem } from '../common/layout.js';
import { SessionProvider, useSession } from '../common/session.js';
import { pages } from './routes.js';

export const PRODUCT = 'Steward';

function NotAdmin() {
  const session = useSession();
  return (
    <main className="center-page" id="main">
      <div className="card">
        <h1>{PRODUCT} admin console</h1>
        <p>{session.user.displayName}, your account has no administrator role, so there is nothing for you here.</p>
        <p>To enroll and manage your own devices, use the <a href="/portal">Company Portal</a>.</p>
        <button type="button" onClick={() => { void session.signOut(); }}>Sign out</button>
      </div>
    </main>
  );
}

function NotFound() {
  return (
    <>
      <PageHeader title="Page not found" />
      <p>There is no page at this address, or your role does not include it.</p>
    </>
  );
}

function Console() {
  const session = useSession();
  if (!session.isAdmin) return <NotAdmin />;
  const mine = pages.filter((p) => !p.anyOf || session.canAny(...p.anyOf));
  const nav: NavItem[] = mine.filter((p) => p.nav).map((p) => ({
    to: `/${p.path}`, label: p.nav?.label ?? p.title, ...(p.nav?.section ? { section: p.nav.section } : {}),
  }));
  return (
    <Layout product={PRODUCT} home="/" nav={nav}>
      <Suspense fallback={<p role="status" className="muted">Loading…</p>}>
        <Routes>
          {mine.map((p) => <Route key={p.path} path={`/${p.path}`} element={<p.component />} />)}
          <Route path="*" element={<NotFound />} />
        </Routes>
      </Suspense>
    </Layout>
  );
}

export function ConsoleApp() {
  return (
    <BrowserRouter>
      <SessionProvider product={`${PRODUCT} admin console`}>
        <Console />
      </SessionProvider>
    </BrowserRouter>
  );
}
