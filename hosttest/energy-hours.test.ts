// Hourly averages from the import register in meter time: boundaries, gaps, resets, DST days; the running hour.
import { describe, expect, it } from "vitest";
import { EnergySource } from "../modules/energy/energy-source";
import { HourClosed, HourMeter } from "../modules/energy/hour-meter";
import { EnergyBench, kW, kWh, swedishClock, swedishOffset, telegram } from "./energy-telegram";

const H = 3600;
/** 2026-01-14 09:00 UTC (10:00 in Sweden, winter time). */
const T = Date.UTC(2026, 0, 14, 9) / 1000;

/** Feeds telegrams every `step` s from `from` to `to` (exclusive) at a constant import of `watts`, starting at `startWh`. */
function run(source: EnergySource, bench: EnergyBench, from: number, to: number, step: number, watts: number, startWh: number): number {
  let wh = startWh;
  for (let t = from; t < to; t += step) {
    wh = startWh + Math.floor(((t - from) * watts) / H);
    source.onTelegram(bench.parse(telegram(t, { "1-0:1.8.0": kWh(wh), "1-0:1.7.0": kW(watts), "1-0:2.7.0": kW(0) })), 0, bench);
  }
  return wh;
}

function setup(): { bench: EnergyBench; source: EnergySource } {
  const bench = new EnergyBench();
  return { bench, source: new EnergySource(bench.mapping, { topic: "t" }) };
}

describe("hourly average", () => {
  it("is the register's Wh delta over exactly one hour, stamped at the hour's end", () => {
    const { bench, source } = setup();
    run(source, bench, T - 60, T + H + 20, 10, 3600, 1_000_000); // 1 Wh per second: 3600 W
    // The telegram on the boundary carries it in its own group, with its time: the hour's end.
    expect(bench.of("hourly")).toEqual([{ key: "hourly", mantissa: 3600, exponent: 0, at: T + H, own: false }]);
  });

  it("has a time of its own (the hour's end) when no telegram falls on the boundary", () => {
    const { bench, source } = setup();
    run(source, bench, T - 5, T + H + 20, 10, 3600, 1_000_000); // telegrams at …:55 and …:05
    run(source, bench, T + H + 25, T + 2 * H + 20, 10, 3600, 1_000_000 + 3600 + 30);
    expect(bench.of("hourly").map((e) => [e.mantissa, e.at, e.own])).toEqual([
      [3600, T + H, true],
      [3600, T + 2 * H, true],
    ]);
  });

  it("is exact when the register is stepped by whole Wh over the hour (1234 Wh → 1234 W)", () => {
    const meter = new HourMeter();
    meter.sample(T - 10, 5_000_000_000, 60);
    meter.sample(T, 5_000_000_000, 60);
    meter.sample(T + 1800, 5_000_617_000, 60);
    meter.sample(T + H, 5_001_234_000, 60);
    expect([meter.closed, meter.closedStart, meter.closedW]).toEqual([HourClosed.Complete, T, 1234]);
  });

  it("interpolates the boundary between telegrams not aligned to it (within the tolerance)", () => {
    const meter = new HourMeter();
    meter.sample(T - 3, 0, 60);
    meter.sample(T + 7, 10_000, 60); // 1 Wh/s: the boundary is at 3 Wh = 3000 mWh
    meter.sample(T + H - 3, 3_600_000, 60);
    meter.sample(T + H + 7, 3_610_000, 60); // boundary at 3_603_000 mWh
    expect([meter.closed, meter.closedW]).toEqual([HourClosed.Complete, 3600]);
  });

  it("marks an hour with a gap across a boundary beyond the tolerance incomplete, and the next one too", () => {
    const { bench, source } = setup();
    run(source, bench, T, T + H - 40, 10, 1000, 0); // stops 40 s before the boundary …
    run(source, bench, T + H + 30, T + 2 * H + 30, 10, 1000, 1200); // … resumes 30 s after it: 70 s apart
    expect(bench.of("hourly")).toEqual([]);
    expect(source.peaks.incomplete).toBe(2);
  });

  it("marks an hour in which the register goes backwards (meter restart or exchange) incomplete", () => {
    const { bench, source } = setup();
    run(source, bench, T, T + 1800, 10, 2000, 500_000);
    run(source, bench, T + 1800, T + 2 * H + 10, 10, 2000, 1_000); // register restarted low, then counts on
    expect(source.peaks.incomplete).toBe(1);
    expect(bench.of("hourly").map((e) => [e.mantissa, e.at])).toEqual([[2000, T + 2 * H]]);
  });

  it("treats a register jumping forward beyond any household's import (a meter exchange) like a reset", () => {
    const meter = new HourMeter();
    meter.sample(T, 0, 60);
    meter.sample(T + 10, 10_000, 60);
    meter.sample(T + 20, 5_000_000_000, 60); // 5 MWh in 10 s
    meter.sample(T + H, 5_003_000_000, 60);
    expect(meter.closed).toBe(HourClosed.Incomplete);
  });

  it("marks the hour of a clock jump incomplete (meter time backwards, or forward by hours)", () => {
    const meter = new HourMeter();
    meter.sample(T, 0, 60);
    meter.sample(T + 600, 100_000, 60);
    meter.sample(T - 2 * H, 100_000, 60);
    expect([meter.closed, meter.closedStart]).toEqual([HourClosed.Incomplete, T]);
    meter.sample(T + 5 * H, 200_000, 60);
    expect([meter.closed, meter.closedStart]).toEqual([HourClosed.Incomplete, T - 2 * H]);
  });

  it("does not mark a gap inside an hour: the register counted on", () => {
    const meter = new HourMeter();
    meter.sample(T, 0, 60);
    meter.sample(T + 60, 60_000, 60);
    meter.sample(T + 3000, 3_000_000, 60); // 49 minutes without telegrams
    meter.sample(T + H, 3_600_000, 60);
    expect([meter.closed, meter.closedW]).toEqual([HourClosed.Complete, 3600]);
  });

  it("does not count the first hour after start (its start is unknown) unless a telegram falls on its boundary", () => {
    const late = new HourMeter();
    late.sample(T + 5, 0, 60);
    late.sample(T + H, 1_000_000, 60);
    expect(late.closed).toBe(HourClosed.Incomplete);
    const onTime = new HourMeter();
    onTime.sample(T, 0, 60);
    onTime.sample(T + H, 1_000_000, 60);
    expect([onTime.closed, onTime.closedW]).toEqual([HourClosed.Complete, 1000]);
  });
});

describe("hours on Swedish daylight-saving days (meter time with W/S flags)", () => {
  it("the last Sunday of March has 23 hours: 02:00 local does not exist, every hour is complete", () => {
    const day = Date.UTC(2026, 2, 28, 23) / 1000; // 2026-03-29 00:00 CET
    expect(swedishClock(day + H)).toBe("260329010000W");
    expect(swedishClock(day + 2 * H)).toBe("260329030000S");
    const { bench, source } = setup();
    run(source, bench, day, day + 23 * H + 10, 10, 720, 0);
    const hours = bench.of("hourly");
    expect(hours).toHaveLength(23);
    expect(hours.every((e) => e.mantissa === 720)).toBe(true);
    expect(hours.map((e) => e.at! - H)).toEqual(Array.from({ length: 23 }, (_, i) => day + i * H));
    expect(source.peaks.incomplete).toBe(0);
  });

  it("the last Sunday of October has 25 hours: 02:00–03:00 local twice, both complete and distinct", () => {
    const day = Date.UTC(2026, 9, 24, 22) / 1000; // 2026-10-25 00:00 CEST
    expect(swedishOffset(day + H - 1)).toBe(120);
    expect(swedishClock(day + 2 * H)).toBe("261025020000S");
    expect(swedishClock(day + 3 * H)).toBe("261025020000W");
    const { bench, source } = setup();
    run(source, bench, day, day + 25 * H + 10, 10, 360, 0);
    const hours = bench.of("hourly");
    expect(hours).toHaveLength(25);
    expect(new Set(hours.map((e) => e.at)).size).toBe(25);
    expect(hours.every((e) => e.mantissa === 360)).toBe(true);
    expect(source.peaks.incomplete).toBe(0);
  });
});

describe("the hour under way", () => {
  it("publishes its average so far and the projection to its end every telegram", () => {
    const { bench, source } = setup();
    // From the boundary: 1800 s at 2000 W (1000 Wh), then the meter shows 4000 W.
    source.onTelegram(bench.parse(telegram(T, { "1-0:1.8.0": kWh(10_000), "1-0:1.7.0": kW(2000) })), 0, bench);
    expect(bench.of("hourAvg")).toEqual([]); // no time has passed
    expect(bench.of("hourProj").map((e) => e.mantissa)).toEqual([2000]);
    bench.clear();
    source.onTelegram(bench.parse(telegram(T + 1800, { "1-0:1.8.0": kWh(11_000), "1-0:1.7.0": kW(4000) })), 0, bench);
    expect(bench.of("hourAvg").map((e) => [e.mantissa, e.at, e.own])).toEqual([[2000, T + 1800, false]]);
    // 1000 Wh so far + 4000 W for the remaining half hour = 3000 Wh over the hour.
    expect(bench.of("hourProj").map((e) => e.mantissa)).toEqual([3000]);
    expect([source.hourAverageW, source.hourProjectionW]).toEqual([2000, 3000]);
  });

  it("after a restart covers the part of the hour seen since telegrams came", () => {
    const { bench, source } = setup();
    source.onTelegram(bench.parse(telegram(T + 1200, { "1-0:1.8.0": kWh(10_000), "1-0:1.7.0": kW(1000) })), 0, bench);
    expect(bench.of("hourAvg")).toEqual([]);
    expect(bench.of("hourProj")).toEqual([]); // nothing to say yet
    source.onTelegram(bench.parse(telegram(T + 1200 + 360, { "1-0:1.8.0": kWh(10_100), "1-0:1.7.0": kW(1000) })), 0, bench);
    expect(bench.of("hourAvg").map((e) => e.mantissa)).toEqual([1000]);
    expect(bench.of("hourProj").map((e) => e.mantissa)).toEqual([1000]);
    expect(source.complete).toBe(false);
  });
});
