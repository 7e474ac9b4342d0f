// Typed reads of Apple responses as the queue stores them (JSON; see command-json.ts for the
// tagged $data/$date/$int forms). A key of the wrong type reads as absent: devices of other OS
// versions send what they send, and inventory takes what it understands.
import type { JsonValue } from '../commands/ports.js';

export type JsonDict = { readonly [key: string]: JsonValue };

export function dictOf(v: JsonValue | undefined): JsonDict | undefined {
  return v !== null && v !== undefined && typeof v === 'object' && !Array.isArray(v) ? (v as JsonDict) : undefined;
}

export function str(d: JsonDict, key: string): string | undefined {
  const v = d[key];
  return typeof v === 'string' ? v : undefined;
}

/** A non-empty string, trimmed. */
export function text(d: JsonDict, key: string): string | undefined {
  const v = str(d, key)?.trim();
  return v === undefined || v === '' ? undefined : v;
}

export function bool(d: JsonDict, key: string): boolean | undefined {
  const v = d[key];
  return typeof v === 'boolean' ? v : undefined;
}

/** A number, or an integer too large for one ({ "$int": "…" }) read approximately. */
export function num(d: JsonDict, key: string): number | undefined {
  const v = d[key];
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  const big = dictOf(v)?.$int;
  return typeof big === 'string' && /^-?\d+$/.test(big) ? Number(big) : undefined;
}

export function arr(d: JsonDict, key: string): readonly JsonValue[] | undefined {
  const v = d[key];
  return Array.isArray(v) ? (v as readonly JsonValue[]) : undefined;
}

/** A date ({ "$date": … } or ISO text) as ISO-8601 UTC. */
export function date(d: JsonDict, key: string): string | undefined {
  const v = d[key];
  const s = typeof v === 'string' ? v : dictOf(v)?.$date;
  if (typeof s !== 'string') return undefined;
  const t = new Date(s);
  return Number.isNaN(t.getTime()) ? undefined : t.toISOString();
}
