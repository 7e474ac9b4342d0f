// Waking devices after queuing commands for them, without holding up the caller (an admin's
// request, a device's check-in): the waker never rejects by contract; a broken one is ignored
// here too rather than failing a request whose commands are already queued.
import type { DeviceWaker } from '../push/ports.js';

export function wakeDevices(waker: DeviceWaker, ids: readonly string[]): void {
  if (ids.length === 0) return;
  try {
    void waker.wake(ids).catch(() => undefined);
  } catch {
    // A waker that throws synchronously breaks its contract; the commands stay queued.
  }
}
