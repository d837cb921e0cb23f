import type { Backoff } from "./backoff";
import type { HealthCounters } from "./health";
import type { Clock, Scheduler } from "./ports";

/**
 * One pending retry, delayed by a backoff. If the scheduler fails to arm the timer the failure is counted,
 * and `overdue()` lets the caller's watchdog tick retry anyway.
 */
export class RetryTimer {
  /** Delay chosen for the pending retry (for logs and tests). */
  lastDelayMs = 0;
  private handle: unknown = undefined;
  private dueMs = 0;
  private readonly fire: () => void;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly clock: Clock,
    private readonly backoff: Backoff,
    private readonly health: HealthCounters,
    action: () => void,
  ) {
    this.fire = () => {
      this.handle = undefined;
      action();
    };
  }

  schedule(): void {
    this.cancel();
    this.lastDelayMs = this.backoff.next();
    this.dueMs = this.clock.monotonicMs() + this.lastDelayMs;
    try {
      this.handle = this.scheduler.once(this.fire, this.lastDelayMs);
    } catch {
      this.health.portErrors++;
    }
  }

  cancel(): void {
    if (this.handle === undefined) return;
    try {
      this.scheduler.cancel(this.handle);
    } catch {
      this.health.portErrors++;
    }
    this.handle = undefined;
  }

  /** Due, but no timer is armed: the scheduler refused it. */
  overdue(nowMs: number): boolean {
    return this.handle === undefined && nowMs >= this.dueMs;
  }
}
