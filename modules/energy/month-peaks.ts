import { civilFromDays } from "../vscp/utc";
import { HOUR_S } from "./hour-meter";
import { localDay } from "./tariff-rule";

/** Most peaks a rule may count (fixed arrays). */
export const MAX_PEAKS = 10;

const FORMAT = "1";

/** Year × 100 + month of an instant in local meter time (e.g. 202603). */
export function localMonth(epochSeconds: number, offsetMinutes: number, scratch: Int32Array): number {
  civilFromDays(localDay(epochSeconds, offsetMinutes), scratch);
  return scratch[0] * 100 + scratch[1];
}

function wholeNumber(text: string, min: number, max: number): number {
  if (!/^-?[0-9]{1,12}$/.test(text)) return Number.NaN;
  const value = Number(text);
  return value >= min && value <= max ? value : Number.NaN;
}

/**
 * The month's highest hourly averages as the tariff weighs them, highest first, at most one per local day when
 * the rule says so; and the month's hours that ended without a figure. Fixed arrays: offering an hour allocates
 * nothing; `encode` (only when the set changed) builds the stored text.
 */
export class MonthPeaks {
  /** Local year × 100 + month the set belongs to; 0 before the first telegram with a valid time. */
  month = 0;
  count = 0;
  /** Hours of the month that ended without a figure (gap, register reset, clock jump). */
  incomplete = 0;
  readonly start = new Float64Array(MAX_PEAKS);
  readonly offsetMinutes = new Int16Array(MAX_PEAKS);
  readonly day = new Int32Array(MAX_PEAKS);
  /** The hour's average (W) and that average as the rule weighs it (W). */
  readonly watts = new Float64Array(MAX_PEAKS);
  readonly weighted = new Float64Array(MAX_PEAKS);
  private readonly scratch = new Int32Array(3);

  constructor(
    private readonly limit: number,
    private readonly perDay: boolean,
  ) {
    if (!(limit >= 1 && limit <= MAX_PEAKS)) throw new RangeError(`peaks must be 1..${MAX_PEAKS}`);
  }

  /** Empties the set for a new month. */
  rollOver(month: number): void {
    this.month = month;
    this.count = 0;
    this.incomplete = 0;
  }

  /** A completed hour of this month; true when it changed the set. Hours weighted 0 are not counted. */
  offer(start: number, offsetMinutes: number, watts: number, weighted: number): boolean {
    if (!(weighted > 0)) return false;
    const day = localDay(start, offsetMinutes);
    let at = -1;
    if (this.perDay) for (let i = 0; i < this.count && at < 0; i++) if (this.day[i] === day) at = i;
    if (at >= 0) {
      if (weighted <= this.weighted[at]) return false;
    } else if (this.count < this.limit) {
      at = this.count++;
    } else {
      at = this.count - 1;
      if (weighted <= this.weighted[at]) return false;
    }
    // `at` is free: move it up to where the new value belongs.
    while (at > 0 && this.weighted[at - 1] < weighted) {
      this.copy(at - 1, at);
      at--;
    }
    this.start[at] = start;
    this.offsetMinutes[at] = offsetMinutes;
    this.day[at] = day;
    this.watts[at] = watts;
    this.weighted[at] = weighted;
    return true;
  }

  /** The charge's figure: the mean of the peaks (W, rounded), NaN when there is none. */
  billedW(): number {
    if (this.count === 0) return Number.NaN;
    let sum = 0;
    for (let i = 0; i < this.count; i++) sum += this.weighted[i];
    return Math.round(sum / this.count);
  }

  /**
   * What an hour of local day `day` must exceed (weighted W) to raise the charge: that day's peak when it has one
   * (one per day), else the lowest peak once the set is full; NaN while an hour of any size would enter.
   */
  guardW(day: number): number {
    if (this.perDay) for (let i = 0; i < this.count; i++) if (this.day[i] === day) return this.weighted[i];
    return this.count >= this.limit ? this.weighted[this.count - 1] : Number.NaN;
  }

  /** Stored form: `1;202603;2;hour:offset:W:weighted,…` (hour = UTC start / 3600). */
  encode(): string {
    let peaks = "";
    for (let i = 0; i < this.count; i++) {
      if (i > 0) peaks += ",";
      peaks += `${this.start[i] / HOUR_S}:${this.offsetMinutes[i]}:${this.watts[i]}:${this.weighted[i]}`;
    }
    return `${FORMAT};${this.month};${this.incomplete};${peaks}`;
  }

  /** Reads a stored set; on anything malformed returns what is wrong and leaves the set empty. */
  decode(text: unknown): string {
    this.rollOver(0);
    if (typeof text !== "string") return "not text";
    const parts = text.split(";");
    if (parts.length !== 4 || parts[0] !== FORMAT) return "unknown format";
    const month = wholeNumber(parts[1], 200001, 999912);
    if (Number.isNaN(month) || month % 100 < 1 || month % 100 > 12) return "bad month";
    const incomplete = wholeNumber(parts[2], 0, 31 * 25);
    if (Number.isNaN(incomplete)) return "bad incomplete count";
    const peaks = parts[3] === "" ? [] : parts[3].split(",");
    if (peaks.length > MAX_PEAKS) return "too many peaks";
    this.month = month;
    for (const peak of peaks) {
      const fields = peak.split(":");
      const hour = fields.length === 4 ? wholeNumber(fields[0], 0, 2 ** 32) : Number.NaN;
      const offset = fields.length === 4 ? wholeNumber(fields[1], -720, 840) : Number.NaN;
      const watts = fields.length === 4 ? wholeNumber(fields[2], 0, 1e12) : Number.NaN;
      const weighted = fields.length === 4 ? wholeNumber(fields[3], 0, 1e12) : Number.NaN;
      if (Number.isNaN(hour + offset + watts + weighted) || weighted > watts) {
        this.rollOver(0);
        return `bad peak "${peak}"`;
      }
      if (localMonth(hour * HOUR_S, offset, this.scratch) !== month) {
        this.rollOver(0);
        return `peak "${peak}" is not in ${month}`;
      }
      this.offer(hour * HOUR_S, offset, watts, weighted);
    }
    this.incomplete = incomplete;
    return "";
  }

  private copy(from: number, to: number): void {
    this.start[to] = this.start[from];
    this.offsetMinutes[to] = this.offsetMinutes[from];
    this.day[to] = this.day[from];
    this.watts[to] = this.watts[from];
    this.weighted[to] = this.weighted[from];
  }
}
