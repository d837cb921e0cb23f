import type { ObisCatalog } from "../p1/obis-catalog";
import type { Reading } from "../p1/reading";

/** Net active power (import − export) for the status page's chart: one point per step, a fixed ring. */
export class PowerHistory {
  readonly capacity: number;
  readonly stepS: number;
  /** Per point: watts (import − export) and the monotonic second it was taken. */
  private readonly watts: Int32Array;
  private readonly seconds: Float64Array;
  /** Points recorded since start; point k sits at k % capacity. */
  private total = 0;
  private readonly importSlot: number;
  private readonly exportSlot: number;

  constructor(catalog: ObisCatalog, capacity = 360, stepS = 10) {
    this.capacity = capacity;
    this.stepS = stepS;
    this.watts = new Int32Array(capacity);
    this.seconds = new Float64Array(capacity);
    this.importSlot = catalog.indexOfCode("1-0:1.7.0");
    this.exportSlot = catalog.indexOfCode("1-0:2.7.0");
  }

  /** Points ever recorded; the next point's sequence number. */
  get count(): number {
    return this.total;
  }

  /**
   * Takes the telegram's total power. Within one step the latest telegram replaces the point, so a meter that
   * sends every second still fills the ring with an hour. Allocates nothing.
   */
  record(reading: Reading, monotonicMs: number): void {
    const imp = this.importSlot;
    if (imp < 0 || !reading.present[imp]) return;
    let w = reading.canonicalValueOf(imp);
    const exp = this.exportSlot;
    if (exp >= 0 && reading.present[exp]) w -= reading.canonicalValueOf(exp);
    const s = monotonicMs / 1000;
    if (this.total > 0) {
      const last = (this.total - 1) % this.capacity;
      if (s - this.seconds[last] < this.stepS) {
        this.watts[last] = Math.round(w);
        return;
      }
    }
    const at = this.total % this.capacity;
    this.watts[at] = Math.round(w);
    this.seconds[at] = s;
    this.total++;
  }

  /**
   * Points with sequence number ≥ `since` still in the ring, as [sequence, second, watts]; the page asks from
   * its newest point (which may have been replaced within its step).
   */
  since(since: number): number[][] {
    const out: number[][] = [];
    const first = Math.max(0, this.total - this.capacity, Math.floor(since) || 0);
    for (let k = first; k < this.total; k++) {
      const at = k % this.capacity;
      out.push([k, Math.round(this.seconds[at]), this.watts[at]]);
    }
    return out;
  }
}
