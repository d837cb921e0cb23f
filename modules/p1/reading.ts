import { MeterTime } from "./meter-time";
import type { ObisCatalog } from "./obis-catalog";
import { NO_UNIT, UNITS } from "./units";

/** Per-telegram counts of what the parser skipped or refused. */
export class ParseCounters {
  /** Lines whose OBIS code is not in the catalog (kept in `unknown*`). */
  unknownLines = 0;
  /** Unknown lines beyond the list's capacity (counted, not kept). */
  unknownDropped = 0;
  /** Lines that are not `OBIS(…)`. */
  malformedLines = 0;
  /** Values whose unit does not fit their OBIS code (rejected, not guessed). */
  unitRejected = 0;
  /** Values that are not a decimal number or have more than 15 significant digits. */
  valueRejected = 0;
  /** A code that appeared again in the same telegram (the last one wins). */
  duplicateLines = 0;

  clear(): void {
    this.unknownLines = this.unknownDropped = this.malformedLines = 0;
    this.unitRejected = this.valueRejected = this.duplicateLines = 0;
  }
}

/**
 * Everything parsed from one frame, in slots numbered like the catalog. Created once and reused: the spans
 * point into the frame buffer, so they are valid until the next frame arrives.
 */
export class Reading {
  readonly catalog: ObisCatalog;
  /** 1 when the slot got a value in this telegram. */
  readonly present: Uint8Array;
  /** Value = mantissa × 10^exponent, exactly the meter's digits (|mantissa| < 2^53). */
  readonly mantissa: Float64Array;
  readonly exponent: Int8Array;
  /** Unit id (UNITS) as sent, or NO_UNIT. */
  readonly unit: Int8Array;
  /** Span of the value text (without unit) and of the whole group `value*unit` in the frame buffer. */
  readonly valueStart: Int32Array;
  readonly valueEnd: Int32Array;
  readonly groupStart: Int32Array;
  readonly groupEnd: Int32Array;
  /** Slots in the order they appeared in the telegram; `orderLength` of them are valid. */
  readonly order: Int16Array;
  orderLength = 0;
  /** Lines with an OBIS code outside the catalog, as spans of the frame buffer (CR LF excluded). */
  readonly unknownStart: Int32Array;
  readonly unknownEnd: Int32Array;
  unknownLength = 0;
  /** The header line after "/", as a span. */
  headerStart = 0;
  headerEnd = 0;
  readonly time = new MeterTime();
  readonly counters = new ParseCounters();
  /** The frame the spans refer to. */
  frame: Uint8Array = new Uint8Array(0);

  constructor(catalog: ObisCatalog, maxUnknownLines = 32) {
    const n = catalog.size;
    this.catalog = catalog;
    this.present = new Uint8Array(n);
    this.mantissa = new Float64Array(n);
    this.exponent = new Int8Array(n);
    this.unit = new Int8Array(n);
    this.valueStart = new Int32Array(n);
    this.valueEnd = new Int32Array(n);
    this.groupStart = new Int32Array(n);
    this.groupEnd = new Int32Array(n);
    this.order = new Int16Array(n);
    this.unknownStart = new Int32Array(maxUnknownLines);
    this.unknownEnd = new Int32Array(maxUnknownLines);
  }

  clear(): void {
    this.present.fill(0);
    this.orderLength = 0;
    this.unknownLength = 0;
    this.headerStart = this.headerEnd = 0;
    this.time.clear();
    this.counters.clear();
  }

  /** The value in its quantity's canonical unit (W, var, V, A, kWh, kvarh …) as a double, for comparisons. */
  canonicalValueOf(slot: number): number {
    const unit = this.unit[slot];
    return this.scaled(slot, unit === NO_UNIT ? 0 : UNITS[unit].shift);
  }

  /**
   * The value as a double in the unit it was sent in (for display and tests; publishing uses the exact digits).
   * Not named valueOf: that would shadow Object.prototype.valueOf and make a coerced Reading silently NaN.
   */
  valueAsSent(slot: number): number {
    return this.scaled(slot, 0);
  }

  /** mantissa × 10^(exponent + shift); dividing by an exact power of ten rounds correctly (0.001, not 0.00100…02). */
  private scaled(slot: number, shift: number): number {
    const e = this.exponent[slot] + shift;
    const m = this.mantissa[slot];
    return e >= 0 ? m * 10 ** e : m / 10 ** -e;
  }
}
