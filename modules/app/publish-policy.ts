import type { ObisCatalog } from "../p1/obis-catalog";

/**
 * When an event of one catalog entry is published:
 * - "every": every telegram (the default);
 * - "interval": at most every `intervalS` seconds;
 * - "deadband": when the value moved more than `deadband` (in the published unit: W, var, V, A, kWh …) from the last
 *   published value, and at least every `refreshS` seconds regardless.
 */
export type PublishPolicy =
  | { mode: "every" }
  | { mode: "interval"; intervalS: number }
  | { mode: "deadband"; deadband: number; refreshS?: number };

const INTERVAL = 1;
const DEADBAND = 2;

/** Telegrams arrive every 10 s give or take a little: an interval is met this much early. */
const SLACK_MS = 500;
/** A deadband value is sent at least this often (seconds) even when it does not move. */
const DEFAULT_REFRESH_S = 300;

/**
 * Decides, per catalog slot, whether this telegram's value goes out. A value admitted becomes the reference for
 * the next decision only when `confirm` says the outbox took its telegram; `discard` forgets it otherwise, so a
 * dropped value never holds back the next one. Preallocated; no allocation per call.
 */
export class PublishGate {
  /** Per catalog slot: its row in the arrays below, or −1 when it publishes every telegram (the default). */
  private readonly row: Int16Array;
  /** Per row, i.e. per slot with a policy: sized by the policies, not the catalog (most settings have few or none). */
  private readonly mode: Uint8Array;
  private readonly periodMs: Float64Array;
  private readonly deadband: Float64Array;
  private readonly lastMs: Float64Array;
  private readonly lastValue: Float64Array;
  private readonly seen: Uint8Array;
  /** Values admitted from the telegram being queued: rows, values, at `candidateMs`. */
  private readonly candidateRows: Uint16Array;
  private readonly candidateValues: Float64Array;
  private candidates = 0;
  private candidateMs = 0;

  /** `policies` is keyed by OBIS code (`1-0:1.7.0`); codes not listed publish every telegram. */
  constructor(catalog: ObisCatalog, policies: Readonly<Record<string, PublishPolicy>> = {}) {
    this.row = new Int16Array(catalog.size).fill(-1);
    const codes = Object.keys(policies).filter((code) => policies[code].mode !== "every");
    const n = codes.length;
    this.mode = new Uint8Array(n);
    this.periodMs = new Float64Array(n);
    this.deadband = new Float64Array(n);
    this.lastMs = new Float64Array(n);
    this.lastValue = new Float64Array(n);
    this.seen = new Uint8Array(n);
    this.candidateRows = new Uint16Array(n);
    this.candidateValues = new Float64Array(n);
    codes.forEach((code, row) => {
      const slot = catalog.indexOfCode(code);
      if (slot < 0) throw new RangeError(`publish policy for ${code}: not an OBIS code in the catalog`);
      this.row[slot] = row;
      const policy = policies[code];
      if (policy.mode === "interval") {
        if (!(policy.intervalS > 0)) throw new RangeError(`publish policy for ${code}: intervalS must be > 0`);
        this.mode[row] = INTERVAL;
        this.periodMs[row] = policy.intervalS * 1000;
      } else if (policy.mode === "deadband") {
        const refreshS = policy.refreshS ?? DEFAULT_REFRESH_S;
        if (!(policy.deadband >= 0) || !(refreshS > 0))
          throw new RangeError(`publish policy for ${code}: need deadband >= 0 and refreshS > 0`);
        this.mode[row] = DEADBAND;
        this.deadband[row] = policy.deadband;
        this.periodMs[row] = refreshS * 1000;
      } else {
        throw new RangeError(`publish policy for ${code}: unknown mode`);
      }
    });
    for (const code of Object.keys(policies)) {
      if (policies[code].mode === "every" && catalog.indexOfCode(code) < 0)
        throw new RangeError(`publish policy for ${code}: not an OBIS code in the catalog`);
    }
  }

  /** True when `slot`'s value goes out now; it becomes a candidate reference until `confirm` or `discard`. */
  admit(slot: number, value: number, nowMs: number): boolean {
    const row = this.row[slot];
    if (!(row >= 0)) return true; // every telegram (also a slot outside the catalog)
    let pass = this.seen[row] === 0 || nowMs - this.lastMs[row] >= this.periodMs[row] - SLACK_MS;
    if (!pass && this.mode[row] === DEADBAND) pass = Math.abs(value - this.lastValue[row]) > this.deadband[row];
    if (pass && this.candidates < this.candidateRows.length) {
      this.candidateRows[this.candidates] = row;
      this.candidateValues[this.candidates] = value;
      this.candidates++;
      this.candidateMs = nowMs;
    }
    return pass;
  }

  /** The outbox took the telegram: its admitted values become the references. */
  confirm(): void {
    for (let i = 0; i < this.candidates; i++) {
      const row = this.candidateRows[i];
      this.seen[row] = 1;
      this.lastMs[row] = this.candidateMs;
      this.lastValue[row] = this.candidateValues[i];
    }
    this.candidates = 0;
  }

  /** The telegram was not queued: its admitted values leave the references as they were. */
  discard(): void {
    this.candidates = 0;
  }
}
