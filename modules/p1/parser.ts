import { Layout } from "./obis-table";
import { readMeterTime } from "./meter-time";
import { MAX_TEXT_KEY_CHARS, type ObisCatalog } from "./obis-catalog";
import type { Reading } from "./reading";
import { MAX_UNIT_LENGTH, NO_UNIT, UNITS, unitAmong, unitKey } from "./units";

export interface ParserOptions {
  /** UTC offset in minutes for a meter time without W/S flag (Swedish normal time: +60). */
  defaultUtcOffsetMinutes?: number;
  /** Meter times before this year are placeholders, not clocks. */
  minYear?: number;
}

const LF = 0x0a;
const CR = 0x0d;
const OPEN = 0x28;
const CLOSE = 0x29;
const STAR = 0x2a;
const MINUS = 0x2d;
const DOT = 0x2e;
const BANG = 0x21;
const COLON = 0x3a;
/**
 * Groups remembered per line. Longer lines (Belgian peak history, logs) are still scanned and counted, and their
 * last group goes to the last place, so a layout that takes its value from the last group still finds it.
 */
const MAX_GROUPS = 16;
/** 15 significant digits always fit a double exactly. */
const MAX_SIGNIFICANT_DIGITS = 15;
/** Keeps the exponent within an Int8 slot. */
const MAX_FRACTION_DIGITS = 30;

/**
 * Parses a frame into a preallocated Reading without allocating: walks the bytes once, line by line.
 * An odd line never invalidates the rest; it is counted and kept as an unknown span.
 */
export class TelegramParser {
  private readonly catalog: ObisCatalog;
  private readonly defaultOffset: number;
  private readonly minYear: number;
  private readonly groupStart = new Int32Array(MAX_GROUPS);
  private readonly groupEnd = new Int32Array(MAX_GROUPS);
  private groupCount = 0;
  // Results of the last readObis / readNumber call (fields instead of return objects: no allocation).
  private obisKey = 0;
  private obisEnd = 0;
  private numberMantissa = 0;
  private numberExponent = 0;
  private numberEnd = 0;
  /** The catalog's slots by the text key of their code (the one-pass path's lookup). */
  private readonly slotsByText: ReadonlyMap<number, number>;
  /** Per slot, the key of its first unit (the one meters send) when it has one of any case, else 0 (no unit's key). */
  private readonly firstUnitKeys: Float64Array;

  constructor(catalog: ObisCatalog, options: ParserOptions = {}) {
    this.catalog = catalog;
    this.slotsByText = catalog.slotsByText;
    this.firstUnitKeys = Float64Array.from(catalog.entries, (e) =>
      e.units.length > 0 && UNITS[e.units[0]].anyCase ? UNITS[e.units[0]].key : 0,
    );
    this.defaultOffset = options.defaultUtcOffsetMinutes ?? 60;
    this.minYear = options.minYear ?? 2020;
    if (!Number.isInteger(this.defaultOffset) || Math.abs(this.defaultOffset) > 14 * 60) {
      throw new RangeError(`UTC offset ${this.defaultOffset} min out of range ±840`);
    }
  }

  /** Parses frame[0, length) ("/" … "!") into `reading` and returns it. */
  parse(frame: Uint8Array, length: number, reading: Reading): Reading {
    reading.clear();
    reading.frame = frame;
    let pos = 1;
    while (pos < length && frame[pos] !== CR && frame[pos] !== LF) pos++;
    reading.headerStart = 1;
    reading.headerEnd = pos;
    while (pos < length && frame[pos] !== LF) pos++;
    pos++;
    // The closing "!" is no line to read (looking for its line end would scan the stale bytes after the frame).
    const linesEnd = length > 1 && frame[length - 1] === BANG && frame[length - 2] === LF ? length - 1 : length;
    while (pos < linesEnd) {
      pos = this.parseValueLines(frame, pos, length, linesEnd, reading);
      if (pos < linesEnd) pos = this.parseAnyLine(frame, pos, length, reading);
    }
    return reading;
  }

  /**
   * The common lines, `A-B:C.D.E(value[*unit])` CR LF with the code written as in the catalog and a unit of one
   * spelling, read in one pass from `start` on: returns the start of the first line that is anything else (untouched;
   * parseAnyLine reads it with every rule, and hosttest/p1-fast-path.test.ts holds the two to the same result), or
   * `linesEnd`. Loops stop at the first byte that does not fit, so the final check that the line feed lies inside
   * the frame covers every byte read. Every operation counts in XS (one compute unit per bytecode, some 37 per
   * call), so the steps are written out here rather than shared with the general path, and one call reads a run of
   * lines with what they share in locals.
   */
  private parseValueLines(frame: Uint8Array, start: number, length: number, linesEnd: number, reading: Reading): number {
    const slotsByText = this.slotsByText;
    const entries = this.catalog.entries;
    const firstUnitKeys = this.firstUnitKeys;
    const present = reading.present;
    let pos = start;
    while (start < linesEnd) {
      let c = frame[pos];
      // OBIS code: its text packed four bits a character (ObisCatalog.textKeyOf), up to "(".
      let key = 1;
      while (c >= MINUS && c <= COLON) {
        key = key * 16 + (c & 15);
        c = frame[++pos];
      }
      if (c !== OPEN || pos - start > MAX_TEXT_KEY_CHARS) return start;
      const slot = slotsByText.get(key);
      if (slot === undefined) return start;
      const entry = entries[slot];
      if (entry.layout !== Layout.Value) {
        if (entry.layout !== Layout.Clock) return start;
        const next = this.parseClockLine(frame, slot, pos, length, reading);
        if (next < 0) return start;
        start = pos = next;
        continue;
      }

      // Value: [-]digits[.digits], as readNumber accepts it.
      const valueStart = ++pos;
      c = frame[pos];
      const negative = c === MINUS;
      if (negative) c = frame[++pos];
      const integerStart = pos;
      let mantissa = 0;
      while (c >= 0x30 && c <= 0x39) {
        mantissa = mantissa * 10 + c - 0x30;
        c = frame[++pos];
      }
      let digits = pos - integerStart;
      let fraction = 0;
      if (c === DOT) {
        const fractionStart = ++pos;
        c = frame[pos];
        while (c >= 0x30 && c <= 0x39) {
          mantissa = mantissa * 10 + c - 0x30;
          c = frame[++pos];
        }
        fraction = pos - fractionStart;
        if (fraction === 0 || fraction > MAX_FRACTION_DIGITS) return start;
        digits += fraction;
      }
      // More than 15 significant digits is exactly a mantissa of 10^15 or more.
      if (digits === 0 || mantissa >= 1e15) return start;
      const valueEnd = pos;

      // Unit: up to ")", packed while scanning as unitKey() does; a unit with a case twin goes the general way.
      let unit = NO_UNIT;
      const units = entry.units;
      if (c === STAR) {
        // Units are letters and digits ("0"–"z"); within that range "| 0x20" lowers exactly the capitals, and the
        // other bytes it changes give keys that no unit has.
        let packed = 1;
        const unitStart = ++pos;
        c = frame[pos];
        while (c >= 0x30 && c <= 0x7a) {
          packed = packed * 256 + (c | 0x20);
          c = frame[++pos];
        }
        if (c !== CLOSE || pos === unitStart || pos - unitStart > MAX_UNIT_LENGTH) return start;
        if (packed === firstUnitKeys[slot]) unit = units[0];
        else {
          let u = 1;
          while (u < units.length && UNITS[units[u]].key !== packed) u++;
          if (u >= units.length || !UNITS[units[u]].anyCase) return start;
          unit = units[u];
        }
      } else if (c !== CLOSE || (units.length > 0 && !entry.unitOptional)) {
        return start;
      }
      const groupEnd = pos;

      // Line end: CR LF or LF inside the frame, and no continuation line (those start with "(").
      c = frame[++pos];
      if (c === CR) c = frame[++pos];
      if (c !== LF || pos >= length) return start;
      if (pos + 1 < length && frame[pos + 1] === OPEN) return start;

      // As store(), written out (a ten-argument call).
      if (present[slot]) reading.counters.duplicateLines++;
      else reading.order[reading.orderLength++] = slot;
      present[slot] = 1;
      reading.mantissa[slot] = negative && mantissa !== 0 ? -mantissa : mantissa;
      reading.exponent[slot] = -fraction;
      reading.unit[slot] = unit;
      reading.valueStart[slot] = valueStart;
      reading.valueEnd[slot] = valueEnd;
      reading.groupStart[slot] = valueStart;
      reading.groupEnd[slot] = groupEnd;
      start = ++pos;
    }
    return start;
  }

  /** The rest of the meter clock line from its "(" at `open`, one group and the line end; as parseValueLine. */
  private parseClockLine(frame: Uint8Array, slot: number, open: number, length: number, reading: Reading): number {
    const start = open + 1;
    let pos = start;
    let c = frame[pos];
    while (c !== CLOSE) {
      if (c === LF || pos >= length) return -1;
      c = frame[++pos];
    }
    const end = pos;
    if (end === start) return -1;
    c = frame[++pos];
    if (c === CR) c = frame[++pos];
    if (c !== LF || pos >= length) return -1;
    if (pos + 1 < length && frame[pos + 1] === OPEN) return -1;
    readMeterTime(frame, start, end, reading.time, this.defaultOffset, this.minYear);
    this.store(reading, slot, start, end, start, end, 0, 0, NO_UNIT);
    return pos + 1;
  }

  /** Any line from `pos`, with its continuation lines; returns the next line's start. */
  private parseAnyLine(frame: Uint8Array, pos: number, length: number, reading: Reading): number {
    // Lines end at LF (a CR before it is dropped); indexOf scans natively, far cheaper than a JS loop in XS.
    let lf = frame.indexOf(LF, pos);
    if (lf < 0 || lf > length) lf = length;
    let end = lf > pos && frame[lf - 1] === CR ? lf - 1 : lf;
    let next = lf + 1;
    // DSMR 2.2 gas puts its value on the following line, which starts with "(".
    while (next < length && frame[next] === OPEN) {
      lf = frame.indexOf(LF, next);
      if (lf < 0 || lf > length) lf = length;
      end = frame[lf - 1] === CR ? lf - 1 : lf;
      next = lf + 1;
    }
    if (end > pos && !(end - pos === 1 && frame[pos] === BANG)) this.parseLine(frame, pos, end, reading);
    return next;
  }

  private keepUnknown(reading: Reading, start: number, end: number): void {
    if (reading.unknownLength < reading.unknownStart.length) {
      reading.unknownStart[reading.unknownLength] = start;
      reading.unknownEnd[reading.unknownLength] = end;
      reading.unknownLength++;
    } else {
      reading.counters.unknownDropped++;
    }
  }

  private parseLine(frame: Uint8Array, start: number, end: number, reading: Reading): void {
    if (!this.readObis(frame, start, end) || !this.readGroups(frame, this.obisEnd, end)) {
      reading.counters.malformedLines++;
      this.keepUnknown(reading, start, end);
      return;
    }
    const slot = this.catalog.indexOf(this.obisKey);
    if (slot < 0) {
      reading.counters.unknownLines++;
      this.keepUnknown(reading, start, end);
      return;
    }
    const entry = this.catalog.entries[slot];
    const layout = entry.layout;
    const count = this.groupCount < MAX_GROUPS ? this.groupCount : MAX_GROUPS;
    const g = layout === Layout.Timestamped || layout === Layout.Gas22 ? count - 1 : 0;
    const gs = this.groupStart[g];
    const ge = this.groupEnd[g];
    if (gs === ge) return; // "()": nothing sent

    if (layout === Layout.Clock) {
      readMeterTime(frame, gs, ge, reading.time, this.defaultOffset, this.minYear);
      this.store(reading, slot, gs, ge, gs, ge, 0, 0, NO_UNIT);
      return;
    }
    if (layout === Layout.Text) {
      this.store(reading, slot, gs, ge, gs, ge, 0, 0, NO_UNIT);
      return;
    }
    if (!this.readNumber(frame, gs, ge)) {
      reading.counters.valueRejected++;
      return;
    }
    const valueEnd = this.numberEnd;
    let unitStart = valueEnd < ge ? valueEnd + 1 : ge; // after "*"
    let unitEnd = ge;
    if (layout === Layout.Gas22 && unitStart === unitEnd && count >= 6) {
      unitStart = this.groupStart[5];
      unitEnd = this.groupEnd[5];
    }
    if (layout === Layout.Log) unitStart = unitEnd; // trailing groups are the log itself
    let unit = NO_UNIT;
    const units = entry.units;
    if (unitStart === unitEnd) {
      if (units.length > 0 && !entry.unitOptional) {
        reading.counters.unitRejected++;
        return;
      }
    } else {
      unit = unitAmong(units, unitKey(frame, unitStart, unitEnd), frame, unitStart, unitEnd);
      if (unit === NO_UNIT) {
        reading.counters.unitRejected++;
        return;
      }
    }
    this.store(reading, slot, gs, valueEnd, gs, ge, this.numberMantissa, this.numberExponent, unit);
  }

  private store(
    reading: Reading,
    slot: number,
    valueStart: number,
    valueEnd: number,
    groupStart: number,
    groupEnd: number,
    mantissa: number,
    exponent: number,
    unit: number,
  ): void {
    if (reading.present[slot]) reading.counters.duplicateLines++;
    else reading.order[reading.orderLength++] = slot;
    reading.present[slot] = 1;
    reading.mantissa[slot] = mantissa;
    reading.exponent[slot] = exponent;
    reading.unit[slot] = unit;
    reading.valueStart[slot] = valueStart;
    reading.valueEnd[slot] = valueEnd;
    reading.groupStart[slot] = groupStart;
    reading.groupEnd[slot] = groupEnd;
  }

  /** `A-B:C.D.E[*F]` followed by "(": sets obisKey and obisEnd (the "(" position). */
  private readObis(frame: Uint8Array, start: number, end: number): boolean {
    let key = 0;
    let pos = start;
    for (let field = 0; field < 5; field++) {
      let value = 0;
      const first = pos;
      let c = frame[pos];
      while (c >= 0x30 && c <= 0x39 && pos < end) {
        value = value * 10 + c - 0x30;
        c = frame[++pos];
      }
      if (pos === first || pos - first > 3 || value > 255) return false;
      key = key * 256 + value;
      // Separators in order: "-" ":" "." "." and then "(" or "*".
      if (field === 0 ? c !== MINUS : field === 1 ? c !== 0x3a : field < 4 ? c !== DOT : c !== OPEN && c !== STAR) return false;
      if (field < 4) pos++;
    }
    if (frame[pos] === STAR) {
      const first = ++pos;
      while (pos < end && frame[pos] >= 0x30 && frame[pos] <= 0x39) pos++;
      if (pos === first || frame[pos] !== OPEN) return false;
    }
    if (pos >= end) return false;
    this.obisKey = key;
    this.obisEnd = pos;
    return true;
  }

  /** Collects `(…)(…)…` groups from pos; line breaks between groups belong to continuation lines. */
  private readGroups(frame: Uint8Array, pos: number, end: number): boolean {
    let count = 0;
    while (pos < end) {
      const b = frame[pos];
      if (b === CR || b === LF) {
        pos++;
        continue;
      }
      if (b !== OPEN) return count > 0 && this.setGroupCount(count);
      const close = frame.indexOf(CLOSE, pos + 1);
      if (close < 0 || close >= end) return false;
      const place = count < MAX_GROUPS ? count : MAX_GROUPS - 1;
      this.groupStart[place] = pos + 1;
      this.groupEnd[place] = close;
      count++;
      pos = close + 1;
    }
    return this.setGroupCount(count);
  }

  private setGroupCount(count: number): boolean {
    this.groupCount = count;
    return count > 0;
  }

  /** `[-]digits[.digits]` up to "*" or the end: sets numberMantissa, numberExponent, numberEnd. */
  private readNumber(frame: Uint8Array, start: number, end: number): boolean {
    let pos = start;
    let negative = false;
    if (pos < end && frame[pos] === MINUS) {
      negative = true;
      pos++;
    }
    let mantissa = 0;
    let digits = 0;
    let significant = 0;
    let fraction = -1; // digits after the point, −1 before the point
    for (; pos < end; pos++) {
      const b = frame[pos];
      if (b >= 0x30 && b <= 0x39) {
        digits++;
        mantissa = mantissa * 10 + (b - 0x30);
        if (mantissa !== 0) significant++;
        if (fraction >= 0) fraction++;
      } else if (b === DOT && fraction < 0) {
        fraction = 0;
      } else {
        break;
      }
    }
    if (digits === 0 || significant > MAX_SIGNIFICANT_DIGITS || fraction === 0 || fraction > MAX_FRACTION_DIGITS) return false;
    if (pos < end && frame[pos] !== STAR) return false;
    this.numberMantissa = negative && mantissa !== 0 ? -mantissa : mantissa;
    this.numberExponent = fraction > 0 ? -fraction : 0;
    this.numberEnd = pos;
    return true;
  }
}
