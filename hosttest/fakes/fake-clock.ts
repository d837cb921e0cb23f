import type { Clock, Scheduler } from "../../modules/app/ports";

interface Timer {
  id: number;
  due: number;
  interval: number;
  callback: () => void;
}

/** A clock and scheduler that only move when the test says so; timers fire in due order. */
export class FakeClock implements Clock, Scheduler {
  now = 0;
  /** Wall clock at monotonic 0, or NaN for "not set yet". */
  wallBase: number;
  /** Callbacks that threw (a fake scheduler must not hide them, the core must not cause them). */
  readonly thrown: unknown[] = [];
  private timers: Timer[] = [];
  private nextId = 1;

  constructor(wallBase = Date.UTC(2024, 11, 12, 19, 0, 0)) {
    this.wallBase = wallBase;
  }

  monotonicMs(): number {
    return this.now;
  }

  wallMs(): number {
    return this.wallBase + this.now;
  }

  repeat(callback: () => void, intervalMs: number): unknown {
    return this.add(callback, intervalMs, intervalMs);
  }

  once(callback: () => void, delayMs: number): unknown {
    return this.add(callback, delayMs, 0);
  }

  cancel(handle: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }

  get pending(): number {
    return this.timers.length;
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way (in order). */
  advance(ms: number): void {
    const end = this.now + ms;
    for (let guard = 0; guard < 10_000_000; guard++) {
      let next: Timer | undefined;
      for (const t of this.timers) if (t.due <= end && (!next || t.due < next.due || (t.due === next.due && t.id < next.id))) next = t;
      if (!next) break;
      this.now = Math.max(this.now, next.due);
      if (next.interval > 0) next.due += next.interval;
      else this.timers = this.timers.filter((t) => t !== next);
      try {
        next.callback();
      } catch (error) {
        this.thrown.push(error);
      }
    }
    this.now = end;
  }

  private add(callback: () => void, delayMs: number, interval: number): number {
    const id = this.nextId++;
    this.timers.push({ id, due: this.now + Math.max(0, delayMs), interval, callback });
    return id;
  }
}
