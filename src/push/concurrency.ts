// What both push senders (APNs, WNS) need besides their protocols: a bound on requests in flight,
// and a network error in words for logs and outcomes.

/** Runs at most `max` tasks at once; the others wait their turn, first come first served. */
export function createLimiter(max: number) {
  let active = 0;
  const waiting: (() => void)[] = [];
  return {
    async run<T>(task: () => Promise<T>): Promise<T> {
      if (active >= max) await new Promise<void>((resolve) => waiting.push(resolve));
      else active++;
      try {
        return await task();
      } finally {
        const next = waiting.shift();
        if (next !== undefined) next(); // the slot passes to the next task
        else active--;
      }
    },
  };
}

/** An error as a short reason: Node's code (ECONNREFUSED…) with its message. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}
