export interface BackoffOptions {
  /** First delay, before jitter. */
  initialMs?: number;
  /** No delay exceeds this. */
  maxMs?: number;
  /** Fraction of each delay that is random: the delay lies in [d × (1 − jitter), d]. */
  jitter?: number;
  /** A session that lasted this long resets the sequence. */
  stableMs?: number;
}

/**
 * Exponential backoff with jitter: 1 s, 2 s, 4 s … capped at 60 s by default. Jitter keeps a fleet of
 * devices from hammering a broker in step after a shared outage.
 */
export class Backoff {
  readonly initialMs: number;
  readonly maxMs: number;
  readonly jitter: number;
  readonly stableMs: number;
  /** Failed attempts since the last reset. */
  attempts = 0;
  private readonly random: () => number;

  constructor(options: BackoffOptions = {}, random: () => number = Math.random) {
    this.initialMs = options.initialMs ?? 1000;
    this.maxMs = options.maxMs ?? 60_000;
    this.jitter = options.jitter ?? 0.5;
    this.stableMs = options.stableMs ?? 60_000;
    if (!(this.initialMs > 0 && this.maxMs >= this.initialMs)) throw new RangeError("backoff: need 0 < initialMs <= maxMs");
    if (!(this.jitter >= 0 && this.jitter < 1)) throw new RangeError("backoff: jitter must be in [0, 1)");
    this.random = random;
  }

  /** The delay before the next attempt; each call counts one more failure. */
  next(): number {
    const ceiling = Math.min(this.maxMs, this.initialMs * 2 ** Math.min(this.attempts, 30));
    this.attempts++;
    let r = this.random();
    if (!(r >= 0 && r < 1)) r = 0;
    return Math.round(ceiling * (1 - this.jitter * r));
  }

  /** Call when a session ends: resets the sequence if it was up for a stable period. */
  sessionEnded(upForMs: number): void {
    if (upForMs >= this.stableMs) this.attempts = 0;
  }

  reset(): void {
    this.attempts = 0;
  }
}
