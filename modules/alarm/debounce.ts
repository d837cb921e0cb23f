/** Where a watched value stands against its threshold. */
export const Level = {
  /** Back inside the threshold by the hysteresis: the condition may end. */
  Clear: -1,
  /** Between the threshold and its hysteresis (or unknown): the state holds, no timer runs. */
  Hold: 0,
  /** At or beyond the threshold: the condition may start. */
  Beyond: 1,
} as const;

/** What an update did to a condition. */
export const Transition = {
  None: 0,
  Started: 1,
  Ended: -1,
} as const;

/**
 * On/off state of a fixed set of conditions. A condition starts once its value has stayed beyond the threshold
 * for the minimum duration, and ends once it has stayed back inside the hysteresis for as long: a value hovering
 * at a threshold makes no events. Fixed arrays only.
 */
export class DebouncedStates {
  readonly active: Uint8Array;
  /** Since when (ms) the value has been on the other side, or −1. */
  private readonly since: Float64Array;

  constructor(
    count: number,
    private readonly minMs: number,
  ) {
    this.active = new Uint8Array(count);
    this.since = new Float64Array(count).fill(-1);
  }

  update(c: number, level: number, nowMs: number): number {
    const toward = this.active[c] === 1 ? Level.Clear : Level.Beyond;
    if (level !== toward) {
      this.since[c] = -1; // the run toward a change is broken
      return Transition.None;
    }
    if (this.since[c] < 0) this.since[c] = nowMs;
    if (nowMs - this.since[c] < this.minMs) return Transition.None;
    this.since[c] = -1;
    if (this.active[c] === 1) {
      this.active[c] = 0;
      return Transition.Ended;
    }
    this.active[c] = 1;
    return Transition.Started;
  }

  /** Ends a condition at once (returns Ended), or Transition.None when it was not active. */
  end(c: number): number {
    this.since[c] = -1;
    if (this.active[c] === 0) return Transition.None;
    this.active[c] = 0;
    return Transition.Ended;
  }

  /** Starts a condition at once (returns Started), or Transition.None when it was active. */
  start(c: number): number {
    this.since[c] = -1;
    if (this.active[c] === 1) return Transition.None;
    this.active[c] = 1;
    return Transition.Started;
  }
}

/** Level of a value against an upper threshold: beyond at `limit` and above, clear below `clearBelow`. */
export function levelAbove(value: number, limit: number, clearBelow: number): number {
  if (Number.isNaN(value)) return Level.Hold; // not known
  if (value >= limit) return Level.Beyond;
  return value < clearBelow ? Level.Clear : Level.Hold;
}
