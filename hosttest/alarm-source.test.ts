// The alarm conditions against their thresholds: hysteresis, minimum duration, one event per transition.
import { describe, expect, it } from "vitest";
import type { ChannelEvents } from "../modules/app/channel-queue";
import { ALARM_CHANNELS, AlarmType, Condition, activeAlarmLabels } from "../modules/alarm/channels";
import { AlarmSource } from "../modules/alarm/source";
import type { AlarmSettings } from "../modules/alarm/settings";
import { defaultSettings } from "../modules/config/schema";
import type { TariffView } from "../modules/energy/tariff-view";
import { ObisCatalog } from "../modules/p1/obis-catalog";
import { TelegramParser } from "../modules/p1/parser";
import { Reading } from "../modules/p1/reading";
import { statusView } from "../modules/setup/status-view";
import { ChannelKind, isChannelKey } from "../modules/vscp/channels";
import { VscpMapping } from "../modules/vscp/mapping";
import { swedishTelegram, type MeterValues } from "./sim/swedish-telegram";

const catalog = new ObisCatalog();
const mapping = new VscpMapping(catalog, { mac: "24:0A:C4:12:34:56" }, ALARM_CHANNELS);
const parser = new TelegramParser(catalog);
const START = Date.UTC(2025, 0, 15, 12, 0, 0);

/** A quiet telegram: 5 A, 230 V and 1.15 kW import on every phase, nothing exported. */
function values(change: Partial<MeterValues> = {}): MeterValues {
  return {
    time: new Date(START),
    importKwh: 1000,
    exportKwh: 10,
    reactiveImportKvarh: 0,
    reactiveExportKvarh: 0,
    importKw: [1.15, 1.15, 1.15],
    exportKw: [0, 0, 0],
    reactiveImportKvar: [0, 0, 0],
    reactiveExportKvar: [0, 0, 0],
    volts: [230, 230, 230],
    amps: [5, 5, 5],
    ...change,
  };
}

/** Records what the source adds, as [key, data byte]. */
class Recorder implements ChannelEvents {
  readonly events: [string, number][] = [];
  add(slot: number, mantissa: number, exponent: number): void {
    expect(exponent).toBe(0);
    this.events.push([mapping.codeOf(slot), mantissa]);
  }
  addAt(): void {
    throw new Error("alarms have no events of their own time");
  }
}

function harness(change: Partial<AlarmSettings>, tariff?: TariffView) {
  const settings = { ...defaultSettings(), alarmMinS: 30, ...change };
  const source = new AlarmSource(mapping, settings, tariff);
  const recorder = new Recorder();
  const health = { alarms: -1 };
  source.attach(health);
  const reading = new Reading(catalog);
  let now = 0;
  return {
    source,
    health,
    events: recorder.events,
    /** One telegram per 10 s (the Swedish meters' period). */
    feed(change: Partial<MeterValues>, times = 1): void {
      const bytes = Buffer.from(swedishTelegram(values(change)), "latin1");
      for (let i = 0; i < times; i++) {
        parser.parse(bytes, bytes.length, reading);
        source.onTelegram(reading, now, recorder);
        now += 10_000;
      }
    },
    tick(silent: boolean): void {
      source.onTick(now, silent, recorder);
      now += 1000;
    },
  };
}

describe("alarm channels", () => {
  it("are CLASS1.ALARM channels with sensor indexes 128–159 and keys the mapping takes", () => {
    const indexes = ALARM_CHANNELS.map((c) => c.sensorIndex);
    expect(new Set(indexes).size).toBe(ALARM_CHANNELS.length);
    for (const channel of ALARM_CHANNELS) {
      expect(channel.kind).toBe(ChannelKind.Alarm);
      expect([AlarmType.Warning, AlarmType.Alarm]).toContain(channel.vscpType);
      expect(channel.sensorIndex).toBeGreaterThanOrEqual(128);
      expect(channel.sensorIndex).toBeLessThanOrEqual(159);
      expect(isChannelKey(channel.key), channel.key).toBe(true);
    }
    expect(ALARM_CHANNELS).toHaveLength(Condition.Count);
    expect(ALARM_CHANNELS[Condition.MeterSilent].key).toBe("meterSilent");
    expect(ALARM_CHANNELS[Condition.TariffGuard].key).toBe("tariffGuard");
    expect(activeAlarmLabels(2 ** Condition.FuseAlarmL1 + 2 ** Condition.MeterSilent)).toEqual([
      "Current at the main fuse L1",
      "Meter silent",
    ]);
  });
});

describe("alarm source", () => {
  it("warns at the share of the fuse and alarms at the fuse, after the minimum duration, and ends each once", () => {
    const h = harness({ fuseA: 20 }); // warning at 18 A, cleared below 17.64 A; alarm at 20 A, cleared below 19.6 A
    h.feed({ amps: [17.9, 5, 5] }, 10);
    expect(h.events).toEqual([]);
    h.feed({ amps: [18, 5, 5] }, 3); // 0 s, 10 s, 20 s: not yet 30 s
    expect(h.events).toEqual([]);
    h.feed({ amps: [18, 5, 5] });
    expect(h.events).toEqual([["fuseWarnL1", 1]]);
    h.feed({ amps: [25, 5, 5] }, 4);
    expect(h.events).toEqual([
      ["fuseWarnL1", 1],
      ["fuseAlarmL1", 1],
    ]);
    expect(h.health.alarms).toBe(2 ** Condition.FuseWarnL1 + 2 ** Condition.FuseAlarmL1);
    h.feed({ amps: [19.6, 5, 5] }, 10); // inside the hysteresis: still an alarm
    expect(h.events).toHaveLength(2);
    h.feed({ amps: [19.5, 5, 5] }, 4);
    expect(h.events.slice(2)).toEqual([["fuseAlarmL1", 0]]);
    h.feed({ amps: [10, 5, 5] }, 4);
    expect(h.events.slice(3)).toEqual([["fuseWarnL1", 0]]);
    expect(h.health.alarms).toBe(0);
    expect(h.source.started).toBe(2);
  });

  it("makes no events for a current hovering at the threshold, on either side of it", () => {
    const h = harness({ fuseA: 16 });
    for (let i = 0; i < 60; i++) h.feed({ amps: [i % 2 ? 16 : 15.9, 5, 5] }); // alarm: beyond, then not
    expect(h.events.filter(([key]) => key === "fuseAlarmL1")).toEqual([]);
    h.feed({ amps: [16, 5, 5] }, 4);
    const started = h.events.length;
    for (let i = 0; i < 60; i++) h.feed({ amps: [i % 2 ? 15.7 : 15.6, 5, 5] }); // clear below 15.68: every other one
    expect(h.events).toHaveLength(started);
    expect(h.source.isActive(Condition.FuseAlarmL1)).toBe(true);
  });

  it("without a minimum duration still makes one event per crossing of the hysteresis band", () => {
    const h = harness({ fuseA: 16, alarmMinS: 0 });
    for (let i = 0; i < 40; i++) h.feed({ amps: [5, i % 2 ? 16 : 15.9, 5] });
    expect(h.events.filter(([key]) => key === "fuseAlarmL2")).toEqual([["fuseAlarmL2", 1]]);
    h.feed({ amps: [5, 15.6, 5] });
    expect(h.events.filter(([key]) => key === "fuseAlarmL2")).toEqual([
      ["fuseAlarmL2", 1],
      ["fuseAlarmL2", 0],
    ]);
  });

  it("watches each phase's voltage against nominal ± the band (EN 50160: 207–253 V by default)", () => {
    const h = harness({});
    h.feed({ volts: [253, 207, 230] }, 10); // on the band's edges: inside
    expect(h.events).toEqual([]);
    h.feed({ volts: [253.1, 230, 206.9] }, 4);
    expect(h.events).toEqual([
      ["voltBandL1", 1],
      ["voltBandL3", 1],
    ]);
    h.feed({ volts: [248, 230, 211] }, 10); // not back by 2 % yet (247.9 V, 211.1 V)
    expect(h.events).toHaveLength(2);
    h.feed({ volts: [247.9, 230, 211.2] }, 4);
    expect(h.events.slice(2)).toEqual([
      ["voltBandL1", 0],
      ["voltBandL3", 0],
    ]);
  });

  it("compares net import and export with their limits, exactly at the limit", () => {
    const h = harness({ importMaxW: 5000, exportMaxW: 3000 });
    h.feed({ importKw: [2, 2, 1.5], exportKw: [0, 0, 0.5] }, 5); // 5500 W imported, 500 W exported: 5000 W net
    expect(h.events).toEqual([["importLimit", 1]]);
    h.feed({ importKw: [1, 1, 1], exportKw: [0, 0, 0] }, 4);
    h.events.length = 0;
    h.feed({ importKw: [2, 2, 0.5], exportKw: [0, 0, 0.5] }, 5);
    expect(h.events).toEqual([]);
    h.feed({ importKw: [2, 2, 1], exportKw: [0, 0, 0] }, 4);
    expect(h.events).toEqual([["importLimit", 1]]);
    h.feed({ importKw: [0, 0, 0], exportKw: [1, 1, 1] }, 4);
    expect(h.events.slice(1)).toEqual([
      ["importLimit", 0],
      ["exportLimit", 1],
    ]);
  });

  it("guards the capacity tariff: the hour's projection against the month's counted peak, off without a view", () => {
    const view = { hourAverageW: 2000, hourProjectionW: 4000, guardPeakW: 5000 };
    const h = harness({ guardPct: 90 }, view); // warning at 4500 W, cleared below 4410 W
    h.feed({}, 5);
    view.hourProjectionW = 4500;
    h.feed({}, 4);
    expect(h.events).toEqual([["tariffGuard", 1]]);
    view.hourProjectionW = Number.NaN; // a new hour without a projection yet: nothing to guard
    h.feed({}, 4);
    expect(h.events).toEqual([
      ["tariffGuard", 1],
      ["tariffGuard", 0],
    ]);
    view.hourProjectionW = 9000;
    view.guardPeakW = Number.NaN; // fewer peaks than the rule counts
    h.feed({}, 10);
    expect(h.events).toHaveLength(2);
    const without = harness({ guardPct: 90 });
    without.feed({ importKw: [9, 9, 9] }, 10);
    expect(without.events).toEqual([]);
  });

  it("raises meter silent when the bridge says so and ends it with the next telegram, once", () => {
    const h = harness({});
    h.tick(false);
    h.tick(true);
    h.tick(true);
    expect(h.events).toEqual([["meterSilent", 1]]);
    expect(h.health.alarms).toBe(2 ** Condition.MeterSilent);
    h.feed({});
    h.tick(false);
    expect(h.events).toEqual([
      ["meterSilent", 1],
      ["meterSilent", 0],
    ]);
  });

  it("switches conditions off with 0 and holds its state while a value is missing", () => {
    const h = harness({ fuseA: 0, voltBandPct: 0 });
    h.feed({ amps: [90, 90, 90], volts: [300, 300, 100] }, 10);
    expect(h.events).toEqual([]);
    const withFuse = harness({ fuseA: 16, alarmMinS: 0 });
    withFuse.feed({ amps: [20, 5, 5] });
    const reading = new Reading(catalog); // a telegram without currents
    withFuse.source.onTelegram(reading, 1e6, { add: () => expect.unreachable(), addAt: () => expect.unreachable() });
    expect(withFuse.source.isActive(Condition.FuseAlarmL1)).toBe(true);
  });

  it("names the active alarms on the status page", () => {
    const view = statusView({
      firmware: "1",
      board: "b",
      mode: "normal",
      uptimeS: 1,
      meter: { header: "", lastTelegram: "", lastTelegramAgeS: 0, values: [] },
      wifi: { ssid: "", rssi: -50, address: "" },
      mqtt: { state: "connected", broker: "", lastError: "" },
      health: { alarms: 2 ** Condition.VoltBandL1 + 2 ** Condition.TariffGuard },
    }) as { alarms: string[] };
    expect(view.alarms).toEqual(["Voltage outside its band L1", "Hour heading above the tariff peak"]);
  });
});
