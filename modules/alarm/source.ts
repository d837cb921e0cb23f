import type { ChannelEvents, ChannelSource } from "../app/channel-queue";
import type { TariffView } from "../energy/tariff-view";
import type { Reading } from "../p1/reading";
import type { VscpMapping } from "../vscp/mapping";
import { ALARM_CHANNELS, Condition } from "./channels";
import { DebouncedStates, Level, Transition, levelAbove } from "./debounce";
import type { AlarmSettings } from "./settings";

const CURRENT = ["1-0:31.7.0", "1-0:51.7.0", "1-0:71.7.0"];
const VOLTAGE = ["1-0:32.7.0", "1-0:52.7.0", "1-0:72.7.0"];
const POWER_IMPORT = "1-0:1.7.0";
const POWER_EXPORT = "1-0:2.7.0";

/** Where the current alarm state is shown (the bridge's health counters). */
export interface AlarmStateSink {
  alarms: number;
}

/**
 * Watches each telegram's currents, voltages and power (and the capacity tariff's running hour, when the energy
 * module provides it) against the settings' thresholds, and the bridge's meter-silent flag between telegrams.
 * Each condition publishes its CLASS1.ALARM event with data byte 1 when it starts and 0 when it ends, once per
 * transition; zone and subzone come from the mapping. Allocates nothing per telegram or tick.
 */
export class AlarmSource implements ChannelSource {
  /** Bit n set while ALARM_CHANNELS[n] is active. */
  mask = 0;
  /** Conditions started since boot. */
  started = 0;
  /** Alarm events handed to the bridge since boot (starts and ends). */
  eventsAdded = 0;
  private readonly states: DebouncedStates;
  private readonly slots: Int32Array;
  private readonly currentSlots: Int32Array;
  private readonly voltageSlots: Int32Array;
  private readonly importSlot: number;
  private readonly exportSlot: number;
  private readonly fuseOn: boolean;
  private readonly warnLimit: number;
  private readonly warnClear: number;
  private readonly fuseLimit: number;
  private readonly fuseClear: number;
  private readonly voltOn: boolean;
  private readonly voltHigh: number;
  private readonly voltLow: number;
  private readonly voltClearHigh: number;
  private readonly voltClearLow: number;
  private readonly importLimit: number;
  private readonly importClear: number;
  private readonly exportLimit: number;
  private readonly exportClear: number;
  private readonly guardShare: number;
  private readonly keep: number;
  private sink: AlarmStateSink | undefined = undefined;

  /** `tariff`: the energy module's view of the running hour; without it the capacity-tariff guard stays off. */
  constructor(
    mapping: VscpMapping,
    settings: AlarmSettings,
    private readonly tariff: TariffView | undefined = undefined,
  ) {
    this.states = new DebouncedStates(Condition.Count, settings.alarmMinS * 1000);
    this.slots = Int32Array.from(ALARM_CHANNELS, (channel) => mapping.slotOf(channel.key));
    this.currentSlots = Int32Array.from(CURRENT, (code) => mapping.slotOf(code));
    this.voltageSlots = Int32Array.from(VOLTAGE, (code) => mapping.slotOf(code));
    this.importSlot = mapping.slotOf(POWER_IMPORT);
    this.exportSlot = mapping.slotOf(POWER_EXPORT);
    // Each condition clears once its value is back inside the threshold by this share of it.
    const keep = (100 - settings.alarmHystPct) / 100;
    const give = (100 + settings.alarmHystPct) / 100;
    this.keep = keep;
    this.fuseOn = settings.fuseA > 0;
    this.fuseLimit = settings.fuseA;
    this.fuseClear = settings.fuseA * keep;
    this.warnLimit = (settings.fuseA * settings.fuseWarnPct) / 100;
    this.warnClear = this.warnLimit * keep;
    this.voltOn = settings.voltBandPct > 0;
    this.voltHigh = (settings.voltNominal * (100 + settings.voltBandPct)) / 100;
    this.voltLow = (settings.voltNominal * (100 - settings.voltBandPct)) / 100;
    this.voltClearHigh = this.voltHigh * keep;
    this.voltClearLow = this.voltLow * give;
    this.importLimit = settings.importMaxW > 0 ? settings.importMaxW : Number.POSITIVE_INFINITY;
    this.importClear = settings.importMaxW * keep;
    this.exportLimit = settings.exportMaxW > 0 ? settings.exportMaxW : Number.POSITIVE_INFINITY;
    this.exportClear = settings.exportMaxW * keep;
    this.guardShare = tariff !== undefined && settings.guardPct > 0 ? settings.guardPct / 100 : 0;
  }

  /** Shows the state in these counters from now on (the bridge's health, built after this source). */
  attach(sink: AlarmStateSink): void {
    this.sink = sink;
    sink.alarms = this.mask;
  }

  /** True while condition `c` (an index of ALARM_CHANNELS) is active. */
  isActive(c: number): boolean {
    return this.states.active[c] === 1;
  }

  onTelegram(reading: Reading, nowMs: number, events: ChannelEvents): void {
    this.emit(Condition.MeterSilent, this.states.end(Condition.MeterSilent), events);
    for (let phase = 0; phase < 3; phase++) {
      if (this.fuseOn) {
        const amps = presentValue(reading, this.currentSlots[phase]);
        this.check(Condition.FuseWarnL1 + phase, levelAbove(amps, this.warnLimit, this.warnClear), nowMs, events);
        this.check(Condition.FuseAlarmL1 + phase, levelAbove(amps, this.fuseLimit, this.fuseClear), nowMs, events);
      }
      if (this.voltOn)
        this.check(Condition.VoltBandL1 + phase, this.voltageLevel(presentValue(reading, this.voltageSlots[phase])), nowMs, events);
    }
    const imported = presentValue(reading, this.importSlot);
    const exportSlot = this.exportSlot;
    const exported = exportSlot >= 0 && reading.present[exportSlot] === 1 ? reading.canonicalValueOf(exportSlot) : 0; // import-only meters
    if (this.importLimit < Number.POSITIVE_INFINITY)
      this.check(Condition.ImportLimit, levelAbove(imported - exported, this.importLimit, this.importClear), nowMs, events);
    if (this.exportLimit < Number.POSITIVE_INFINITY)
      this.check(Condition.ExportLimit, levelAbove(exported - imported, this.exportLimit, this.exportClear), nowMs, events);
    if (this.guardShare > 0) this.check(Condition.TariffGuard, this.guardLevel(), nowMs, events);
  }

  onTick(_nowMs: number, meterSilent: boolean, events: ChannelEvents): void {
    // The bridge has already waited `silentAfter` seconds: that is this condition's minimum duration.
    const states = this.states;
    this.emit(Condition.MeterSilent, meterSilent ? states.start(Condition.MeterSilent) : states.end(Condition.MeterSilent), events);
  }

  private voltageLevel(volts: number): number {
    if (Number.isNaN(volts)) return Level.Hold;
    if (volts > this.voltHigh || volts < this.voltLow) return Level.Beyond;
    return volts <= this.voltClearHigh && volts >= this.voltClearLow ? Level.Clear : Level.Hold;
  }

  /** The hour's projection against the month's Nth peak; no projection or no peak yet: nothing to guard. */
  private guardLevel(): number {
    const view = this.tariff!;
    const limit = view.guardPeakW * this.guardShare;
    const projection = view.hourProjectionW;
    if (Number.isNaN(limit) || Number.isNaN(projection)) return Level.Clear;
    return levelAbove(projection, limit, limit * this.keep);
  }

  private check(c: number, level: number, nowMs: number, events: ChannelEvents): void {
    this.emit(c, this.states.update(c, level, nowMs), events);
  }

  private emit(c: number, transition: number, events: ChannelEvents): void {
    if (transition === Transition.None) return;
    const bit = 2 ** c;
    if (transition === Transition.Started) {
      this.mask += bit;
      this.started++;
    } else this.mask -= bit;
    if (this.sink !== undefined) this.sink.alarms = this.mask;
    const slot = this.slots[c];
    if (slot < 0) return; // a mapping without alarm channels
    events.add(slot, transition === Transition.Started ? 1 : 0, 0);
    this.eventsAdded++;
  }
}

/** A value of this telegram in its canonical unit (A, V, W), or NaN when the meter did not send it. */
function presentValue(reading: Reading, slot: number): number {
  return slot >= 0 && reading.present[slot] === 1 ? reading.canonicalValueOf(slot) : Number.NaN;
}
