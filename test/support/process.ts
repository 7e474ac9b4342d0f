// Runs the real `steward` command in a child process, as a user would.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

export interface Exited { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

export function steward(args: string[], env: Record<string, string> = {}): ChildProcessWithoutNullStreams {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('STEWARD_')));
  return spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: ROOT, env: { ...clean, ...env } });
}

export function exited(child: ChildProcessWithoutNullStreams): Promise<Exited> {
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

export async function runSteward(args: string[], env: Record<string, string> = {}): Promise<Exited> {
  return exited(steward(args, env));
}

/** Waits until the child's stdout matches `pattern` and returns the match. */
export function waitForOutput(child: ChildProcessWithoutNullStreams, pattern: RegExp, timeoutMs = 60_000): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let seen = '';
    let errs = '';
    const timer = setTimeout(() => { cleanup(); reject(new Error(`timed out waiting for ${String(pattern)}; stdout: ${seen}\nstderr: ${errs}`)); }, timeoutMs);
    const onData = (d: Buffer) => {
      seen += d.toString();
      const m = seen.match(pattern);
      if (m) { cleanup(); resolve(m); }
    };
    const onErr = (d: Buffer) => { errs += d.toString(); };
    const onClose = (code: number | null) => { cleanup(); reject(new Error(`exited with ${String(code)} before ${String(pattern)}; stdout: ${seen}\nstderr: ${errs}`)); };
    const cleanup = () => { clearTimeout(timer); child.stdout.off('data', onData); child.stderr.off('data', onErr); child.off('close', onClose); };
    child.stdout.on('data', onData);
    child.stderr.on('data', onErr);
    child.on('close', onClose);
  });
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}
