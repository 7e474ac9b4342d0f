// Loading data for a page: `useLoad` runs an async function when its dependencies change and
// keeps its result, error and a reload; <Loaded> shows the three states accessibly.
import { useCallback, useEffect, useState, type DependencyList, type ReactNode } from 'react';
import { messageOf } from './api.js';

export type Loaded<T> = { status: 'loading'; reload: () => void } | { status: 'error'; message: string; reload: () => void } | { status: 'ok'; data: T; reload: () => void };

export function useLoad<T>(fn: (signal: AbortSignal) => Promise<T>, deps: DependencyList): Loaded<T> {
  const [state, setState] = useState<{ status: 'loading' } | { status: 'error'; message: string } | { status: 'ok'; data: T }>({ status: 'loading' });
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  useEffect(() => {
    const ac = new AbortController();
    fn(ac.signal).then(
      (data) => { if (!ac.signal.aborted) setState({ status: 'ok', data }); },
      (err: unknown) => { if (!ac.signal.aborted) setState({ status: 'error', message: messageOf(err) }); },
    );
    return () => ac.abort();
  }, [...deps, tick]);
  return { ...state, reload };
}

export function Show<T>(props: { loaded: Loaded<T>; what: string; children: (data: T) => ReactNode }) {
  const l = props.loaded;
  if (l.status === 'loading') return <p role="status" className="muted">Loading {props.what}…</p>;
  if (l.status === 'error') {
    return (
      <div role="alert" className="error-box">
        <p>Could not load {props.what}: {l.message}</p>
        <button type="button" onClick={l.reload}>Try again</button>
      </div>
    );
  }
  return <>{props.children(l.data)}</>;
}

/** An error (or success) message in words, announced to screen readers. */
export function Notice(props: { kind: 'error' | 'success'; children: ReactNode }) {
  return <p role={props.kind === 'error' ? 'alert' : 'status'} className={props.kind === 'error' ? 'error' : 'success'}>{props.children}</p>;
}
