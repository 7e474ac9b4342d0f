// Timing a bench phase, shared by bench/compliance.ts and bench/configuration.ts.

/** Runs fn, sampling the heap in use every 20 ms: its wall-clock seconds and the highest heap seen, in MB. */
export async function timedWithPeakHeap(fn: () => Promise<unknown>): Promise<{ s: number; heapMb: number }> {
  let peak = process.memoryUsage().heapUsed;
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().heapUsed); }, 20);
  const start = process.hrtime.bigint();
  try {
    await fn();
  } finally {
    clearInterval(timer);
  }
  const s = Number(process.hrtime.bigint() - start) / 1e9;
  peak = Math.max(peak, process.memoryUsage().heapUsed);
  return { s, heapMb: peak / 2 ** 20 };
}
