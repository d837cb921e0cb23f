import type { ChannelEvents, ChannelSource } from "../app/channel-queue";
import type { RetainedMessage } from "../app/encoder-ports";
import { errorMessage } from "../config/error-message";
import type { KeyValueStore } from "../config/key-value-store";
import { TimeStatus } from "../p1/meter-time";
import type { ObisCatalog } from "../p1/obis-catalog";
import type { Reading } from "../p1/reading";
import { HOUR_S, HourClosed, HourMeter } from "./hour-meter";
import { localMonth, MonthPeaks } from "./month-peaks";
import { NET_VALUES, NetPower, shiftOf } from "./net-power";
import { type HourFigures, TariffJson } from "./tariff-json";
import { ALL_HOURS, localDay, type TariffRule, weightOf } from "./tariff-rule";
import type { TariffView } from "./tariff-view";

/** Preferences key of the month's peaks (NVS keys: at most 15 characters). */
export const TARIFF_STORE_KEY = "tariffPeaks";

/** The current hour's figures in the retained message are refreshed at most this often (meter seconds). */
const REFRESH_S = 60;

const NET_KEYS = ["netL1", "netL2", "netL3", "net"] as const;

/** What the source needs of the mapping: the catalog and the slots of its channels (−1: not there). */
export interface ChannelSlots {
  readonly catalog: ObisCatalog;
  slotOf(code: string): number;
}

export interface EnergyOptions {
  /** The retained tariff topic, `{prefix}/{deviceId}/tariff`. */
  topic: string;
  rule?: TariffRule;
  /** Where the month's peaks survive a restart (Preferences on the device); none: kept in memory only. */
  store?: KeyValueStore;
  report?: (problem: string) => void;
  /** Boundary tolerance in seconds (default BOUNDARY_TOLERANCE_S). */
  toleranceS?: number;
}

/**
 * Derived values and the capacity tariff: net power per phase and in total every telegram; each clock hour's
 * average import power at its end; the hour under way and its projection; the month's peaks (kept in the store,
 * published retained and as the billed average when they change). Reads the meter's own digits and time only.
 */
export class EnergySource implements ChannelSource, TariffView, RetainedMessage, HourFigures {
  hourAverageW = Number.NaN;
  hourProjectionW = Number.NaN;
  guardPeakW = Number.NaN;
  /** True when the tariff message changed since it was last written. */
  changed = true;
  /** Stored peaks that could not be read or written (each also reported). */
  storeErrors = 0;
  /** Events handed to the bridge so far (an account for tests and the soak). */
  eventsAdded = 0;
  readonly topic: string;
  readonly buffer: Uint8Array;
  readonly hours: HourMeter;
  readonly peaks: MonthPeaks;
  readonly rule: TariffRule;
  /** The hour under way as the tariff message shows it (not weighted). */
  averageW = Number.NaN;
  projectionW = Number.NaN;
  weight = 100;

  private readonly net: NetPower;
  private readonly netSlots = new Int32Array(NET_VALUES);
  private readonly hourlySlot: number;
  private readonly averageSlot: number;
  private readonly projectionSlot: number;
  private readonly peakSlot: number;
  private readonly energySlot: number;
  private readonly powerSlot: number;
  private readonly json: TariffJson;
  private readonly store: KeyValueStore | undefined;
  private readonly report: (problem: string) => void;
  private readonly scratch = new Int32Array(3);
  private refreshedAt = Number.NEGATIVE_INFINITY;
  /** Meter time (UTC s) of the telegram being handled. */
  private telegramTime = 0;

  constructor(mapping: ChannelSlots, options: EnergyOptions) {
    const catalog = mapping.catalog;
    this.net = new NetPower(catalog);
    for (let i = 0; i < NET_VALUES; i++) this.netSlots[i] = mapping.slotOf(NET_KEYS[i]);
    this.hourlySlot = mapping.slotOf("hourly");
    this.averageSlot = mapping.slotOf("hourAvg");
    this.projectionSlot = mapping.slotOf("hourProj");
    this.peakSlot = mapping.slotOf("peakAvg");
    this.energySlot = catalog.indexOfCode("1-0:1.8.0");
    this.powerSlot = catalog.indexOfCode("1-0:1.7.0");
    this.rule = options.rule ?? ALL_HOURS;
    this.topic = options.topic;
    this.hours = new HourMeter(options.toleranceS);
    this.peaks = new MonthPeaks(this.rule.peaks, this.rule.perDay);
    this.json = new TariffJson(this.rule);
    this.buffer = this.json.buffer;
    this.store = options.store;
    this.report = options.report ?? (() => {});
    this.load();
  }

  get hourStart(): number {
    return this.hours.hourStart;
  }

  get hourOffsetMinutes(): number {
    return this.hours.hourOffsetMinutes;
  }

  /** False once a gap or reset means the hour under way will end without a figure. */
  get complete(): boolean {
    return this.hours.startKnown;
  }

  onTelegram(reading: Reading, _nowMs: number, events: ChannelEvents): void {
    const net = this.net;
    for (let i = 0; i < NET_VALUES; i++) {
      const slot = this.netSlots[i];
      if (slot >= 0 && net.compute(reading, i)) this.add(events, slot, net.mantissa, net.exponent);
    }
    const energy = this.energySlot;
    if (reading.time.status !== TimeStatus.Valid || energy < 0 || reading.present[energy] === 0) return;
    const t = reading.time.epochSeconds;
    const offset = reading.time.offsetMinutes;
    const hours = this.hours;
    this.telegramTime = t;
    hours.sample(t, this.milliWattHours(reading, energy), offset);
    if (hours.closed !== HourClosed.None) this.hourEnded(events);
    const month = localMonth(t, offset, this.scratch);
    if (month > this.peaks.month) this.rollOver(month, events);
    this.hourUnderWay(reading, t);
    if (this.averageSlot >= 0 && Number.isFinite(this.averageW)) this.add(events, this.averageSlot, Math.round(this.averageW), 0);
    if (this.projectionSlot >= 0 && Number.isFinite(this.projectionW)) {
      this.add(events, this.projectionSlot, Math.round(this.projectionW), 0);
    }
  }

  onTick(_nowMs: number, _meterSilent: boolean, _events: ChannelEvents): void {}

  /** The retained tariff message into `buffer`; returns its length. */
  write(): number {
    this.changed = false;
    return this.json.write(this.peaks, this); // itself as the hour's figures: no object per write
  }

  private add(events: ChannelEvents, slot: number, mantissa: number, exponent: number): void {
    events.add(slot, mantissa, exponent);
    this.eventsAdded++;
  }

  /** The import register in mWh, an integer from the meter's digits (kWh with 3 decimals: Wh × 1000). */
  private milliWattHours(reading: Reading, slot: number): number {
    const e = reading.exponent[slot] + shiftOf(reading.unit[slot]) + 6;
    const m = reading.mantissa[slot];
    return e >= 0 ? m * 10 ** e : Math.round(m / 10 ** -e);
  }

  /** The hour that just ended: its average at its end (UTC s of the hour's end) and its place in the month. */
  private hourEnded(events: ChannelEvents): void {
    const hours = this.hours;
    const start = hours.closedStart;
    const offset = hours.closedOffsetMinutes;
    const peaks = this.peaks;
    const month = localMonth(start, offset, this.scratch);
    if (month > peaks.month) this.rollOver(month, events);
    this.changed = true;
    if (hours.closed === HourClosed.Complete) {
      // Stamped with the hour's end: in the telegram's own group when that telegram is on the boundary.
      if (this.hourlySlot >= 0) {
        if (this.telegramTime === start + HOUR_S) this.add(events, this.hourlySlot, hours.closedW, 0);
        else {
          events.addAt(start + HOUR_S, this.hourlySlot, hours.closedW, 0);
          this.eventsAdded++;
        }
      }
      if (month !== peaks.month) return; // an hour of an earlier month (the meter clock went back)
      const weighted = Math.round((hours.closedW * weightOf(this.rule, start, offset)) / 100);
      if (peaks.offer(start, offset, hours.closedW, weighted)) this.peaksChanged(events);
    } else if (month === peaks.month) {
      peaks.incomplete++;
    }
  }

  private rollOver(month: number, events: ChannelEvents): void {
    const peaks = this.peaks;
    const had = peaks.count > 0;
    peaks.rollOver(month);
    this.changed = true;
    if (had) this.peaksChanged(events);
  }

  /** The set changed: stored, and the billed average published (0 for a new month's empty set). */
  private peaksChanged(events: ChannelEvents): void {
    this.persist();
    const billed = this.peaks.billedW();
    if (this.peakSlot >= 0) this.add(events, this.peakSlot, Number.isNaN(billed) ? 0 : billed, 0);
  }

  private hourUnderWay(reading: Reading, t: number): void {
    const hours = this.hours;
    const power = this.powerSlot >= 0 && reading.present[this.powerSlot] === 1 ? reading.canonicalValueOf(this.powerSlot) : Number.NaN;
    const average = hours.averageW;
    const projection = hours.projectionW(t, power);
    this.averageW = average;
    this.projectionW = projection;
    const weight = weightOf(this.rule, hours.hourStart, hours.hourOffsetMinutes);
    this.weight = weight;
    this.hourAverageW = (average * weight) / 100;
    this.hourProjectionW = (projection * weight) / 100;
    this.guardPeakW = this.peaks.guardW(localDay(hours.hourStart, hours.hourOffsetMinutes));
    if (t - this.refreshedAt >= REFRESH_S || t < this.refreshedAt) {
      this.refreshedAt = t;
      this.changed = true;
    }
  }

  private load(): void {
    const store = this.store;
    if (store === undefined) return;
    let text: unknown;
    try {
      text = store.get(TARIFF_STORE_KEY);
    } catch (error) {
      this.storeFailed(`cannot be read (${errorMessage(error)}); the month's peaks start empty`);
      return;
    }
    if (text === undefined) return;
    const problem = this.peaks.decode(text);
    if (problem !== "") this.storeFailed(`ignored (${problem}); the month's peaks start empty`);
  }

  private persist(): void {
    const store = this.store;
    if (store === undefined) return;
    try {
      store.set(TARIFF_STORE_KEY, this.peaks.encode());
    } catch (error) {
      this.storeFailed(`not stored (${errorMessage(error)}); kept in memory`);
    }
  }

  private storeFailed(what: string): void {
    this.storeErrors++;
    try {
      this.report(`tariff: stored peaks ${what}`);
    } catch {
      // a report that fails must not stop the source
    }
  }
}
