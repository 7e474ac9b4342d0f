// The frame of every signed-in page: a skip link, a banner with the product and the person, a
// navigation landmark (a menu button on narrow screens) and the main landmark.
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { NavLink, useLocation } from 'react-router';
import { useSession } from './session.js';

export interface NavItem {
  to: string;
  label: string;
  /** Items with the same section are listed together under its heading (none: at the top). */
  section?: string;
}

export function Layout(props: { product: string; home: string; nav: NavItem[]; children: ReactNode }) {
  const session = useSession();
  const [open, setOpen] = useState(false);
  const location = useLocation();
  const mainRef = useRef<HTMLElement>(null);
  const firstPath = useRef(location.pathname);
  useEffect(() => {
    setOpen(false);
    // After a client-side navigation, start reading (and tabbing) at the new page's content.
    if (location.pathname !== firstPath.current) { firstPath.current = ''; mainRef.current?.focus(); }
  }, [location.pathname]);

  // Items of a section stay together, sections in the order they first appear.
  const sections: { name: string | undefined; items: NavItem[] }[] = [];
  for (const item of props.nav) {
    const same = sections.find((x) => x.name === item.section);
    if (same) same.items.push(item);
    else sections.push({ name: item.section, items: [item] });
  }

  return (
    <div className="shell">
      <a className="skip-link" href="#main">Skip to main content</a>
      <header className="banner">
        <button type="button" className="menu-button" aria-expanded={open} aria-controls="site-nav" onClick={() => setOpen(!open)}>
          Menu
        </button>
        <NavLink to={props.home} className="product" end>{props.product}</NavLink>
        <div className="who">
          <span className="who-name" title={session.user.userPrincipalName}>{session.user.displayName}</span>
          <button type="button" onClick={() => { void session.signOut(); }}>Sign out</button>
        </div>
      </header>
      <div className="body">
        <nav id="site-nav" className={open ? 'site-nav open' : 'site-nav'} aria-label="Main">
          {sections.map((s, i) => (
            <div key={s.name ?? `s${i}`} className="nav-section">
              {s.name && <h2 className="nav-heading">{s.name}</h2>}
              <ul>
                {s.items.map((item) => (
                  <li key={item.to}><NavLink to={item.to} end={item.to === props.home}>{item.label}</NavLink></li>
                ))}
              </ul>
            </div>
          ))}
        </nav>
        <main id="main" ref={mainRef} tabIndex={-1}>{props.children}</main>
      </div>
    </div>
  );
}

/** A page's heading and, on the right, its main actions; sets the document title. */
export function PageHeader(props: { title: string; product?: string; children?: ReactNode }) {
  useEffect(() => { document.title = `${props.title} · ${props.product ?? 'Steward'}`; }, [props.title, props.product]);
  return (
    <div className="page-header">
      <h1>{props.title}</h1>
      {props.children && <div className="page-actions">{props.children}</div>}
    </div>
  );
}
