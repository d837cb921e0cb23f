import { utf8Bytes } from "../vscp/bytes";
import { civilFromDays } from "../vscp/utc";
import { ByteWriter } from "../vscp/writer";
import { MAX_PEAKS, type MonthPeaks } from "./month-peaks";
import type { TariffRule } from "./tariff-rule";
import { localDay } from "./tariff-rule";

/** The hour under way as the tariff message shows it. */
export interface HourFigures {
  /** Start (UTC s; −1: none yet) and the meter's offset from UTC in it. */
  readonly hourStart: number;
  readonly hourOffsetMinutes: number;
  /** Import power so far and projected to the hour's end (W, NaN: unknown), not weighted. */
  readonly averageW: number;
  readonly projectionW: number;
  /** The rule's weight of this hour, per cent. */
  readonly weight: number;
  /** False once a gap or reset means this hour will end without a figure. */
  readonly complete: boolean;
}

/** Bytes of one peak at most (two 13-digit values), and of the rest besides the rule (16-digit figures). */
const PEAK_BYTES = 120;
const REST_BYTES = 400;

/**
 * Writes the retained tariff message (`{prefix}/{deviceId}/tariff`) into a buffer made once: the month, the
 * rule, its peaks, the billed average, the hour under way and the month's incomplete hours. No allocation.
 */
export class TariffJson {
  readonly buffer: Uint8Array;
  private readonly writer: ByteWriter;
  private readonly scratch = new Int32Array(3);
  private readonly head = utf8Bytes('{"month":');
  private readonly rule: Uint8Array;
  private readonly peaksKey = utf8Bytes(',"peaks":[');
  private readonly hourKey = utf8Bytes('{"hour":"');
  private readonly wattsKey = utf8Bytes('","w":');
  private readonly weightedKey = utf8Bytes(',"weighted":');
  private readonly billedKey = utf8Bytes('],"billedW":');
  private readonly currentKey = utf8Bytes(',"current":');
  private readonly startKey = utf8Bytes('{"start":"');
  private readonly averageKey = utf8Bytes('","avgW":');
  private readonly projectionKey = utf8Bytes(',"projW":');
  private readonly weightKey = utf8Bytes(',"weight":');
  private readonly completeKey = utf8Bytes(',"complete":');
  private readonly incompleteKey = utf8Bytes(',"incomplete":');
  private readonly nullText = utf8Bytes("null");
  private readonly trueText = utf8Bytes("true");
  private readonly falseText = utf8Bytes("false");

  constructor(rule: TariffRule) {
    const days = rule.weekdaysOnly ? "weekdays" : "all";
    this.rule = utf8Bytes(
      `,"rule":{"peaks":${rule.peaks},"perDay":${rule.perDay},"days":"${days}","from":${rule.fromHour},"to":${rule.toHour},` +
        `"nightWeight":${rule.nightWeight},"nightFrom":${rule.nightFrom},"nightTo":${rule.nightTo}}`,
    );
    this.writer = new ByteWriter(this.rule.length + REST_BYTES + MAX_PEAKS * PEAK_BYTES);
    this.buffer = this.writer.buffer;
  }

  write(peaks: MonthPeaks, hour: HourFigures): number {
    const w = this.writer;
    w.pos = 0;
    w.bytes(this.head);
    if (peaks.month === 0) w.bytes(this.nullText);
    else {
      w.byte(0x22);
      w.uint(Math.floor(peaks.month / 100));
      w.byte(0x2d);
      w.twoDigits(peaks.month % 100);
      w.byte(0x22);
    }
    w.bytes(this.rule);
    w.bytes(this.peaksKey);
    for (let i = 0; i < peaks.count; i++) {
      if (i > 0) w.byte(0x2c);
      w.bytes(this.hourKey);
      this.localHour(peaks.start[i], peaks.offsetMinutes[i]);
      w.bytes(this.wattsKey);
      w.int(peaks.watts[i]);
      w.bytes(this.weightedKey);
      w.int(peaks.weighted[i]);
      w.byte(0x7d);
    }
    w.bytes(this.billedKey);
    this.number(peaks.billedW());
    w.bytes(this.currentKey);
    if (hour.hourStart < 0) w.bytes(this.nullText);
    else {
      w.bytes(this.startKey);
      this.localHour(hour.hourStart, hour.hourOffsetMinutes);
      w.bytes(this.averageKey);
      this.number(hour.averageW);
      w.bytes(this.projectionKey);
      this.number(hour.projectionW);
      w.bytes(this.weightKey);
      w.uint(hour.weight);
      w.bytes(this.completeKey);
      w.bytes(hour.complete ? this.trueText : this.falseText);
      w.byte(0x7d);
    }
    w.bytes(this.incompleteKey);
    w.uint(peaks.incomplete);
    w.byte(0x7d);
    return w.pos;
  }

  /** A whole number of W, or null. */
  private number(value: number): void {
    if (Number.isFinite(value)) this.writer.int(Math.round(value));
    else this.writer.bytes(this.nullText);
  }

  /** `2026-03-29T01:00+01:00`: the hour's start in local meter time with its offset. */
  private localHour(startUtc: number, offsetMinutes: number): void {
    const w = this.writer;
    const local = startUtc + offsetMinutes * 60;
    const day = localDay(startUtc, offsetMinutes);
    civilFromDays(day, this.scratch);
    w.uint(this.scratch[0]);
    w.byte(0x2d);
    w.twoDigits(this.scratch[1]);
    w.byte(0x2d);
    w.twoDigits(this.scratch[2]);
    w.byte(0x54);
    const seconds = local - day * 86400;
    w.twoDigits(Math.floor(seconds / 3600));
    w.byte(0x3a);
    w.twoDigits(Math.floor(seconds / 60) % 60);
    const offset = offsetMinutes < 0 ? -offsetMinutes : offsetMinutes;
    w.byte(offsetMinutes < 0 ? 0x2d : 0x2b);
    w.twoDigits(Math.floor(offset / 60));
    w.byte(0x3a);
    w.twoDigits(offset % 60);
  }
}
