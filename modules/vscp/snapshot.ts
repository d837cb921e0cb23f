import { Layout } from "../p1/obis-table";
import { TimeStatus } from "../p1/meter-time";
import type { ObisCatalog } from "../p1/obis-catalog";
import type { Reading } from "../p1/reading";
import { NO_UNIT, UNITS } from "../p1/units";
import { joinBytes } from "./bytes";
import { ISO_UTC_LENGTH, writeIsoUtc } from "./utc";
import { ByteWriter, MAX_VALUE_CHARS, decimalFits, formatDecimal, latin1StringLength, uintLength } from "./writer";

/** Characters of the meter's clock text kept in `meterTime` (the longest real clock text is 19). */
const MAX_CLOCK_CHARS = 24;
/** Digits reserved for `omitted` when checking that the smallest document fits. */
const MAX_OMITTED_DIGITS = 10;

// Indexes into `parts`.
const OPEN = 0,
  METER_TIME = 1,
  UTC = 2,
  CLOCK_VALID = 3,
  VALUES = 4,
  VALUE = 5,
  UNIT = 6,
  TEXT = 7,
  UNKNOWN = 8,
  OMITTED = 9,
  NULL = 10,
  TRUE = 11,
  FALSE = 12;

/**
 * The per-telegram `telegram` JSON: every value, known and unknown, in the meter's own units, plus the meter
 * time, written into one preallocated buffer. Each part's exact length is known before it is written, so the
 * document never runs past the buffer: the header, a value or an unknown line that would not fit is left out
 * and counted in `omitted`, and the rest (clock fields, closing) is always reserved, so the document is always
 * complete JSON.
 */
export class TelegramSnapshot {
  readonly buffer: Uint8Array;
  /** Items left out of the last snapshot for lack of room. */
  omitted = 0;
  private readonly writer: ByteWriter;
  private readonly civil = new Int32Array(3);
  private readonly value = new Uint8Array(MAX_VALUE_CHARS);
  private readonly scratch = new Uint8Array(24);
  /**
   * The document's buffer followed by every slot's `"A-B:C.D.E":{` back to back: slot k's key is at
   * keysAt + keyStart[k] … keysAt + keyStart[k + 1]. One array, not one per code (an XS typed array costs 7 slots,
   * for codes most meters never send), and behind the document so that copyWithin copies a key natively
   * without a view being made.
   */
  private readonly store: Uint8Array;
  private readonly keysAt: number;
  private readonly keyStart: Uint16Array;
  private readonly parts: Uint8Array[];
  /** Unit spellings as bytes (XS would box a string per charCodeAt call), back to back like the keys, by unit id. */
  private readonly unitNames: Uint8Array;
  private readonly unitStart: Uint8Array;

  constructor(catalog: ObisCatalog, capacity = 4096) {
    const keys = joinBytes(catalog.entries.map((e) => `"${e.obis}":{`));
    this.keyStart = new Uint16Array(catalog.size + 1);
    catalog.entries.forEach((e, slot) => {
      this.keyStart[slot + 1] = this.keyStart[slot] + e.obis.length + 4; // ASCII: one byte a character
    });
    if (this.keyStart[catalog.size] !== keys.length) throw new Error("OBIS codes must be ASCII");
    this.unitNames = joinBytes(UNITS.map((u) => u.name));
    this.unitStart = new Uint8Array(UNITS.length + 1);
    UNITS.forEach((u, id) => {
      this.unitStart[id + 1] = this.unitStart[id] + u.name.length;
    });
    if (this.unitStart[UNITS.length] !== this.unitNames.length) throw new Error("unit names must be ASCII");
    this.parts = [
      '{"header":"',
      '","meterTime":',
      ',"utc":',
      ',"clockValid":',
      ',"values":{',
      '"value":',
      ',"unit":"',
      '"text":"',
      '},"unknown":[',
      '],"omitted":',
      "null",
      "true",
      "false",
    ].map((s) => joinBytes([s]));
    // The smallest document: header and every item left out, the longest clock text all escaped (6 bytes each).
    const p = this.parts;
    const smallest =
      p[OPEN].length +
      p[METER_TIME].length +
      2 +
      MAX_CLOCK_CHARS * 6 +
      p[UTC].length +
      2 +
      ISO_UTC_LENGTH +
      p[CLOCK_VALID].length +
      p[FALSE].length +
      p[VALUES].length +
      p[UNKNOWN].length +
      p[OMITTED].length +
      MAX_OMITTED_DIGITS +
      1;
    if (!(capacity >= smallest)) throw new RangeError(`snapshot capacity ${capacity} below the ${smallest} bytes a snapshot can need`);
    this.keysAt = capacity;
    this.store = new Uint8Array(capacity + keys.length);
    this.store.set(keys, capacity);
    this.writer = new ByteWriter(capacity, this.store.subarray(0, capacity));
    this.buffer = this.writer.buffer;
  }

  /** Writes the snapshot of `reading` and returns its length. */
  write(reading: Reading): number {
    const w = this.writer;
    const p = this.parts;
    const frame = reading.frame;
    const time = reading.time;
    w.pos = 0;
    this.omitted = 0;
    // What is always written after the last item: the two list closings and the omitted count.
    const closing = p[UNKNOWN].length + p[OMITTED].length + uintLength(1 + reading.orderLength + reading.unknownLength) + 1;
    const clockAbsent = time.status === TimeStatus.Absent;
    const utcAbsent = clockAbsent || time.status === TimeStatus.Invalid;
    const clockEnd = time.rawEnd < time.rawStart + MAX_CLOCK_CHARS ? time.rawEnd : time.rawStart + MAX_CLOCK_CHARS;
    const clockLength = clockAbsent ? p[NULL].length : 2 + latin1StringLength(frame, time.rawStart, clockEnd);
    const afterHeader =
      p[METER_TIME].length +
      clockLength +
      p[UTC].length +
      (utcAbsent ? p[NULL].length : 2 + ISO_UTC_LENGTH) +
      p[CLOCK_VALID].length +
      (time.status === TimeStatus.Valid ? p[TRUE].length : p[FALSE].length) +
      p[VALUES].length +
      closing;

    w.bytes(p[OPEN]);
    if (latin1StringLength(frame, reading.headerStart, reading.headerEnd) + afterHeader <= w.room) {
      w.latin1String(frame, reading.headerStart, reading.headerEnd);
    } else {
      this.omitted++;
    }
    w.bytes(p[METER_TIME]);
    if (clockAbsent) {
      w.bytes(p[NULL]);
    } else {
      w.byte(0x22);
      w.latin1String(frame, time.rawStart, clockEnd);
      w.byte(0x22);
    }
    w.bytes(p[UTC]);
    if (utcAbsent) {
      w.bytes(p[NULL]);
    } else {
      w.byte(0x22);
      writeIsoUtc(w, time.epochSeconds, this.civil);
      w.byte(0x22);
    }
    w.bytes(p[CLOCK_VALID]);
    w.bytes(time.status === TimeStatus.Valid ? p[TRUE] : p[FALSE]);
    w.bytes(p[VALUES]);
    this.writeValues(reading, closing);
    w.bytes(p[UNKNOWN]);
    this.writeUnknown(reading, closing - p[UNKNOWN].length);
    w.bytes(p[OMITTED]);
    w.uint(this.omitted);
    w.byte(0x7d);
    return w.pos;
  }

  /** `"A-B:C.D.E":{…}` per value, each only when it fits with `reserve` bytes left after it. */
  private writeValues(reading: Reading, reserve: number): void {
    const w = this.writer;
    const p = this.parts;
    const frame = reading.frame;
    const entries = reading.catalog.entries;
    let first = true;
    for (let i = 0; i < reading.orderLength; i++) {
      const slot = reading.order[i];
      const layout = entries[slot].layout;
      if (layout === Layout.Clock) continue;
      const isText = layout === Layout.Text;
      const unit = reading.unit[slot];
      const unitStart = reading.valueEnd[slot] + 1;
      const unitEnd = reading.groupEnd[slot] > unitStart ? reading.groupEnd[slot] : unitStart;
      let valueLength = 0;
      const keyStart = this.keyStart[slot],
        keyEnd = this.keyStart[slot + 1];
      let length = (first ? 0 : 1) + keyEnd - keyStart + 1;
      if (isText) {
        length += p[TEXT].length + latin1StringLength(frame, reading.valueStart[slot], reading.valueEnd[slot]) + 1;
      } else {
        const m = reading.mantissa[slot],
          e = reading.exponent[slot];
        valueLength = decimalFits(m, e) ? formatDecimal(m, e, this.value, this.scratch) : 0;
        length += p[VALUE].length + (valueLength > 0 ? valueLength : p[NULL].length);
        // A DSMR 2.2 gas unit is not next to its value: its table spelling is written instead.
        if (unit !== NO_UNIT) {
          length +=
            p[UNIT].length +
            1 +
            (unitEnd > unitStart ? latin1StringLength(frame, unitStart, unitEnd) : this.unitStart[unit + 1] - this.unitStart[unit]);
        }
      }
      if (length + reserve > w.room) {
        this.omitted++;
        continue;
      }
      if (!first) w.byte(0x2c);
      first = false;
      this.store.copyWithin(w.pos, this.keysAt + keyStart, this.keysAt + keyEnd);
      w.pos += keyEnd - keyStart;
      if (isText) {
        w.bytes(p[TEXT]);
        w.latin1String(frame, reading.valueStart[slot], reading.valueEnd[slot]);
        w.byte(0x22);
      } else {
        w.bytes(p[VALUE]);
        if (valueLength > 0) w.bytes(this.value, 0, valueLength);
        else w.bytes(p[NULL]);
        if (unit !== NO_UNIT) {
          w.bytes(p[UNIT]);
          if (unitEnd > unitStart) w.latin1String(frame, unitStart, unitEnd);
          else w.bytes(this.unitNames, this.unitStart[unit], this.unitStart[unit + 1]);
          w.byte(0x22);
        }
      }
      w.byte(0x7d);
    }
  }

  /** Each unknown line as a JSON string, only when it fits with `reserve` bytes left after it. */
  private writeUnknown(reading: Reading, reserve: number): void {
    const w = this.writer;
    const frame = reading.frame;
    let first = true;
    for (let i = 0; i < reading.unknownLength; i++) {
      const start = reading.unknownStart[i],
        end = reading.unknownEnd[i];
      if ((first ? 0 : 1) + 2 + latin1StringLength(frame, start, end) + reserve > w.room) {
        this.omitted++;
        continue;
      }
      if (!first) w.byte(0x2c);
      first = false;
      w.byte(0x22);
      w.latin1String(frame, start, end);
      w.byte(0x22);
    }
  }
}
