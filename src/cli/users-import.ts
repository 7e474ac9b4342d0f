// `steward users import FILE [--atomic]`: creates users, with their groups and licences, from a
// CSV file (format: core/directory/import-users.ts), straight into the database the server uses.
// A bad row is reported with its line and reason and the others import; --atomic imports all
// rows or none. Exit status: 0 when every row imported, 1 when some failed (or --atomic refused,
// or the file could not be read or used).
import { randomUUID } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import cliProgress from 'cli-progress';
import type { Kysely } from 'kysely';
import type { Config } from '../config/config.js';
import { openDatabase } from '../store/database.js';
import { migrator } from '../store/migrate.js';
import { storePorts } from '../store/ports.js';
import { makeCore } from '../core/deps.js';
import { systemClock } from '../core/clock.js';
import { StewardError } from '../core/errors.js';
import { otherActor, recordChange } from '../core/audit/record-change.js';
import { decodeCsv, importUsers, MAX_CSV_BYTES, type ImportReport } from '../core/directory/import-users.js';

export interface CommandOutput {
  stdout: { write(text: string): unknown };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

/** Time between "N of M rows" lines when stderr is not a terminal (a log, a CI job). */
const PLAIN_PROGRESS_EVERY_MS = 5000;

export async function usersImportCommand(config: Config, input: { file: string; atomic: boolean }, io: CommandOutput = process): Promise<number> {
  const fail = (message: string) => { io.stderr.write(`steward: ${message}\n`); return 1; };
  let csv: string;
  try {
    const info = await stat(input.file);
    if (info.isDirectory()) return fail(`cannot read ${input.file}: it is a directory`);
    // Checked before reading, so that a huge file is not loaded only to be refused.
    if (info.size > MAX_CSV_BYTES) return fail(`${input.file} is ${(info.size / 1024 / 1024).toFixed(1)} MiB; the limit is ${MAX_CSV_BYTES / 1024 / 1024} MiB. Split it into several files.`);
    csv = decodeCsv(await readFile(input.file));
  } catch (err) {
    if (err instanceof StewardError) return fail(`${input.file}: ${err.message}`);
    return fail(`cannot read ${input.file}: ${readError(err)}`);
  }

  // Not migrated here: a data import should not change the schema under running servers.
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: resolve(config.dataDir), migrate: false });
  try {
    const pending = (await migrator(database.db as Kysely<unknown>, database.dialect).getMigrations()).filter((m) => !m.executedAt);
    if (pending.length > 0) return fail(`${database.location}: the database schema is not up to date (${pending.length} migrations pending); run \`steward migrate\` (or start the server) first.`);
    const core = makeCore(storePorts(database), systemClock);
    const actor = otherActor('System', { applicationDisplayName: 'steward users import' });
    const correlationId = randomUUID(); // one for the run: its events belong together
    const progress = progressReporter(io.stderr);
    let report: ImportReport;
    try {
      report = await importUsers(core, {
        csv,
        atomic: input.atomic,
        onProgress: progress.update,
        onCreated: (user, _line, groups) => recordChange({ audit: core.auditLog, clock: core.clock }, {
          actor, correlationId, activity: 'Import user', category: 'User', operation: 'Create',
          resource: {
            type: 'User', id: user.id, displayName: user.userPrincipalName,
            after: { ...user, memberOf: groups.map((g) => ({ id: g.id, displayName: g.displayName })) },
          },
        }),
      });
    } catch (err) {
      if (err instanceof StewardError) return fail(`${input.file}: ${err.message}`);
      throw err;
    } finally {
      progress.stop();
    }
    io.stdout.write(summary(input.file, report));
    return report.failed.length === 0 ? 0 : 1;
  } finally {
    await database.close();
  }
}

function readError(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a directory';
  return err instanceof Error ? err.message : String(err);
}

function summary(file: string, report: ImportReport): string {
  const users = (n: number) => `${n.toLocaleString('en')} user${n === 1 ? '' : 's'}`;
  const rows = (n: number) => `${n.toLocaleString('en')} row${n === 1 ? '' : 's'}`;
  let head: string;
  if (report.failed.length === 0) head = `${file}: imported ${users(report.imported)}.`;
  else if (report.rolledBack) head = `${file}: nothing imported (--atomic): a row failed while importing, and the users created before it were deleted again.`;
  else if (report.atomic) head = `${file}: nothing imported (--atomic): ${rows(report.failed.length)} of ${report.total.toLocaleString('en')} failed.`;
  else head = `${file}: imported ${users(report.imported)} of ${report.total.toLocaleString('en')}; ${rows(report.failed.length)} failed.`;
  return [head, ...report.failed.map((f) => `line ${f.line}: ${f.reason}`), ''].join('\n');
}

/** A bar on a terminal; elsewhere a plain line now and then, which logs keep readable. */
function progressReporter(stderr: CommandOutput['stderr']): { update: (done: number, total: number, phase: string) => void; stop: () => void } {
  if (stderr.isTTY) {
    const bar = new cliProgress.SingleBar({
      stream: stderr, hideCursor: true, clearOnComplete: false,
      format: '{phase} [{bar}] {value}/{total} rows | {percentage}% | ETA {eta_formatted}',
    }, cliProgress.Presets.shades_classic);
    let running = false;
    return {
      update: (done, total, phase) => {
        if (!running) { bar.start(total, done, { phase }); running = true; } else bar.update(done, { phase });
      },
      stop: () => { if (running) bar.stop(); },
    };
  }
  let last = 0;
  let shown = '';
  return {
    update: (done, total, phase) => {
      const now = Date.now();
      const line = `${phase} users: ${done.toLocaleString('en')} of ${total.toLocaleString('en')} rows\n`;
      if (line === shown || (done !== total && now - last < PLAIN_PROGRESS_EVERY_MS)) return;
      stderr.write(line);
      shown = line;
      last = now;
    },
    stop: () => { /* every line is already out */ },
  };
}
