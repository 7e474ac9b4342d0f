// CSV import of users (POST /users/import, a Steward extension) with progress: the file is sent
// in slices of rows, each slice's report merged, line numbers mapped back to the file's own; an
// "all or nothing" import is one request (the server checks every row before importing any).
import { useState } from 'react';
import { CSRF_HEADER_NAME } from '../../../../src/shared/session.js';
import { ApiError } from '../../common/api.js';
import { ProgressReport, idleProgress, type ProgressState } from '../../common/progress.js';
import { useSession } from '../../common/session.js';
import { ErrorText } from './admin-kit.js';

const SLICE = 25;

interface Report { total: number; imported: number; failed: { line: number; userPrincipalName?: string; reason: string }[]; atomic: boolean; rolledBack?: boolean }
interface CsvRecord { text: string; line: number; lines: number }

/**
 * Splits CSV text into records as the server reads them (RFC 4180 quotes, a quote opening a field
 * only at its start), each with the physical line it starts on. Blank records are dropped.
 */
export function splitCsvRecords(text: string): CsvRecord[] {
  const out: CsvRecord[] = [];
  let start = 0;
  let line = 1;
  let startLine = 1;
  let inQuotes = false;
  let fieldStart = true;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inQuotes) {
      if (c === '"') {
        if (text[i + 1] === '"') i++;
        else inQuotes = false;
      } else if (c === '\n' || (c === '\r' && text[i + 1] !== '\n')) line++;
      continue;
    }
    if (c === '"' && fieldStart) { inQuotes = true; fieldStart = false; continue; }
    if (c === ',') { fieldStart = true; continue; }
    if (c === '\r' && text[i + 1] === '\n') continue;
    if (c === '\n' || c === '\r') {
      const record = text.slice(start, i + 1);
      if (record.trim() !== '') out.push({ text: record, line: startLine, lines: line - startLine + 1 });
      line++;
      start = i + 1;
      startLine = line;
      fieldStart = true;
      continue;
    }
    fieldStart = false;
  }
  const rest = text.slice(start);
  if (rest.trim() !== '') out.push({ text: rest.endsWith('\n') ? rest : `${rest}\n`, line: startLine, lines: line - startLine + 1 });
  return out;
}

export function UserImport({ onDone }: { onDone: () => void }) {
  const session = useSession();
  const [file, setFile] = useState<File | undefined>();
  const [atomic, setAtomic] = useState(false);
  const [progress, setProgress] = useState<ProgressState>(idleProgress);
  const [error, setError] = useState<unknown>();
  const [summary, setSummary] = useState<string | undefined>();

  async function send(csv: string): Promise<Report> {
    const res = await fetch(`/beta/users/import?atomic=${atomic}`, {
      method: 'POST', credentials: 'same-origin', body: csv,
      headers: { 'content-type': 'text/csv; charset=utf-8', accept: 'application/json', [CSRF_HEADER_NAME]: session.csrfToken },
    });
    const body = await res.json().catch(() => undefined) as (Report & { error?: { code: string; message: string; target?: string } }) | undefined;
    if (!res.ok || !body) throw new ApiError(res.status, body?.error?.code ?? `Http${res.status}`, body?.error?.message ?? `The import failed (HTTP ${res.status}).`, body?.error?.target);
    return body;
  }

  async function run() {
    if (!file) return;
    setError(undefined); setSummary(undefined);
    const text = await file.text();
    const records = splitCsvRecords(text);
    const [header, ...rows] = records;
    if (!header || rows.length === 0) { setError(new Error('The file has no rows under its header line.')); return; }
    let state: ProgressState = { total: rows.length, done: 0, failures: [], running: true };
    setProgress(state);
    let imported = 0;
    try {
      const slices = atomic ? [rows] : Array.from({ length: Math.ceil(rows.length / SLICE) }, (_, i) => rows.slice(i * SLICE, (i + 1) * SLICE));
      for (const slice of slices) {
        // The line each record starts on in the slice sent, mapped to its line in the file.
        const back = new Map<number, number>();
        let at = 1 + header.lines;
        for (const r of slice) { back.set(at, r.line); at += r.lines; }
        const report = await send(header.text + slice.map((r) => r.text).join(''));
        imported += report.imported;
        state = {
          ...state,
          done: state.done + slice.length,
          failures: [...state.failures, ...report.failed.map((f) => ({ label: `Line ${back.get(f.line) ?? f.line}${f.userPrincipalName ? ` (${f.userPrincipalName})` : ''}`, message: f.reason }))],
        };
        setProgress(state);
        if (report.rolledBack) setSummary('Nothing was imported: with "all or nothing", one bad row stops the whole file.');
      }
      if (!atomic || imported > 0) setSummary(`${imported} of ${rows.length} users imported.`);
    } catch (e) {
      setError(e);
    } finally {
      setProgress({ ...state, running: false });
      onDone();
    }
  }

  return (
    <form className="card editor" aria-label="Import users from CSV" onSubmit={(e) => { e.preventDefault(); void run(); }}>
      <h2>Import users from a CSV file</h2>
      <p>Line 1 names the columns: <code>userPrincipalName,displayName</code> and any of <code>password</code>, <code>groups</code>, <code>licenses</code>, <code>department</code>, <code>jobTitle</code>, <code>usageLocation</code>… (docs/admin-guide.md). A bad row is reported with its line; the others import.</p>
      <div className="field">
        <label htmlFor="import-file">CSV file (UTF-8)</label>
        <input id="import-file" type="file" accept=".csv,text/csv" onChange={(e) => { setFile(e.target.files?.[0]); setProgress(idleProgress); }} />
      </div>
      <div className="field field-check">
        <input id="import-atomic" type="checkbox" checked={atomic} onChange={(e) => { setAtomic(e.target.checked); }} />
        <label htmlFor="import-atomic">All or nothing: import no row unless every row is good</label>
      </div>
      <button type="submit" className="primary" disabled={!file || progress.running}>{progress.running ? 'Importing…' : 'Import'}</button>
      <ProgressReport label="Import progress" state={progress} />
      {summary ? <p role="status" data-testid="import-summary">{summary}</p> : null}
      <ErrorText error={error} />
    </form>
  );
}
