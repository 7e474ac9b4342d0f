// The pages' one way to call Steward: same-origin fetch with the session cookie, the CSRF header
// on unsafe methods, Graph errors turned into an ApiError whose message is meant for people, and
// collection paging through @odata.nextLink.
import { CSRF_HEADER_NAME } from '../../../src/shared/session.js';

export interface GraphCollection<T> {
  '@odata.context'?: string;
  '@odata.count'?: number;
  '@odata.nextLink'?: string;
  value: T[];
}

/** A refused or failed request: `message` is readable; `code` is Graph's error code. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly target?: string) {
    super(message);
    this.name = 'ApiError';
  }
}

let csrfToken: string | undefined;
let onUnauthenticated: (() => void) | undefined;

/** Set by the session provider after signing in (and cleared on sign-out). */
export function setCsrfToken(token: string | undefined): void { csrfToken = token; }
/** Called when a request answers 401 outside sign-in: the session has ended. */
export function setUnauthenticatedHandler(fn: (() => void) | undefined): void { onUnauthenticated = fn; }

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Same-origin path of a URL Steward gave (nextLinks name the public URL, maybe another host). */
export function sameOrigin(url: string): string {
  if (url.startsWith('/')) return url;
  const u = new URL(url);
  return u.pathname + u.search;
}

const STATUS_WORDS: Record<number, string> = {
  400: 'The request was not accepted.',
  401: 'You are not signed in, or your session has ended: sign in again.',
  403: 'You are not allowed to do this.',
  404: 'Not found: it may have been deleted.',
  409: 'It changed or conflicts with something else: reload and try again.',
  429: 'Too many requests: wait a moment and try again.',
  500: 'Steward had an internal error.',
  502: 'Steward could not be reached.',
  503: 'Steward is not available right now.',
};

async function errorOf(res: Response): Promise<ApiError> {
  let code = `Http${res.status}`;
  let message = STATUS_WORDS[res.status] ?? `The request failed (HTTP ${res.status}).`;
  let target: string | undefined;
  try {
    const body = await res.json() as { error?: { code?: string; message?: string; target?: string } };
    if (body.error?.code) code = body.error.code;
    if (body.error?.message) message = body.error.message;
    if (body.error?.target) target = body.error.target;
  } catch { /* not JSON: keep the words for the status */ }
  return new ApiError(res.status, code, message, target);
}

export interface RequestOptions {
  body?: unknown;
  headers?: Record<string, string>;
  /** Do not call the unauthenticated handler on 401 (sign-in itself). */
  quiet401?: boolean;
  signal?: AbortSignal;
}

/** The raw Response of a successful request; throws ApiError otherwise. */
export async function request(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (UNSAFE.has(method) && csrfToken) headers[CSRF_HEADER_NAME] = csrfToken;
  let res: Response;
  try {
    res = await fetch(sameOrigin(path), {
      method, headers, credentials: 'same-origin',
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'NetworkError', 'Steward could not be reached: check the network connection and try again.');
  }
  if (!res.ok) {
    const error = await errorOf(res);
    if (res.status === 401 && !options.quiet401) onUnauthenticated?.();
    throw error;
  }
  return res;
}

async function json<T>(res: Response): Promise<T> {
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

export const api = {
  get: async <T>(path: string, options?: RequestOptions) => json<T>(await request('GET', path, options)),
  post: async <T = unknown>(path: string, body?: unknown, options?: RequestOptions) => json<T>(await request('POST', path, { ...options, body })),
  patch: async <T = unknown>(path: string, body: unknown, options?: RequestOptions) => json<T>(await request('PATCH', path, { ...options, body })),
  put: async <T = unknown>(path: string, body: unknown, options?: RequestOptions) => json<T>(await request('PUT', path, { ...options, body })),
  delete: async (path: string, options?: RequestOptions) => { await request('DELETE', path, options); },
  /** One page of a collection. */
  page: <T>(path: string, options?: RequestOptions) => api.get<GraphCollection<T>>(path, options),
  /** Every item of a collection, following @odata.nextLink (at most `max` items). */
  all: async <T>(path: string, options: RequestOptions & { max?: number } = {}): Promise<T[]> => {
    const out: T[] = [];
    let next: string | undefined = path;
    while (next !== undefined && out.length < (options.max ?? 10_000)) {
      const page: GraphCollection<T> = await api.get<GraphCollection<T>>(next, options);
      out.push(...page.value);
      next = page['@odata.nextLink'];
    }
    return out;
  },
};

/** A thrown value in words, for an alert. */
export function messageOf(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}

/** Builds `path?$a=b&…`, skipping undefined and empty values; OData names keep their `$`. */
export function withQuery(path: string, query: Record<string, string | number | boolean | undefined>): string {
  const parts = Object.entries(query)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`);
  return parts.length === 0 ? path : `${path}${path.includes('?') ? '&' : '?'}${parts.join('&')}`;
}

/** An OData string literal: 'it''s'. */
export function odataString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}
