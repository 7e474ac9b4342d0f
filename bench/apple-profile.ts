// Reads a V8 CPU profile (node --cpu-prof) of the Steward process and says where the CPU went
// within a window of time: the top functions by self time and by total time, and self time by
// package or source folder. bench/apple.ts marks each phase's window with process.hrtime, which
// reads the same monotonic clock as the profile's timestamps (microseconds) on the same machine.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface FrameCost {
  name: string;
  /** Percent of the busy (not idle) samples in the window. */
  percent: number;
}

export interface ProfileSummary {
  /** Busy samples in the window, and what they add up to in ms. */
  samples: number;
  busyMs: number;
  selfTop: FrameCost[];
  totalTop: FrameCost[];
  /** Steward's own functions (src/) by total time: which use cases and adapters the time is under. */
  stewardTop: FrameCost[];
  byArea: FrameCost[];
}

const NOT_CPU = new Set(['(idle)', '(root)']);

/** Window bounds in microseconds of the monotonic clock (process.hrtime.bigint() / 1000n). */
export function summarizeProfile(file: string, window: { startUs: number; endUs: number }, top = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const steward = new Map<string, number>();
  const area = new Map<string, number>();
  let busy = 0;
  let busyUs = 0;
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i] ?? 0;
    t += delta;
    if (t < window.startUs || t > window.endUs) continue;
    const node = byId.get(profile.samples[i] ?? -1);
    if (node === undefined || NOT_CPU.has(node.callFrame.functionName)) continue;
    busy++;
    busyUs += delta;
    const leaf = frameName(node);
    self.set(leaf, (self.get(leaf) ?? 0) + 1);
    const a = areaOf(node.callFrame.url, node.callFrame.functionName);
    area.set(a, (area.get(a) ?? 0) + 1);
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const n = byId.get(id);
      if (n === undefined || NOT_CPU.has(n.callFrame.functionName)) continue;
      const name = frameName(n);
      if (seen.has(name)) continue;
      seen.add(name);
      total.set(name, (total.get(name) ?? 0) + 1);
      if (/\/src\//.test(n.callFrame.url)) steward.set(name, (steward.get(name) ?? 0) + 1);
    }
  }
  const rank = (m: Map<string, number>, n: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n)
    .map(([name, count]) => ({ name, percent: busy === 0 ? 0 : (100 * count) / busy }));
  return { samples: busy, busyMs: busyUs / 1000, selfTop: rank(self, top), totalTop: rank(total, top), stewardTop: rank(steward, top), byArea: rank(area, top) };
}

function frameName(n: ProfileNode): string {
  const f = n.callFrame;
  // Line numbers of files tsx compiled are of its output (0 for most), not of the source.
  const where = f.url === '' ? '' : ` ${shortUrl(f.url)}${f.lineNumber > 0 ? `:${f.lineNumber + 1}` : ''}`;
  return `${f.functionName === '' ? '(anonymous)' : f.functionName}${where}`;
}

function shortUrl(url: string): string {
  const i = url.lastIndexOf('/node_modules/');
  if (i >= 0) return url.slice(i + '/node_modules/'.length);
  const s = url.search(/\/(src|sim|bench|test)\//);
  return s >= 0 ? url.slice(s + 1) : url.replace(/^file:\/\//, '');
}

/** node_modules/<package>, src/<folder>, node:<module>, or V8's own (GC, program). */
function areaOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  const nm = /\/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1] ?? url;
  if (url.startsWith('node:')) return url;
  const src = /\/src\/([^/]+)/.exec(url);
  if (src) return `src/${src[1] ?? ''}`;
  return shortUrl(url);
}

export function printProfile(title: string, s: ProfileSummary): void {
  const list = (xs: FrameCost[]) => xs.map((x) => `    ${x.percent.toFixed(1).padStart(5)}%  ${x.name}`).join('\n');
  console.log(`\n### Server CPU profile: ${title} (${s.samples} busy samples, ${s.busyMs.toFixed(0)} ms)\n`);
  console.log('  self time by package or folder:');
  console.log(list(s.byArea));
  console.log('  top functions by self time:');
  console.log(list(s.selfTop));
  console.log('  top functions by total time (self and callees):');
  console.log(list(s.totalTop));
  console.log('  Steward\'s functions (src/) by total time:');
  console.log(list(s.stewardTop));
}
