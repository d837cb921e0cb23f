import { Layout } from "../p1/obis-table";
import { TimeStatus } from "../p1/meter-time";
import type { ObisCatalog } from "../p1/obis-catalog";
import type { Reading } from "../p1/reading";
import { NO_UNIT, UNITS } from "../p1/units";
import { joinBytes } from "./bytes";
import { writeIsoUtc } from "./utc";
import { ByteWriter, MAX_VALUE_CHARS, decimalFits, formatDecimal } from "./writer";

/** Room kept for the closing of the document (`],"omitted":NNNNN}`). */
const CLOSING_RESERVE = 32;

/**
 * The per-telegram `telegram` JSON: every value, known and unknown, in the meter's own units, plus the meter
 * time, written into one preallocated buffer. An item that would not fit is left out and counted in
 * `omitted`, so the document is always complete JSON.
 */
export class TelegramSnapshot {
  readonly buffer: Uint8Array;
  /** Items left out of the last snapshot for lack of room. */
  omitted = 0;
  private readonly writer: ByteWriter;
  private readonly civil = new Int32Array(3);
  private readonly value = new Uint8Array(MAX_VALUE_CHARS);
  private readonly scratch = new Uint8Array(24);
  /** Per slot: `"A-B:C.D.E":{` */
  private readonly keys: Uint8Array[];
  private readonly parts: Uint8Array[];
  /** Unit spellings as bytes, by unit id (XS would box a string per charCodeAt call). */
  private readonly unitNames: Uint8Array[];

  constructor(catalog: ObisCatalog, capacity = 4096) {
    this.writer = new ByteWriter(capacity);
    this.buffer = this.writer.buffer;
    this.keys = catalog.entries.map((e) => joinBytes([`"${e.obis}":{`]));
    this.unitNames = UNITS.map((u) => joinBytes([u.name]));
    this.parts = [
      "{\"header\":\"", "\",\"meterTime\":", ",\"utc\":", ",\"clockValid\":", ",\"values\":{",
      "\"value\":", ",\"unit\":\"", "\"text\":\"", "},\"unknown\":[", "],\"omitted\":", "null", "true", "false",
    ].map((s) => joinBytes([s]));
  }

  /** Writes the snapshot of `reading` and returns its length. */
  write(reading: Reading): number {
    const w = this.writer;
    const p = this.parts;
    const frame = reading.frame;
    const time = reading.time;
    w.pos = 0;
    this.omitted = 0;
    w.bytes(p[0]);
    const headerLength = reading.headerEnd - reading.headerStart;
    if (headerLength * 6 + 200 < w.room) w.latin1String(frame, reading.headerStart, reading.headerEnd);
    else this.omitted++;
    w.bytes(p[1]);
    if (time.status === TimeStatus.Absent) {
      w.bytes(p[10]);
    } else {
      w.byte(0x22);
      w.latin1String(frame, time.rawStart, time.rawEnd < time.rawStart + 24 ? time.rawEnd : time.rawStart + 24);
      w.byte(0x22);
    }
    w.bytes(p[2]);
    if (time.status === TimeStatus.Absent || time.status === TimeStatus.Invalid) {
      w.bytes(p[10]);
    } else {
      w.byte(0x22);
      writeIsoUtc(w, time.epochSeconds, this.civil);
      w.byte(0x22);
    }
    w.bytes(p[3]);
    w.bytes(time.status === TimeStatus.Valid ? p[11] : p[12]);
    w.bytes(p[4]);
    let first = true;
    const entries = reading.catalog.entries;
    for (let i = 0; i < reading.orderLength; i++) {
      const slot = reading.order[i];
      const layout = entries[slot].layout;
      if (layout === Layout.Clock) continue;
      const isText = layout === Layout.Text;
      const unit = reading.unit[slot];
      let unitStart = reading.valueEnd[slot] + 1;
      let unitEnd = reading.groupEnd[slot];
      if (unitEnd < unitStart) unitEnd = unitStart;
      const textLength = isText ? reading.valueEnd[slot] - reading.valueStart[slot] : unitEnd - unitStart;
      if (w.room < this.keys[slot].length + MAX_VALUE_CHARS + textLength * 6 + 24 + CLOSING_RESERVE) {
        this.omitted++;
        continue;
      }
      if (!first) w.byte(0x2c);
      first = false;
      w.bytes(this.keys[slot]);
      if (isText) {
        w.bytes(p[7]);
        w.latin1String(frame, reading.valueStart[slot], reading.valueEnd[slot]);
        w.byte(0x22);
      } else {
        w.bytes(p[5]);
        const m = reading.mantissa[slot], e = reading.exponent[slot];
        if (decimalFits(m, e)) w.bytes(this.value, 0, formatDecimal(m, e, this.value, this.scratch));
        else w.bytes(p[10]);
        if (unit !== NO_UNIT) {
          w.bytes(p[6]);
          if (unitEnd > unitStart) w.latin1String(frame, unitStart, unitEnd);
          else w.bytes(this.unitNames[unit]); // DSMR 2.2 gas: the unit is not next to the value
          w.byte(0x22);
        }
      }
      w.byte(0x7d);
    }
    w.bytes(p[8]);
    first = true;
    for (let i = 0; i < reading.unknownLength; i++) {
      const start = reading.unknownStart[i], end = reading.unknownEnd[i];
      if (w.room < (end - start) * 6 + 4 + CLOSING_RESERVE) {
        this.omitted++;
        continue;
      }
      if (!first) w.byte(0x2c);
      first = false;
      w.byte(0x22);
      w.latin1String(frame, start, end);
      w.byte(0x22);
    }
    w.bytes(p[9]);
    w.uint(this.omitted);
    w.byte(0x7d);
    return w.pos;
  }
}
