// Secrets are kept out of logs by a rule, not by care: any field whose name looks like it holds a
// secret is replaced wherever it appears in a log record, at any depth, and so is any query
// parameter with such a name in a logged URL.
import { isSecretName } from '../core/secrets.js';

const REDACTED = '[redacted]';
const MAX_DEPTH = 12;

export { isSecretName };

/** Replaces the values of secret-named query parameters in a URL or path. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = new URLSearchParams(url.slice(q + 1));
  let changed = false;
  for (const name of new Set(params.keys())) {
    if (isSecretName(name)) { params.set(name, REDACTED); changed = true; }
  }
  return changed ? `${url.slice(0, q)}?${params.toString()}` : url;
}

/** A copy of `value` with every secret-named property replaced. Safe on cycles and deep nesting. */
export function redactSecrets(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[too deep]';
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  if (value instanceof Error) {
    return { type: value.name, message: value.message, stack: value.stack, ...(redactSecrets({ ...value }, depth + 1, seen) as object) };
  }
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v, depth + 1, seen));
  if (Buffer.isBuffer(value) || ArrayBuffer.isView(value)) return `[${value.byteLength} bytes]`;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (isSecretName(k) && v !== undefined && v !== null && v !== '') out[k] = REDACTED;
    else if ((k === 'url' || k === 'path') && typeof v === 'string') out[k] = redactUrl(v);
    else out[k] = redactSecrets(v, depth + 1, seen);
  }
  return out;
}
