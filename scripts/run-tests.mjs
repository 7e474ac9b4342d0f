// Runs every *.test.ts under src/, test/ and sim/ with Node's own test runner (through tsx).
// Node 20's runner does not discover .ts files by itself, so the list is built here.
// Arguments, if given, narrow the run to files whose path contains one of them.
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

function walk(dir, out) {
  let entries;
  try { entries = readdirSync(dir); } catch { return out; }
  for (const name of entries) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const filters = process.argv.slice(2);
const files = ['src', 'test', 'sim'].flatMap((d) => walk(d, []))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
if (files.length === 0) { console.error('no test files matched'); process.exit(1); }
// Browser tests (test/web/) drive the built pages: build them first (about a second).
if (files.some((f) => f.split(/[\\/]/).slice(0, 2).join('/') === 'test/web')) {
  // Built aside, then swapped in, so that a test already serving web/dist (another run in this
  // checkout) never sees a half-written directory; each browser test file serves its own copy.
  const aside = resolve(`node_modules/.cache/steward-web-${process.pid}`);
  const built = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--config', 'web/vite.config.ts', '--outDir', aside, '--emptyOutDir'], { stdio: 'inherit' });
  if (built.status !== 0) { console.error('npm run build:web failed'); process.exit(built.status ?? 1); }
  const old = `${aside}-old`;
  // Another run may swap at the same moment: whoever loses retries (both builds are the same tree).
  for (let attempt = 0; ; attempt++) {
    try {
      if (existsSync('web/dist')) renameSync('web/dist', old);
      renameSync(aside, 'web/dist');
      break;
    } catch (err) {
      if (attempt >= 5) throw err;
    }
  }
  rmSync(old, { recursive: true, force: true });
}
const r = spawnSync(process.execPath, [
  '--import', 'tsx', '--test', `--test-concurrency=${Math.max(2, availableParallelism())}`, ...files,
], { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test' } });
process.exit(r.status ?? 1);
