// Bulk import of users, with their group memberships and licences, from a CSV file (a Steward
// extension: `steward users import FILE [--atomic]` and POST /users/import).
//
// The format:
// - UTF-8, with or without a byte order mark; comma-separated; a field holding a comma, a quote
//   or a line break is written in double quotes ("" for a quote), as RFC 4180 and Excel's
//   "CSV UTF-8" write it. A stray quote inside an unquoted field (O"Brien) is kept as text.
// - Line 1 is the header: Graph user property names, in any order and any letter case:
//   userPrincipalName and displayName (both required), accountEnabled (true/false/yes/no/1/0,
//   default true), mailNickname (default: from the userPrincipalName), mail, givenName, surname,
//   department, jobTitle, companyName, employeeId, officeLocation, mobilePhone, city, country,
//   usageLocation (two letters, ISO 3166), and
//   - password: optional; it must pass the password policy, and the user must change it at the
//     first sign-in (forceChangePasswordNextSignIn);
//   - groups: optional; group ids or display names (ASCII letter case ignored) separated by ';',
//     each an existing assigned group (not a dynamic one); a name several groups share must be
//     given as an id, and so must a name with a ';' in it;
//   - licenses: optional; STEWARD_DEVICE_MANAGEMENT (the skuPartNumber) or its skuId, ';'-separated.
//   Any other column, a column named twice or a missing required column refuses the whole file.
// - Every further line is a user. An empty cell means "not set"; cells are trimmed, passwords
//   excepted. Blank lines and rows of empty cells (Excel leaves them) are skipped. A cell that
//   looks like a formula (=1+1) is plain text: nothing here evaluates it.
// - A row is reported by the physical line it starts on (the header is line 1), so a quoted
//   field spanning lines moves the numbers of the rows after it, as an editor shows them.
// - Limits: 50 MiB, 100,000 rows, 64 KiB per row.
//
// A bad row is reported with its line and reason and the others import; with `atomic`, every row
// is checked first and any failure imports nothing.
import { parse } from 'csv-parse/sync';
import type { Clock } from '../clock.js';
import { StewardError, invalidInput } from '../errors.js';
import { checkPasswordPolicy } from '../auth/password.js';
import { allScope } from '../rbac/scope.js';
import type { ListQuery } from '../query/list-query.js';
import type { MembershipEngine } from './dynamic-membership.js';
import type { GroupStore, UserStore } from './ports.js';
import { isDynamic, type Group } from './group.js';
import type { User } from './user.js';
import { createUser, type NewUser } from './create-user.js';
import { addGroupMember } from './group-members.js';
import { assignLicense } from './assign-license.js';
import { skus } from './licenses.js';
import { checkDisplayName, checkMailNickname, checkUserPrincipalName } from './validate.js';

export const MAX_CSV_BYTES = 50 * 1024 * 1024;
export const MAX_ROWS = 100_000;
export const MAX_ROW_BYTES = 64 * 1024;
/**
 * Rows imported at once. Each may hash a password (argon2id, ~15-40 ms on libuv's pool of 4
 * threads): four in flight keep the pool busy without queueing hundreds of 19 MiB hashes.
 */
const CONCURRENCY = 4;

// The same limits as POST /users (http/graph/users.ts), so that a row imports exactly when the
// same user could be created through the API.
const textLimits = {
  mail: 256, givenName: 64, surname: 64, department: 64, jobTitle: 128, companyName: 64,
  employeeId: 16, officeLocation: 128, mobilePhone: 64, city: 128, country: 128,
} as const;
type TextColumn = keyof typeof textLimits;
type Column = 'userPrincipalName' | 'displayName' | 'accountEnabled' | 'mailNickname' | TextColumn | 'usageLocation' | 'password' | 'groups' | 'licenses';
export const csvColumns: readonly Column[] = [
  'userPrincipalName', 'displayName', 'accountEnabled', 'mailNickname', ...(Object.keys(textLimits) as TextColumn[]),
  'usageLocation', 'password', 'groups', 'licenses',
];
const columnByLowerName = new Map(csvColumns.map((c) => [c.toLowerCase(), c]));
const MAX_UPN = 113;

/** A good row: its user, its groups (ids or display names, as written) and its licences (sku ids). */
export interface ParsedRow { line: number; user: NewUser; groups: string[]; licenses: string[] }
export interface RowError { line: number; userPrincipalName?: string; reason: string }
export interface ParsedUserCsv { rows: ParsedRow[]; errors: RowError[] }

export interface ImportReport {
  /** Rows in the file (blank ones not counted). */
  total: number;
  imported: number;
  failed: RowError[];
  atomic: boolean;
  /** Atomic only: a row failed while importing and the users created before it were deleted. */
  rolledBack?: boolean;
}

export interface ImportUsersDeps { users: UserStore; groups: GroupStore; clock: Clock; memberships: Pick<MembershipEngine, 'refreshUser'> }

export interface ImportUsersInput {
  csv: string;
  atomic: boolean;
  /**
   * Rows done (imported or failed) out of all rows. An atomic import first checks every row
   * against the directory ('checking'), then imports them ('importing').
   */
  onProgress?: (done: number, total: number, phase: 'checking' | 'importing') => void;
  /**
   * Called for each user created, once its groups and licences are in (atomic: once every row is
   * in): record the audit event here.
   */
  onCreated?: (user: User, line: number, groups: readonly Group[]) => Promise<void>;
  /** Called once the file parsed, before anything is written, with what it asks for; throw to refuse. */
  authorize?: (needs: { groups: boolean; licenses: boolean }) => Promise<void> | void;
}

const notCsv = (why: string) => invalidInput(`The file is not a CSV file of users: ${why}. Save it as "CSV UTF-8 (comma delimited)".`);

/** The text of an uploaded or read file: UTF-8 (a BOM is fine), within the size limit. */
export function decodeCsv(bytes: Uint8Array): string {
  if (bytes.length > MAX_CSV_BYTES) throw tooLarge(bytes.length);
  if (bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) throw notCsv('it is a ZIP archive, such as an Excel workbook (.xlsx)');
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) throw notCsv('it is UTF-16 text');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw notCsv('it is not UTF-8 text');
  }
}

const tooLarge = (bytes: number) => new StewardError('payload-too-large',
  `The file is ${(bytes / 1024 / 1024).toFixed(1)} MiB; the limit is ${MAX_CSV_BYTES / 1024 / 1024} MiB. Split it into several files.`);

/**
 * Reads and checks every row without touching the directory. A problem with the file as a whole
 * (empty, not CSV, an unknown column, over a limit) throws a StewardError; a problem with a row
 * is one of `errors`.
 */
export function parseUserCsv(text: string): ParsedUserCsv {
  const bytes = new TextEncoder().encode(text);
  if (bytes.length > MAX_CSV_BYTES) throw tooLarge(bytes.length);
  if (text.includes('\u0000')) throw notCsv('it contains NUL characters');
  if (text.replace(/^\uFEFF/, '').trim() === '') throw invalidInput(`The file is empty: expected a header row such as userPrincipalName,displayName,password,groups.`);
  // The line a row starts on: after the previous row and the blank lines csv-parse skipped. Its
  // own count (info.lines) is where a row ends, and counts a CRLF inside quotes twice. Offsets
  // only grow, so the count goes on from the last one: CRLF, LF and a lone CR each end a line.
  let counted = 0;
  let line = 1;
  const startLine = (previousEnd: number) => {
    let at = previousEnd;
    while (bytes[at] === 0x0a || bytes[at] === 0x0d) at++;
    for (; counted < at; counted++) if (bytes[counted] === 0x0a || (bytes[counted] === 0x0d && bytes[counted + 1] !== 0x0a)) line++;
    return line;
  };
  let records: { record: string[]; info: { bytes: number } }[];
  let parsedTo = 0; // where the last good record ends, for an error's line (its own figures are off)
  try {
    // With `info: true` each record comes as { record, info }; the typings do not say so.
    records = parse(text, {
      bom: true, info: true, relax_column_count: true, relax_quotes: true, skip_empty_lines: true,
      max_record_size: MAX_ROW_BYTES, to: MAX_ROWS + 2, on_record: (r, context) => { parsedTo = context.bytes; return r; },
    }) as unknown as { record: string[]; info: { bytes: number } }[];
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    const at = startLine(parsedTo);
    if (code === 'CSV_MAX_RECORD_SIZE') throw invalidInput(`The row on line ${at} is longer than ${MAX_ROW_BYTES.toLocaleString('en')} bytes.`);
    if (code === 'CSV_QUOTE_NOT_CLOSED') throw notCsv(`the quoted field that starts on line ${at} is never closed`);
    throw notCsv(`line ${at}: ${err instanceof Error ? err.message : String(err)}`);
  }
  let end = 0;
  const lines = records.map((r) => {
    const start = startLine(end);
    end = r.info.bytes;
    return { cells: r.record, line: start };
  }).filter((r) => r.cells.some((c) => c.trim() !== ''));
  const [header, ...body] = lines;
  if (!header || header.line !== 1) throw invalidInput('Line 1 must be the header row, such as userPrincipalName,displayName,password,groups.');
  const columns = headerColumns(header.cells);
  if (body.length === 0) throw invalidInput('The file has a header but no users.');
  if (body.length > MAX_ROWS || records.length === MAX_ROWS + 2) throw invalidInput(`The file has more than ${MAX_ROWS.toLocaleString('en')} rows; split it into several files.`);
  const seen = new Map<string, number>();
  const out: ParsedUserCsv = { rows: [], errors: [] };
  for (const r of body) {
    const row = parseRow(r.cells, r.line, columns, seen);
    if ('reason' in row) out.errors.push(row); else out.rows.push(row);
  }
  return out;
}

function headerColumns(cells: readonly string[]): Column[] {
  const columns: Column[] = [];
  cells.forEach((cell, i) => {
    const name = cell.trim();
    if (name === '') throw invalidInput(`Column ${i + 1} of the header has no name.`);
    const column = columnByLowerName.get(name.toLowerCase());
    if (!column) {
      const hint = cells.length === 1 && /[;\t]/.test(name) ? ' Columns must be separated by commas.' : '';
      throw invalidInput(`Unknown column '${name.slice(0, 100)}' (column ${i + 1}).${hint} Known columns: ${csvColumns.join(', ')}.`, name.slice(0, 100));
    }
    if (columns.includes(column)) throw invalidInput(`Column ${column} appears twice in the header.`, column);
    columns.push(column);
  });
  for (const required of ['userPrincipalName', 'displayName'] as const) {
    if (!columns.includes(required)) throw invalidInput(`The header has no ${required} column; it is required.`, required);
  }
  return columns;
}

const booleans = new Map([['true', true], ['yes', true], ['1', true], ['false', false], ['no', false], ['0', false]]);

function parseRow(cells: readonly string[], line: number, columns: readonly Column[], seen: Map<string, number>): ParsedRow | RowError {
  const value = (c: Column): string | undefined => {
    const i = columns.indexOf(c);
    const raw = i < 0 ? undefined : cells[i];
    const v = c === 'password' ? raw : raw?.trim();
    return v === '' ? undefined : v;
  };
  const rawUpn = value('userPrincipalName');
  const failure = (reason: string): RowError => ({ line, ...(rawUpn ? { userPrincipalName: rawUpn.slice(0, MAX_UPN) } : {}), reason });
  // Fewer or more cells than the header means the values no longer line up with their columns.
  if (cells.length < columns.length || cells.slice(columns.length).some((c) => c.trim() !== '')) {
    return failure(`the row has ${cells.length} fields but the header has ${columns.length}`);
  }
  const problems: string[] = [];
  const check = <T>(f: () => T): T | undefined => {
    try { return f(); } catch (err) {
      if (!(err instanceof StewardError)) throw err;
      problems.push(err.message.replace(/\.$/, ''));
      return undefined;
    }
  };
  let upn: string | undefined;
  if (!rawUpn) problems.push('userPrincipalName is required');
  else if (rawUpn.length > MAX_UPN) problems.push(`userPrincipalName must be at most ${MAX_UPN} characters`);
  else upn = check(() => checkUserPrincipalName(rawUpn));
  const rawName = value('displayName');
  if (!rawName) problems.push('displayName is required');
  const displayName = rawName ? check(() => checkDisplayName(rawName)) : undefined;
  const user: NewUser = { userPrincipalName: upn ?? '', displayName: displayName ?? '', accountEnabled: true };
  const enabled = value('accountEnabled');
  if (enabled !== undefined) {
    const b = booleans.get(enabled.toLowerCase());
    if (b === undefined) problems.push(`accountEnabled '${enabled.slice(0, 20)}' must be true, false, yes, no, 1 or 0`);
    else user.accountEnabled = b;
  }
  const nick = value('mailNickname');
  if (nick !== undefined) user.mailNickname = check(() => checkMailNickname(nick));
  for (const [column, max] of Object.entries(textLimits) as [TextColumn, number][]) {
    const v = value(column);
    if (v === undefined) continue;
    if (v.length > max) problems.push(`${column} must be at most ${max} characters`);
    else user[column] = v;
  }
  const usage = value('usageLocation');
  if (usage !== undefined) {
    if (/^[A-Za-z]{2}$/.test(usage)) user.usageLocation = usage.toUpperCase();
    else problems.push(`usageLocation '${usage.slice(0, 20)}' must be a two-letter country code (ISO 3166), such as US`);
  }
  const password = value('password');
  if (password !== undefined) {
    const problem = checkPasswordPolicy(password, upn ? { userPrincipalName: upn } : {});
    if (problem) problems.push(`password: ${problem.replace(/\.$/, '')}`);
    else user.passwordProfile = { password, forceChangePasswordNextSignIn: true };
  }
  const groups = dedupe(list(value('groups')));
  const licenses: string[] = [];
  for (const ref of list(value('licenses'))) {
    const sku = skus.find((s) => s.skuPartNumber.toLowerCase() === ref.toLowerCase() || s.skuId.toLowerCase() === ref.toLowerCase());
    if (!sku) problems.push(`license '${ref.slice(0, 60)}' is not known; use ${skus.map((s) => `${s.skuPartNumber} (${s.skuId})`).join(' or ')}`);
    else if (!licenses.includes(sku.skuId)) licenses.push(sku.skuId);
  }
  if (upn) {
    const first = seen.get(upn.toLowerCase());
    if (first !== undefined) problems.push(`userPrincipalName ${upn} is also on line ${first}`);
    else seen.set(upn.toLowerCase(), line);
  }
  return problems.length > 0 ? failure(problems.join('; ')) : { line, user, groups, licenses };
}

const list = (cell: string | undefined) => (cell ?? '').split(';').map((s) => s.trim()).filter((s) => s !== '');
const asciiLower = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());
const dedupe = (refs: string[]) => refs.filter((r, i) => refs.findIndex((o) => asciiLower(o) === asciiLower(r)) === i);

/** Imports the users of a CSV file (format above). Throws a StewardError when the file as a whole is unusable. */
export async function importUsers(deps: ImportUsersDeps, input: ImportUsersInput): Promise<ImportReport> {
  const parsed = parseUserCsv(input.csv);
  await input.authorize?.({ groups: parsed.rows.some((r) => r.groups.length > 0), licenses: parsed.rows.some((r) => r.licenses.length > 0) });
  const total = parsed.rows.length + parsed.errors.length;
  const resolveGroup = groupResolver(deps.groups);
  const failed: RowError[] = [...parsed.errors];
  const fail = (row: ParsedRow, reason: string) => failed.push({ line: row.line, userPrincipalName: row.user.userPrincipalName, reason });
  const report = (imported: number, more: Partial<ImportReport> = {}): ImportReport => (
    { total, imported, failed: failed.sort((a, b) => a.line - b.line), atomic: input.atomic, ...more });

  if (!input.atomic) {
    let done = parsed.errors.length;
    let imported = 0;
    input.onProgress?.(done, total, 'importing');
    await forEachLimited(parsed.rows, CONCURRENCY, async (row) => {
      const groups = await checkRow(deps, row, resolveGroup);
      const outcome = typeof groups === 'string' ? groups : await rowFailure(() => createRow(deps, row, groups));
      if (typeof outcome === 'string') fail(row, outcome);
      else if (typeof groups !== 'string') {
        await input.onCreated?.(outcome, row.line, groups);
        imported++;
      }
      input.onProgress?.(++done, total, 'importing');
      return 'continue';
    });
    return report(imported);
  }

  const plan: { row: ParsedRow; groups: Group[] }[] = [];
  let checkedRows = parsed.errors.length;
  input.onProgress?.(checkedRows, total, 'checking');
  await forEachLimited(parsed.rows, CONCURRENCY, async (row) => {
    const groups = await checkRow(deps, row, resolveGroup);
    if (typeof groups === 'string') fail(row, groups); else plan.push({ row, groups });
    input.onProgress?.(++checkedRows, total, 'checking');
    return 'continue';
  });
  if (failed.length > 0) return report(0);
  plan.sort((a, b) => a.row.line - b.row.line);
  let done = 0;
  input.onProgress?.(done, total, 'importing');
  const created: { user: User; line: number; groups: Group[] }[] = [];
  try {
    await forEachLimited(plan, CONCURRENCY, async ({ row, groups }) => {
      const outcome = await rowFailure(() => createRow(deps, row, groups));
      if (typeof outcome === 'string') {
        fail(row, outcome);
        return 'stop';
      }
      created.push({ user: outcome, line: row.line, groups });
      input.onProgress?.(++done, total, 'importing');
      return 'continue';
    });
  } catch (err) {
    await compensate(deps, created);
    throw err;
  }
  if (failed.length > 0) {
    await compensate(deps, created);
    return report(0, { rolledBack: true });
  }
  created.sort((a, b) => a.line - b.line);
  for (const c of created) await input.onCreated?.(c.user, c.line, c.groups);
  return report(created.length);
}

/**
 * Compensation, not a transaction: the ports have no transaction spanning several use cases, so
 * an atomic import that fails after its checks passed (another admin created one of its users in
 * the meantime) deletes the users it had already created, with their memberships and licences.
 * Until then they existed for a moment, as any user just created does.
 */
async function compensate(deps: ImportUsersDeps, created: readonly { user: User }[]): Promise<void> {
  const left: string[] = [];
  for (const { user } of created) {
    try { await deps.users.delete(user.id); } catch { left.push(user.userPrincipalName); }
  }
  if (left.length > 0) throw new Error(`The atomic import failed, and ${left.length} users it had created could not be deleted again: ${left.slice(0, 20).join(', ')}${left.length > 20 ? ', …' : ''}`);
}

/** What the directory says about a row before it is created: its groups, or why it cannot be. */
async function checkRow(deps: ImportUsersDeps, row: ParsedRow, resolveGroup: (ref: string) => Promise<Group | string>): Promise<Group[] | string> {
  const problems: string[] = [];
  const upn = row.user.userPrincipalName;
  // allScope: a user outside the caller's scope still holds the name.
  if (await deps.users.get(upn, allScope)) problems.push(`userPrincipalName ${upn} already exists`);
  const groups: Group[] = [];
  for (const ref of row.groups) {
    const g = await resolveGroup(ref);
    if (typeof g === 'string') problems.push(g);
    else if (!groups.some((o) => o.id === g.id)) groups.push(g);
  }
  return problems.length > 0 ? problems.join('; ') : groups;
}

/** Creates one row's user, groups and licences, as a unit: if a group or licence fails, the user goes too. */
async function createRow(deps: ImportUsersDeps, row: ParsedRow, groups: readonly Group[]): Promise<User> {
  // Dynamic groups follow the user's properties and licences, as after any create or assignLicense.
  const directory = { users: deps.users, clock: deps.clock, onUserChanged: (u: User) => deps.memberships.refreshUser(u) };
  let user: User;
  try {
    user = await createUser(directory, row.user);
  } catch (err) {
    // The name was free when checked: someone created the same user since.
    if (err instanceof StewardError && err.target === 'userPrincipalName') throw invalidInput(`userPrincipalName ${row.user.userPrincipalName} already exists`);
    throw err;
  }
  try {
    for (const g of groups) await addGroupMember(deps, { groupId: g.id, memberId: user.id });
    if (row.licenses.length === 0) return user;
    const addLicenses = row.licenses.map((skuId) => ({ skuId, disabledPlans: [] }));
    return (await assignLicense(directory, { id: user.id, scope: allScope, addLicenses, removeLicenses: [] })).after;
  } catch (err) {
    await deps.users.delete(user.id);
    throw err;
  }
}

/** The reason a row failed, or what it made; errors that are not about the row propagate. */
async function rowFailure<T>(f: () => Promise<T>): Promise<T | string> {
  try { return await f(); } catch (err) {
    if (err instanceof StewardError) return err.message.replace(/\.$/, '');
    throw err;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Group references (id or display name) to groups, each looked up once per import. */
function groupResolver(store: GroupStore): (ref: string) => Promise<Group | string> {
  const cache = new Map<string, Promise<Group | string>>();
  return (ref) => {
    const key = asciiLower(ref);
    if (!cache.has(key)) cache.set(key, lookUpGroup(store, ref));
    return cache.get(key)!;
  };
}

async function lookUpGroup(store: GroupStore, ref: string): Promise<Group | string> {
  const byId = UUID.test(ref) ? await store.get(ref.toLowerCase()) : undefined;
  const found = byId ? [byId] : await groupsNamed(store, ref);
  const shown = ref.slice(0, 100);
  if (found.length === 0) return `group '${shown}' was not found`;
  if (found.length > 1) return `group name '${shown}' is ambiguous: it matches ${found.map((g) => `'${g.displayName}' (${g.id})`).join(', ')}; give the group's id instead`;
  const group = found[0]!;
  if (isDynamic(group)) return `group '${group.displayName}' is a dynamic group: its members come from its membership rule and cannot be added by hand`;
  return group;
}

/** Groups whose display name is `name`, ASCII letter case aside (as $filter's startswith compares). */
async function groupsNamed(store: GroupStore, name: string): Promise<Group[]> {
  const out: Group[] = [];
  let skipToken: string | undefined;
  do {
    const query: ListQuery = {
      filter: { kind: 'match', fn: 'startswith', property: 'displayName', value: name },
      orderBy: [{ property: 'id', direction: 'asc' }], top: 999, count: false, ...(skipToken ? { skipToken } : {}),
    };
    const page = await store.list(query);
    out.push(...page.items.filter((g) => asciiLower(g.displayName) === asciiLower(name)));
    skipToken = page.nextSkipToken;
  } while (skipToken);
  return out;
}

/**
 * Runs `work` over the items, `limit` at a time. Once one answers 'stop' or throws, no further
 * item starts; the first error is rethrown when the ones running have finished.
 */
async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<'continue' | 'stop'>): Promise<void> {
  let next = 0;
  let stop = false;
  let failure: { err: unknown } | undefined;
  const worker = async () => {
    while (!stop && next < items.length) {
      try { if (await work(items[next++]!) === 'stop') stop = true; } catch (err) { stop = true; failure ??= { err }; }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw failure.err;
}
