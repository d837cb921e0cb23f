import { TimeStatus } from "../p1/meter-time";
import type { Reading } from "../p1/reading";
import { NO_UNIT, UNITS } from "../p1/units";
import { joinBytes, jsonStringBytes } from "./bytes";
import { ChannelKind } from "./channels";
import { MAX_LABEL_JSON_BYTES, type VscpMapping } from "./mapping";
import { ByteWriter, MAX_VALUE_CHARS, decimalFits, formatDecimal } from "./writer";
import { DEVICE_CLOCK_VALID_FROM_MS, writeIsoUtc } from "./utc";

/** 0x8060: dumb node, normal priority. */
export const VSCP_HEAD = 32864;

/** Where the time of the last telegram's events came from. */
export const TimeSource = {
  /** The meter clock 0-0:1.0.0, converted to UTC. */
  Meter: 0,
  /** The device clock (SNTP): the meter clock was missing or a placeholder. */
  Device: 1,
  /** Neither clock was valid; the device's best clock was used anyway. */
  None: 2,
} as const;

const EMPTY = new Uint8Array(0);

/**
 * Bound on a slot's constant parts: keys and numbers (class, type, GUID, data bytes, unit, index, zone, subzone:
 * 216 bytes at their longest) plus the note. `prepare` checks it.
 */
const MAX_SLOT_PARTS_BYTES = 240 + MAX_LABEL_JSON_BYTES;

const HEAD = '{"vscpHead":' + VSCP_HEAD + ',"vscpObId":0,"vscpDateTime":"';
const TIMESTAMP = '","vscpTimeStamp":';

/**
 * Turns a Reading into VSCP class 1040 events, one JSON payload at a time, in one preallocated buffer.
 * Everything constant per value (keys, GUID, note, topic) is prepared as bytes here; per telegram only the
 * date, the time stamp and the value digits are written.
 */
export class EventEncoder {
  readonly mapping: VscpMapping;
  /** Holds the payload of the last `encode` call. */
  readonly buffer: Uint8Array;
  /** Values left out because their digits do not fit an event (never seen from real meters); cumulative. */
  valuesSkipped = 0;
  /** Time of the current telegram's events: UTC seconds, µs within the second, and its source. */
  epochSeconds = 0;
  timestampMicros = 0;
  timeSource: number = TimeSource.Meter;
  private readonly writer: ByteWriter;
  private readonly dateWriter = new ByteWriter(20);
  private readonly civil = new Int32Array(3);
  private readonly head: Uint8Array;
  private readonly timestampKey: Uint8Array;
  /**
   * A slot's constant parts in one array, made the first time the slot is rendered (memory follows what a meter
   * sends, not the catalog): measurement `,"vscpClass":…,"vscpData":[idx,zone,subzone,unit,` then at tailAt
   * `0],"vscpNote":…,"measurement":{"value":` then at suffixAt the rest; alarm `,"vscpClass":1,…,"vscpData":[`
   * then at tailAt `,zone,subzone],"vscpNote":…}`. One array per slot sent (an XS typed array costs 7 slots), in
   * the order first sent; partsIndex[slot] says which, −1 before. The value goes in between when rendering.
   */
  private readonly parts: Uint8Array[] = [];
  private readonly partsIndex: Int16Array;
  private readonly tailAt: Uint16Array;
  private readonly suffixAt: Uint16Array;
  private readonly unitShift: Int8Array;
  private readonly slots: Int16Array;
  /** Holds the value digits of the last `digitsOf` call. */
  readonly valueDigits = new Uint8Array(MAX_VALUE_CHARS);
  private readonly scratch = new Uint8Array(24);
  /** The date of `encodeStored`, kept while the stored events' seconds stay the same (NaN: none yet). */
  private readonly storedDate = new ByteWriter(20);
  private storedSeconds = Number.NaN;
  private reading: Reading | null = null;
  private count = 0;

  constructor(mapping: VscpMapping) {
    this.mapping = mapping;
    this.head = joinBytes([HEAD]);
    this.timestampKey = joinBytes([TIMESTAMP]);
    this.unitShift = Int8Array.from(UNITS.map((u) => u.shift));
    this.slots = new Int16Array(mapping.catalog.size);
    this.partsIndex = new Int16Array(mapping.size).fill(-1);
    this.tailAt = new Uint16Array(mapping.size);
    this.suffixAt = new Uint16Array(mapping.size);
    // head + date + time stamp key + 10 digits + the per-slot parts at their longest + the value twice
    this.writer = new ByteWriter(this.head.length + 20 + this.timestampKey.length + 10 + MAX_SLOT_PARTS_BYTES + MAX_VALUE_CHARS * 4);
    this.buffer = this.writer.buffer;
  }

  /**
   * Starts a telegram: picks its time and lists the events it yields (published, present values in sensor
   * index order). `deviceWallMs` = the device's UTC clock in ms, NaN when it is not set. Returns the count.
   */
  beginTelegram(reading: Reading, deviceWallMs: number): number {
    this.reading = reading;
    this.pickTime(reading, deviceWallMs);
    this.dateWriter.pos = 0;
    writeIsoUtc(this.dateWriter, this.epochSeconds, this.civil);
    const mapping = this.mapping;
    const order = mapping.publishOrder;
    let count = 0;
    for (let i = 0; i < order.length; i++) {
      const slot = order[i];
      if (!reading.present[slot]) continue;
      if (!decimalFits(reading.mantissa[slot], reading.exponent[slot] + this.shiftOf(reading.unit[slot]))) {
        this.valuesSkipped++;
        continue;
      }
      this.slots[count++] = slot;
    }
    this.count = count;
    return count;
  }

  /** Number of events of the current telegram. */
  get length(): number {
    return this.count;
  }

  /** Catalog slot of event i. */
  slotOf(i: number): number {
    return this.slots[i];
  }

  /** MQTT topic of event i (made once per slot). */
  topicOf(i: number): string {
    return this.mapping.topicOf(this.slots[i]);
  }

  /** True when the mapping publishes this slot. */
  publishes(slot: number): boolean {
    return slot >= 0 && slot < this.mapping.size && this.mapping.published[slot] === 1;
  }

  /** MQTT topic of a slot's events (made once per slot). */
  topicOfSlot(slot: number): string {
    return this.mapping.topicOf(slot);
  }

  /** Writes event i's JSON payload into `buffer` and returns its length. */
  encode(i: number): number {
    const length = this.digitsOf(i);
    return this.render(this.slots[i], this.valueDigits, 0, length, this.dateWriter.buffer, this.timestampMicros);
  }

  /**
   * Writes event i's value as the payload shows it (exact decimal in the published unit, e.g. `47522.278`)
   * into `valueDigits` and returns its length: with the slot and the telegram's time, all a stored event needs.
   */
  digitsOf(i: number): number {
    const reading = this.reading;
    if (!reading || i < 0 || i >= this.count) throw new RangeError(`no event ${i} in this telegram`);
    const slot = this.slots[i];
    return formatDecimal(reading.mantissa[slot], reading.exponent[slot] + this.shiftOf(reading.unit[slot]), this.valueDigits, this.scratch);
  }

  /**
   * Writes into `buffer` the payload of a stored event: the bytes `encode(i)` wrote for the event whose slot,
   * digits (`digitsOf(i)`) and time (`epochSeconds`, `timestampMicros`) these are. Returns its length.
   */
  encodeStored(slot: number, digits: Uint8Array, digitsStart: number, digitsLength: number, epochSeconds: number, micros: number): number {
    if (!(slot >= 0 && slot < this.mapping.size && this.mapping.published[slot])) throw new RangeError(`slot ${slot} is not published`);
    if (!(digitsLength >= 0 && digitsLength <= MAX_VALUE_CHARS)) throw new RangeError(`${digitsLength} value digits`);
    if (epochSeconds !== this.storedSeconds) {
      this.storedDate.pos = 0;
      writeIsoUtc(this.storedDate, epochSeconds, this.civil);
      this.storedSeconds = epochSeconds;
    }
    return this.render(slot, digits, digitsStart, digitsLength, this.storedDate.buffer, micros);
  }

  /**
   * The one payload layout, shared by `encode` and `encodeStored` so that both write the same bytes. The slot's
   * constant parts are copied in one native call and moved apart (copyWithin, native, in place) to make room
   * for the value: its codes (three bytes a character) after the first part, its digits after the second.
   */
  private render(slot: number, digits: Uint8Array, start: number, length: number, date: Uint8Array, micros: number): number {
    if (this.partsIndex[slot] < 0) this.prepare(slot);
    const parts = this.parts[this.partsIndex[slot]];
    const tailAt = this.tailAt[slot];
    const w = this.writer;
    const buffer = w.buffer;
    w.pos = 0;
    w.bytes(this.head);
    w.bytes(date);
    w.bytes(this.timestampKey);
    w.uint(micros);
    const base = w.pos;
    buffer.set(parts, base);
    if (this.mapping.kind[slot] === ChannelKind.Alarm) {
      buffer.copyWithin(base + tailAt + length, base + tailAt, base + parts.length);
      w.pos = base + tailAt;
      w.bytes(digits, start, start + length);
      w.pos = base + parts.length + length;
      return w.pos;
    }
    const suffixAt = this.suffixAt[slot];
    const codes = 3 * length;
    buffer.copyWithin(base + suffixAt + codes + length, base + suffixAt, base + parts.length);
    buffer.copyWithin(base + tailAt + codes, base + tailAt, base + suffixAt);
    w.pos = base + tailAt;
    w.codes(digits, start, length);
    w.pos = base + suffixAt + codes;
    w.bytes(digits, start, start + length);
    w.pos = base + parts.length + codes + length;
    return w.pos;
  }

  /** Makes a slot's constant parts: once per slot for the life of the mapping. */
  private prepare(slot: number): void {
    const m = this.mapping;
    const index = m.sensorIndex[slot],
      zone = m.zoneOf[slot],
      subzone = m.subzoneOf[slot];
    const unit = m.unitCode[slot];
    const note = jsonStringBytes(m.labelOf(slot));
    const identity = `,"vscpClass":${m.classOf(slot)},"vscpType":${m.type[slot]},"vscpGuid":"${m.guidTextOf(slot)}",`;
    let middle: Uint8Array, tail: Uint8Array, suffix: Uint8Array;
    if (m.kind[slot] === ChannelKind.Alarm) {
      middle = joinBytes([identity, '"vscpData":[']);
      tail = joinBytes([`,${zone},${subzone}],"vscpNote":`, note, "}"]);
      suffix = EMPTY;
    } else {
      middle = joinBytes([identity, `"vscpData":[${index},${zone},${subzone},${unit},`]);
      tail = joinBytes(['0],"vscpNote":', note, ',"measurement":{"value":']);
      suffix = joinBytes([`,"unit":${unit},"sensorindex":${index},"zone":${zone},"subzone":${subzone}}}`]);
    }
    const size = middle.length + tail.length + suffix.length;
    if (size > MAX_SLOT_PARTS_BYTES) throw new RangeError(`slot ${slot}: ${size} bytes of constant parts`);
    this.tailAt[slot] = middle.length;
    this.suffixAt[slot] = middle.length + tail.length;
    this.partsIndex[slot] = this.parts.length;
    this.parts.push(joinBytes([middle, tail, suffix]));
  }

  /**
   * Writes a value the caller computed (mantissa × 10^exponent, exact) into `valueDigits` as a payload shows it;
   * returns the length, or −1 when it does not fit an event. For channels, whose values are not a Reading's.
   */
  digitsOfValue(mantissa: number, exponent: number): number {
    if (!decimalFits(mantissa, exponent)) return -1;
    return formatDecimal(mantissa, exponent, this.valueDigits, this.scratch);
  }

  private shiftOf(unit: number): number {
    return unit === NO_UNIT ? 0 : this.unitShift[unit];
  }

  /** Profile §2: the meter clock when valid, else the device clock, else the device's best guess (counted). */
  private pickTime(reading: Reading, deviceWallMs: number): void {
    if (reading.time.status === TimeStatus.Valid) {
      this.epochSeconds = reading.time.epochSeconds;
      this.timestampMicros = 0;
      this.timeSource = TimeSource.Meter;
      return;
    }
    const deviceValid = deviceWallMs >= DEVICE_CLOCK_VALID_FROM_MS;
    const ms = deviceWallMs >= 0 ? deviceWallMs : 0; // also NaN → 0
    const seconds = Math.floor(ms / 1000);
    let micros = Math.floor((ms - seconds * 1000) * 1000);
    if (micros > 999999) micros = 999999;
    this.epochSeconds = seconds;
    this.timestampMicros = micros;
    if (deviceValid) {
      this.timeSource = TimeSource.Device;
    } else {
      this.timeSource = TimeSource.None;
    }
  }
}
