// Turns a framed and parsed telegram into the plain record the decode command prints. No Node imports:
// the XS equivalence tests run this same code inside the XS engine.
import type { Framer } from "../../modules/p1/framer";
import { FRAME_STATUS_NAMES, FrameStatus } from "../../modules/p1/frame-status";
import type { Reading } from "../../modules/p1/reading";
import { TimeStatus } from "../../modules/p1/meter-time";
import { NO_UNIT, Quantity, UNITS } from "../../modules/p1/units";

export interface ValueRecord {
  obis: string;
  value: number | string;
  unit: string;
  raw: string;
}

export interface FrameRecord {
  status: string;
  header: string;
  crc: { sent: string | null; computed: string };
  time: { raw: string; utc: string | null; valid: boolean } | null;
  values: ValueRecord[];
  unknown: string[];
  counters?: Record<string, number>;
}

/** Bytes as text, one character per byte (latin-1), so odd header bytes survive. */
export function latin1(bytes: Uint8Array, start: number, end: number): string {
  let s = "";
  for (let i = start; i < end; i++) s += String.fromCharCode(bytes[i]);
  return s;
}

function hex4(n: number): string {
  return n.toString(16).toUpperCase().padStart(4, "0");
}

export function isoUtc(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().replace(".000Z", "Z");
}

export function frameRecord(framer: Framer, reading: Reading | null): FrameRecord {
  const record: FrameRecord = {
    status: FRAME_STATUS_NAMES[framer.status],
    header: "",
    crc: { sent: framer.crcSent >= 0 ? hex4(framer.crcSent) : null, computed: hex4(framer.crcComputed) },
    time: null,
    values: [],
    unknown: [],
  };
  if (!reading || framer.status === FrameStatus.Hdlc) return record;
  const frame = reading.frame;
  record.header = latin1(frame, reading.headerStart, reading.headerEnd);
  const time = reading.time;
  if (time.status !== TimeStatus.Absent) {
    record.time = {
      raw: latin1(frame, time.rawStart, time.rawEnd),
      utc: time.status === TimeStatus.Invalid ? null : isoUtc(time.epochSeconds),
      valid: time.status === TimeStatus.Valid,
    };
  }
  for (let i = 0; i < reading.orderLength; i++) {
    const slot = reading.order[i];
    const entry = reading.catalog.entries[slot];
    if (entry.quantity === Quantity.Clock) continue; // reported as "time"
    const unit = reading.unit[slot];
    const text = entry.quantity === Quantity.Text;
    record.values.push({
      obis: entry.obis,
      value: text ? latin1(frame, reading.valueStart[slot], reading.valueEnd[slot]) : reading.valueAsSent(slot),
      unit: unit === NO_UNIT ? "" : latin1(frame, reading.valueEnd[slot] + 1, reading.groupEnd[slot]) || UNITS[unit].name,
      raw: latin1(frame, reading.groupStart[slot], reading.groupEnd[slot]),
    });
  }
  for (let i = 0; i < reading.unknownLength; i++) {
    record.unknown.push(latin1(frame, reading.unknownStart[i], reading.unknownEnd[i]));
  }
  const c = reading.counters;
  record.counters = {
    unknownLines: c.unknownLines,
    unknownDropped: c.unknownDropped,
    malformedLines: c.malformedLines,
    unitRejected: c.unitRejected,
    valueRejected: c.valueRejected,
    duplicateLines: c.duplicateLines,
  };
  return record;
}
