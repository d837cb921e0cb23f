import type { Clock, Scheduler } from "../app/ports";

/** What this adapter uses of the SDK's `time` module. */
export interface TimeSource {
  readonly ticks: number;
}

/** Before this (2023-01-01) the wall clock has not been set by SNTP. */
const WALL_CLOCK_SET_AFTER_MS = 1672531200000;

export class DeviceClock implements Clock {
  constructor(
    private readonly time: TimeSource,
    private readonly now: () => number = Date.now,
  ) {}

  monotonicMs(): number {
    return this.time.ticks;
  }

  wallMs(): number {
    const ms = this.now();
    return ms > WALL_CLOCK_SET_AFTER_MS ? ms : NaN;
  }
}

/** What this adapter uses of the SDK's `timer` module. */
export interface TimerApi<Handle> {
  set(callback: (timer: Handle) => void, interval?: number, repeat?: number): Handle;
  repeat(callback: (timer: Handle) => void, interval: number): Handle;
  clear(timer: Handle | undefined | null): void;
}

export class TimerScheduler<Handle> implements Scheduler {
  constructor(private readonly timer: TimerApi<Handle>) {}

  repeat(callback: () => void, intervalMs: number): unknown {
    return this.timer.repeat(() => callback(), intervalMs);
  }

  once(callback: () => void, delayMs: number): unknown {
    return this.timer.set(() => callback(), delayMs);
  }

  cancel(handle: unknown): void {
    if (handle !== undefined && handle !== null) this.timer.clear(handle as Handle);
  }
}
