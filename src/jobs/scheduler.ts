// Runs scheduled core work in the server process. A failed run is logged and tried again at the
// next tick; a run never overlaps the previous one.
import type { Logger } from 'pino';

export interface ScheduledJob {
  name: string;
  everyMs: number;
  run(): Promise<unknown>;
}

export interface Scheduler {
  stop(): Promise<void>;
}

export function startScheduler(jobs: readonly ScheduledJob[], log: Logger): Scheduler {
  const timers: NodeJS.Timeout[] = [];
  const running = new Set<Promise<void>>();
  let stopped = false;
  for (const job of jobs) {
    let busy = false;
    const tick = () => {
      if (busy || stopped) return;
      busy = true;
      const p = job.run().then(
        (result) => { log.debug({ job: job.name, result }, 'scheduled job done'); },
        (err: unknown) => { log.error({ job: job.name, err }, 'scheduled job failed'); },
      ).finally(() => { busy = false; running.delete(p); });
      running.add(p);
    };
    const timer = setInterval(tick, job.everyMs);
    timer.unref();
    timers.push(timer);
  }
  return {
    async stop() {
      stopped = true;
      for (const t of timers) clearInterval(t);
      await Promise.allSettled([...running]);
    },
  };
}
