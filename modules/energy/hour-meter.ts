/** Seconds per clock hour. UTC and Swedish (and every whole-hour) local hours start at the same instants. */
export const HOUR_S = 3600;

/**
 * Telegrams on either side of an hour boundary may be at most this far apart for the boundary's register value
 * to be taken from them (exact when a telegram falls on the boundary, else interpolated between the two).
 */
export const BOUNDARY_TOLERANCE_S = 60;

/**
 * Import above this between two telegrams (1 MW, far beyond any household connection) is a register that jumped
 * (a meter exchange), not consumption: treated like a register going backwards.
 */
export const MAX_PLAUSIBLE_W = 1_000_000;

export const HourClosed = {
  /** No hour ended with this telegram. */
  None: 0,
  /** The hour ended and its average is known (`closedW`). */
  Complete: 1,
  /** The hour ended without a figure: a gap at a boundary, the register going backwards or the clock jumping. */
  Incomplete: 2,
} as const;

/**
 * Follows the import energy register (in mWh, integer) through clock hours of meter time. An hour's average in W
 * is its register delta in Wh: exact over exactly one hour. Numbers only: nothing is allocated per sample.
 */
export class HourMeter {
  /** What the last `sample` closed (HourClosed), and that hour's start (UTC s), offset and average (W). */
  closed: number = HourClosed.None;
  closedStart = 0;
  closedOffsetMinutes = 0;
  closedW = 0;

  /** Start (UTC s) of the hour under way, −1 before the first sample; its meter offset from UTC. */
  hourStart = -1;
  hourOffsetMinutes = 0;
  /** True while the hour's register value at its start is known and nothing broke the hour since. */
  startKnown = false;
  /** Average import power over the part of this hour seen so far (W, NaN before two samples). */
  averageW = Number.NaN;
  /** Seconds of this hour seen (from its start when known, else from its first telegram). */
  observedS = 0;

  private hasPrevious = false;
  private previousT = 0;
  private previousE = 0;
  /** Register value (mWh) and time where the seen part of the hour begins. */
  private firstT = 0;
  private firstE = 0;

  constructor(private readonly toleranceS = BOUNDARY_TOLERANCE_S) {}

  /** One telegram: meter time (UTC s), its offset from UTC, and the import register in mWh. */
  sample(t: number, energyMWh: number, offsetMinutes: number): void {
    this.closed = HourClosed.None;
    const hour = Math.floor(t / HOUR_S) * HOUR_S;
    if (!this.hasPrevious) {
      this.open(hour, offsetMinutes, t, energyMWh, t === hour); // a first telegram on the boundary gives the start
    } else {
      const dt = t - this.previousT;
      if (dt === 0) return; // the same second again: nothing new
      const forward = dt > 0 && energyMWh >= this.previousE && ((energyMWh - this.previousE) * 3.6) / dt <= MAX_PLAUSIBLE_W;
      if (hour === this.hourStart) {
        // A gap inside the hour does no harm (the register counts on); a reset or a backward clock does.
        if (!forward) this.restartSeen(t, energyMWh);
      } else if (forward && hour === this.hourStart + HOUR_S && (t === hour || dt <= this.toleranceS)) {
        // On the boundary the register is the boundary's value; else it lies between the two telegrams.
        const boundary =
          t === hour ? energyMWh : Math.round(this.previousE + ((energyMWh - this.previousE) * (hour - this.previousT)) / dt);
        this.close(this.startKnown ? HourClosed.Complete : HourClosed.Incomplete, boundary);
        this.open(hour, offsetMinutes, hour, boundary, true);
      } else {
        this.close(HourClosed.Incomplete, 0);
        this.open(hour, offsetMinutes, t, energyMWh, false);
      }
    }
    this.hasPrevious = true;
    this.previousT = t;
    this.previousE = energyMWh;
    this.observedS = t - this.firstT;
    this.averageW = this.observedS > 0 ? ((energyMWh - this.firstE) * 3.6) / this.observedS : Number.NaN;
  }

  /** The average this hour ends with if import goes on at `powerW` (NaN: unknown, then the average so far is held). */
  projectionW(t: number, powerW: number): number {
    const elapsed = t - this.hourStart;
    const rest = HOUR_S - elapsed;
    const average = this.averageW;
    if (!(powerW >= 0)) return average;
    if (this.observedS <= 0) return this.startKnown ? powerW : Number.NaN;
    return (average * elapsed + powerW * rest) / HOUR_S;
  }

  /** Forgets everything (the next sample starts afresh, its hour incomplete). */
  reset(): void {
    this.hasPrevious = false;
    this.hourStart = -1;
    this.startKnown = false;
    this.averageW = Number.NaN;
    this.observedS = 0;
    this.closed = HourClosed.None;
  }

  private restartSeen(t: number, energyMWh: number): void {
    this.startKnown = false;
    this.firstT = t;
    this.firstE = energyMWh;
  }

  private close(outcome: number, boundaryMWh: number): void {
    if (this.hourStart < 0) return;
    this.closed = outcome;
    this.closedStart = this.hourStart;
    this.closedOffsetMinutes = this.hourOffsetMinutes;
    this.closedW = outcome === HourClosed.Complete ? Math.round((boundaryMWh - this.firstE) / 1000) : 0;
  }

  private open(hour: number, offsetMinutes: number, t: number, energyMWh: number, startKnown: boolean): void {
    this.hourStart = hour;
    this.hourOffsetMinutes = offsetMinutes;
    this.startKnown = startKnown;
    this.firstT = t;
    this.firstE = energyMWh;
  }
}
