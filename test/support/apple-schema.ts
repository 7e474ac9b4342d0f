// Third-party checks of Apple plists for tests: Python's stdlib plistlib reads them, and Apple's
// own profile schema (beside the repository, in ../shared) says which keys exist.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import type { PlistDict, PlistValue } from '../../src/protocol/apple/plist.js';

/** Apple's profile payload schema (mdm/profiles/*.yaml); absent on a clone without ../shared. */
export const APPLE_PROFILES_DIR = fileURLToPath(new URL('../../../shared/reference/apple-device-management/mdm/profiles', import.meta.url));

/** What Python's plistlib makes of the bytes, as JSON: data as {"$data": base64}. */
export function plistlib(bytes: Uint8Array): Record<string, unknown> {
  const script = [
    'import sys, json, plistlib, base64',
    'v = plistlib.loads(sys.stdin.buffer.read())',
    'def conv(x):',
    '    if isinstance(x, bytes): return {"$data": base64.b64encode(x).decode()}',
    '    if isinstance(x, dict): return {k: conv(y) for k, y in x.items()}',
    '    if isinstance(x, list): return [conv(y) for y in x]',
    '    return x',
    'print(json.dumps(conv(v)))',
  ].join('\n');
  return JSON.parse(execFileSync('python3', ['-c', script], { input: bytes }).toString('utf8')) as Record<string, unknown>;
}

export interface YamlKey { key: string; type?: string; subkeys?: YamlKey[] }

/** The payload keys of one schema file (`com.apple.wifi.managed.yaml`, `TopLevel.yaml`, …). */
export function profileKeys(file: string): YamlKey[] {
  return (parseYaml(readFileSync(join(APPLE_PROFILES_DIR, file), 'utf8')) as { payloadkeys: YamlKey[] }).payloadkeys;
}

const isDict = (v: PlistValue | undefined): v is PlistDict => typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array) && !(v instanceof Date);

/** Every key path of a dictionary that the schema does not list (recursing into dictionaries). */
export function unknownKeys(dict: PlistDict, specs: readonly YamlKey[], path: string): string[] {
  const known = new Map(specs.map((s) => [s.key, s]));
  const out: string[] = [];
  for (const [k, v] of Object.entries(dict)) {
    const spec = known.get(k);
    if (!spec) { out.push(`${path}.${k}`); continue; }
    if (spec.type === '<dictionary>' && spec.subkeys && isDict(v)) out.push(...unknownKeys(v, spec.subkeys, `${path}.${k}`));
  }
  return out;
}
