// Long operations (bulk actions, imports): a labelled progress bar, the count in words, and each
// failure in words. `runEach` runs a task per item a few at a time and reports as it goes.
import { useId } from 'react';
import { messageOf } from './api.js';

export interface ItemFailure { label: string; message: string }

export interface ProgressState {
  total: number;
  done: number;
  failures: ItemFailure[];
  running: boolean;
}

export const idleProgress: ProgressState = { total: 0, done: 0, failures: [], running: false };

export function ProgressReport(props: { label: string; state: ProgressState }) {
  const id = useId();
  const { total, done, failures, running } = props.state;
  if (total === 0) return null;
  const succeeded = done - failures.length;
  return (
    <section className="progress-report" aria-labelledby={id}>
      <h2 id={id} className="small-heading">{props.label}</h2>
      <progress max={total} value={done} aria-labelledby={id}>{done} of {total}</progress>
      <p role="status">
        {running ? `${done} of ${total} done…` : `Finished: ${succeeded} of ${total} succeeded${failures.length > 0 ? `, ${failures.length} failed` : ''}.`}
      </p>
      {failures.length > 0 && (
        <ul className="failures" aria-label="Failures">
          {failures.map((f, i) => <li key={`${f.label}-${i}`}><strong>{f.label}</strong>: {f.message}</li>)}
        </ul>
      )}
    </section>
  );
}

/** Runs `task` for every item, `concurrency` at a time, calling `onProgress` after each. */
export async function runEach<T>(items: readonly T[], label: (item: T) => string, task: (item: T) => Promise<unknown>, onProgress: (s: ProgressState) => void, concurrency = 4): Promise<ProgressState> {
  let state: ProgressState = { total: items.length, done: 0, failures: [], running: true };
  onProgress(state);
  let next = 0;
  async function worker() {
    while (next < items.length) {
      const item = items[next++] as T;
      try {
        await task(item);
        state = { ...state, done: state.done + 1 };
      } catch (err) {
        state = { ...state, done: state.done + 1, failures: [...state.failures, { label: label(item), message: messageOf(err) }] };
      }
      onProgress(state);
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, () => worker()));
  state = { ...state, running: false };
  onProgress(state);
  return state;
}
