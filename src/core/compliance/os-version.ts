// Version comparison for OS minimum and maximum settings: dotted numbers compared part by part
// ('17.4' < '17.10', '10.0.19045.3803' < '10.0.22631.2861'), missing parts counting as 0
// ('17' = '17.0.0'). Text after the numbers (' (a)', '-beta') is ignored.

/** Parsed versions by text: a fleet reports few distinct versions, and a sweep compares each many times. */
const parsed = new Map<string, readonly number[] | undefined>();
const PARSED_MAX = 4096;

export function parseVersion(v: string): readonly number[] | undefined {
  if (parsed.has(v)) return parsed.get(v);
  const m = /^\s*(\d+(?:\.\d+)*)/.exec(v);
  const out = m?.[1] ? Object.freeze(m[1].split('.').map((p) => Number(p))) : undefined;
  if (parsed.size >= PARSED_MAX) parsed.clear();
  parsed.set(v, out);
  return out;
}

/** Negative, zero or positive as a is before, equal to or after b; undefined when either is not a version. */
export function compareVersions(a: string, b: string): number | undefined {
  const x = parseVersion(a);
  const y = parseVersion(b);
  if (!x || !y) return undefined;
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

import { result, type SettingResult } from './setting-result.js';

/** osMinimumVersion / osMaximumVersion (or other names for the same pair) against the reported version. */
export function osVersionResults(type: string, reported: string | null, settings: Record<string, unknown>, names = { min: 'osMinimumVersion', max: 'osMaximumVersion' }): SettingResult[] {
  const out: SettingResult[] = [];
  for (const [name, sign] of [[names.min, 1], [names.max, -1]] as const) {
    const wanted = settings[name];
    if (typeof wanted !== 'string' || wanted.trim() === '') continue;
    if (reported === null || reported === '') { out.push(result(type, name, 'unknown')); continue; }
    const c = compareVersions(reported, wanted);
    if (c === undefined) out.push(result(type, name, 'unknown', reported));
    else out.push(result(type, name, c * sign >= 0 ? 'compliant' : 'nonCompliant', reported));
  }
  return out;
}
