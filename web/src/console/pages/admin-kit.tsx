// Pieces shared by the console's management pages (users, groups, policies, profiles, enrollment,
// roles, audit): Graph calls with errors in words, form fields that show the API's validation
// error next to the field it names (the error's `target`), the assignment editor and the device
// status panel of policies and profiles.
import { useCallback, useEffect, useId, useState, type ReactNode } from 'react';
import { ApiError, api, messageOf, sameOrigin, type GraphCollection } from '../../common/api.js';
import { useSession } from '../../common/session.js';
import './admin.css';

export { ApiError, messageOf, type GraphCollection };

/** A Graph call under /beta (every route Steward serves answers under both versions). */
export async function graph<T = Record<string, unknown>>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const url = `/beta${path}`;
  switch (method) {
    case 'GET': return api.get<T>(url);
    case 'POST': return api.post<T>(url, body);
    case 'PATCH': return api.patch<T>(url, body ?? {});
    case 'DELETE': await api.delete(url); return undefined as T;
  }
}

/** Every page of a collection (bounded, for pickers). */
export function graphAll<T>(path: string, max = 2000): Promise<T[]> {
  return api.all<T>(`/beta${path}`, { max });
}

/** Whether the signed-in admin's roles grant the operation (controls they may not use are hidden or disabled). */
export function useCan(): (operation: string) => boolean {
  const session = useSession();
  return (operation) => session.can(operation);
}

/** The property an API error names (Graph's error.target), if any. */
export function targetOf(e: unknown): string | undefined {
  if (e instanceof ApiError) return e.target;
  const t = typeof e === 'object' && e !== null ? (e as { target?: unknown }).target : undefined;
  return typeof t === 'string' ? t : undefined;
}

/** An error in words, announced to screen readers. */
export function ErrorText({ error }: { error: unknown }) {
  if (error === undefined || error === null) return null;
  return <p className="error" role="alert">{messageOf(error)}</p>;
}

/** Loads data and keeps the error itself (pages look at its status), with a reload. */
export function useData<T>(load: () => Promise<T>, deps: readonly unknown[]): { data: T | undefined; error: unknown; loading: boolean; reload: () => void } {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({ data: undefined, error: undefined, loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => { if (live) setState({ data, error: undefined, loading: false }); },
      (error: unknown) => { if (live) setState({ data: undefined, error, loading: false }); },
    );
    return () => { live = false; };
  }, [...deps, tick]);
  const reload = useCallback(() => { setTick((n) => n + 1); }, []);
  return { ...state, reload };
}

/** The server's error for a field when its target names it (case-insensitive, as Graph matches names). */
export function errorFor(error: unknown, name: string): string | undefined {
  const target = targetOf(error);
  if (!target) return undefined;
  const t = target.toLowerCase();
  const n = name.toLowerCase();
  return t === n || t.startsWith(`${n}.`) || t.startsWith(`${n}[`) ? messageOf(error) : undefined;
}

interface FieldProps {
  label: string;
  name: string;
  error: unknown;
  hint?: string;
  /** Shown instead of the error's message when given. */
  message?: string | undefined;
  children: (ids: { id: string; describedBy: string | undefined; invalid: boolean }) => ReactNode;
}

/** A labelled field whose API error (or hint) is tied to the control with aria-describedby. */
export function Field({ label, name, error, hint, message: given, children }: FieldProps) {
  const id = useId();
  const message = given ?? errorFor(error, name);
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = message ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${message ? ' field-invalid' : ''}`} data-field={name}>
      <label htmlFor={id}>{label}</label>
      {children({ id, describedBy, invalid: message !== undefined })}
      {hint ? <small id={hintId}>{hint}</small> : null}
      {message ? <p id={errorId} className="field-error" role="alert">{message}</p> : null}
    </div>
  );
}

export type Values = Record<string, unknown>;

export interface Bound { values: Values; set: (name: string, value: unknown) => void; error: unknown; disabled?: boolean }

export function TextField({ form, name, label, hint, type = 'text', required, autoComplete }: { form: Bound; name: string; label: string; hint?: string; type?: string; required?: boolean; autoComplete?: string }) {
  const v = form.values[name];
  return (
    <Field label={label} name={name} error={form.error} {...(hint ? { hint } : {})}>
      {({ id, describedBy, invalid }) => (
        <input id={id} name={name} type={type} value={typeof v === 'string' || typeof v === 'number' ? String(v) : ''}
          aria-describedby={describedBy} aria-invalid={invalid || undefined} required={required} disabled={form.disabled}
          autoComplete={autoComplete ?? 'off'}
          onChange={(e) => { form.set(name, e.target.value); }} />
      )}
    </Field>
  );
}

export function NumberField({ form, name, label, hint, min, max }: { form: Bound; name: string; label: string; hint?: string; min?: number; max?: number }) {
  const v = form.values[name];
  return (
    <Field label={label} name={name} error={form.error} {...(hint ? { hint } : {})}>
      {({ id, describedBy, invalid }) => (
        <input id={id} name={name} type="number" inputMode="numeric" value={typeof v === 'number' ? String(v) : ''} min={min} max={max}
          aria-describedby={describedBy} aria-invalid={invalid || undefined} disabled={form.disabled}
          onChange={(e) => { form.set(name, e.target.value === '' ? null : Number(e.target.value)); }} />
      )}
    </Field>
  );
}

export function CheckField({ form, name, label }: { form: Bound; name: string; label: string }) {
  const id = useId();
  const message = errorFor(form.error, name);
  return (
    <div className={`field field-check${message ? ' field-invalid' : ''}`} data-field={name}>
      <input id={id} name={name} type="checkbox" checked={form.values[name] === true} disabled={form.disabled}
        aria-describedby={message ? `${id}-error` : undefined}
        onChange={(e) => { form.set(name, e.target.checked); }} />
      <label htmlFor={id}>{label}</label>
      {message ? <p id={`${id}-error`} className="field-error" role="alert">{message}</p> : null}
    </div>
  );
}

export function SelectField({ form, name, label, options, hint }: { form: Bound; name: string; label: string; options: readonly (readonly [string, string])[]; hint?: string }) {
  const v = form.values[name];
  return (
    <Field label={label} name={name} error={form.error} {...(hint ? { hint } : {})}>
      {({ id, describedBy, invalid }) => (
        <select id={id} name={name} value={typeof v === 'string' ? v : ''} aria-describedby={describedBy} aria-invalid={invalid || undefined}
          disabled={form.disabled} onChange={(e) => { form.set(name, e.target.value === '' ? null : e.target.value); }}>
          {options.map(([value, text]) => <option key={value} value={value}>{text}</option>)}
        </select>
      )}
    </Field>
  );
}

/** Form state: values, a setter and the last API error (shown by the fields it names). */
export function useForm(initial: Values): Bound & { reset: (v: Values) => void; setError: (e: unknown) => void } {
  const [values, setValues] = useState<Values>(initial);
  const [error, setError] = useState<unknown>(undefined);
  return {
    values,
    error,
    set: (name, value) => { setValues((v) => ({ ...v, [name]: value })); },
    reset: (v) => { setValues(v); setError(undefined); },
    setError,
  };
}

/** An error that no field on the form names: shown above the buttons. */
export function FormError({ error, fields }: { error: unknown; fields: readonly string[] }) {
  if (error === undefined || error === null) return null;
  if (fields.some((f) => errorFor(error, f) !== undefined)) {
    // The field shows (and announces) the error itself; this line only points at it.
    return <p className="error">Please correct the marked field: {messageOf(error)}</p>;
  }
  return <ErrorText error={error} />;
}

/** Values without empty strings (an empty text box means "not set"). */
export function compact(values: Values): Values {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== '' && v !== undefined));
}

export function formatDate(iso: unknown): string {
  if (typeof iso !== 'string' || iso === '') return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

export function Busy({ busy, children }: { busy: boolean; children: ReactNode }) {
  return <span aria-live="polite">{busy ? 'Working…' : children}</span>;
}

/** A table's scrolling frame: focusable and named, so a keyboard can scroll it on a narrow screen. */
export function TableWrap({ label, children }: { label: string; children: ReactNode }) {
  return <div className="table-wrap" tabIndex={0} role="region" aria-label={label}>{children}</div>;
}

/**
 * A collection read a page at a time from `first`, following @odata.nextLink; `reset` goes back to
 * the first page (a new search), `refresh` changing reads the page again.
 */
export function usePages<T>(first: string, refresh: unknown = 0): { page: GraphCollection<T> | undefined; error: unknown; pager: PagerProps; reset: () => void } {
  const [links, setLinks] = useState<string[]>([]);
  const [page, setPage] = useState<GraphCollection<T> | undefined>();
  const [error, setError] = useState<unknown>();
  const current = links.at(-1) ?? first;
  useEffect(() => {
    let live = true;
    setError(undefined);
    api.get<GraphCollection<T>>(current).then((p) => { if (live) setPage(p); }, (e: unknown) => { if (live) { setPage(undefined); setError(e); } });
    return () => { live = false; };
  }, [current, refresh]);
  const next = page?.['@odata.nextLink'];
  return {
    page, error, reset: () => { setLinks([]); },
    pager: {
      previous: links.length === 0 ? undefined : () => { setLinks(links.slice(0, -1)); },
      next: next === undefined ? undefined : () => { setLinks([...links, sameOrigin(next)]); },
    },
  };
}

export interface PagerProps { previous: (() => void) | undefined; next: (() => void) | undefined }

/** Previous and Next page buttons for usePages. */
export function Pager({ previous, next }: PagerProps) {
  return (
    <div className="buttons pager">
      <button type="button" disabled={!previous} onClick={previous}>Previous page</button>
      <button type="button" disabled={!next} onClick={next}>Next page</button>
    </div>
  );
}
