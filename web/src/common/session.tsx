// The signed-in person, shared by the console and the portal: loads GET /auth/session, shows the
// sign-in page when there is no session, and says what the person may do (`can`).
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { SessionInfo } from '../../../src/shared/session.js';
import { ApiError, api, messageOf, setCsrfToken, setUnauthenticatedHandler } from './api.js';
import { SignIn } from './sign-in.js';

export interface Session extends SessionInfo {
  /** True when the person's roles grant every one of `operations`. */
  can(...operations: string[]): boolean;
  /** True when they grant at least one of `operations`. */
  canAny(...operations: string[]): boolean;
  signOut(): Promise<void>;
}

const SessionContext = createContext<Session | undefined>(undefined);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside <SessionProvider>');
  return s;
}

type State = { kind: 'loading' } | { kind: 'signedOut'; notice?: string } | { kind: 'signedIn'; info: SessionInfo } | { kind: 'error'; message: string };

export function SessionProvider(props: { product: string; children: ReactNode }) {
  const [state, setState] = useState<State>({ kind: 'loading' });

  const load = useCallback(async (notice?: string) => {
    try {
      const info = await api.get<SessionInfo>('/auth/session', { quiet401: true });
      setCsrfToken(info.csrfToken);
      setState({ kind: 'signedIn', info });
    } catch (err) {
      setCsrfToken(undefined);
      if (err instanceof ApiError && err.status === 401) setState({ kind: 'signedOut', ...(notice ? { notice } : {}) });
      else setState({ kind: 'error', message: messageOf(err) });
    }
  }, []);

  useEffect(() => {
    void load();
    setUnauthenticatedHandler(() => { setCsrfToken(undefined); setState({ kind: 'signedOut', notice: 'Your session has ended: sign in again.' }); });
    return () => setUnauthenticatedHandler(undefined);
  }, [load]);

  const session = useMemo((): Session | undefined => {
    if (state.kind !== 'signedIn') return undefined;
    const allowed = new Set(state.info.allowedResourceOperations);
    return {
      ...state.info,
      can: (...ops) => ops.every((o) => allowed.has(o)),
      canAny: (...ops) => ops.some((o) => allowed.has(o)),
      signOut: async () => {
        try { await api.post('/auth/signout'); } finally {
          setCsrfToken(undefined);
          setState({ kind: 'signedOut', notice: 'You have signed out.' });
        }
      },
    };
  }, [state]);

  switch (state.kind) {
    case 'loading':
      return <main className="center-page" aria-busy="true"><p role="status">Loading…</p></main>;
    case 'error':
      return (
        <main className="center-page">
          <div className="card">
            <h1>{props.product}</h1>
            <p role="alert" className="error">{state.message}</p>
            <button type="button" onClick={() => { void load(); }}>Try again</button>
          </div>
        </main>
      );
    case 'signedOut':
      return <SignIn product={props.product} {...(state.notice ? { notice: state.notice } : {})} onSignedIn={() => load()} />;
    case 'signedIn':
      return <SessionContext.Provider value={session}>{props.children}</SessionContext.Provider>;
  }
}
