import type { Clock, Scheduler } from "../../modules/app/ports";

/** The host's clocks: a monotonic counter for intervals, the system time for timestamps. */
export class RealClock implements Clock {
  monotonicMs(): number {
    return performance.now();
  }

  wallMs(): number {
    return Date.now();
  }
}

/** Node timers behind the Scheduler port. */
export class RealScheduler implements Scheduler {
  private readonly handles = new Set<NodeJS.Timeout>();

  repeat(callback: () => void, intervalMs: number): unknown {
    const handle = setInterval(callback, intervalMs);
    this.handles.add(handle);
    return handle;
  }

  once(callback: () => void, delayMs: number): unknown {
    const handle = setTimeout(() => {
      this.handles.delete(handle);
      callback();
    }, delayMs);
    this.handles.add(handle);
    return handle;
  }

  cancel(handle: unknown): void {
    clearTimeout(handle as NodeJS.Timeout);
    this.handles.delete(handle as NodeJS.Timeout);
  }

  /** Stops every timer still pending, so a stopped bridge lets the process exit. */
  cancelAll(): void {
    for (const handle of this.handles) clearTimeout(handle);
    this.handles.clear();
  }
}
