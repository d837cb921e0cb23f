// Capacity tariff: the rule models, top N on different days, month rollover, persistence, the retained JSON.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { KeyValueStore } from "../modules/config/key-value-store";
import { EnergySource, TARIFF_STORE_KEY } from "../modules/energy/energy-source";
import { MonthPeaks } from "../modules/energy/month-peaks";
import { ALL_HOURS, type TariffRule, weightOf } from "../modules/energy/tariff-rule";
import { EnergyBench, kW, kWh, telegram } from "./energy-telegram";
import { REPO } from "./support/p1";

const H = 3600;
/** 2026-01-12 00:00 in Sweden (a Monday, winter time) in UTC seconds. */
const MONDAY = Date.UTC(2026, 0, 11, 23) / 1000;
const WEEKDAY_WINDOW: TariffRule = { ...ALL_HOURS, weekdaysOnly: true, fromHour: 7, toHour: 19 };
const ELLEVIO: TariffRule = { ...ALL_HOURS, nightWeight: 50, nightFrom: 22, nightTo: 6 };

class MapStore implements KeyValueStore {
  readonly map = new Map<string, string | number | boolean>();
  writes = 0;
  failing = false;
  get(key: string) {
    return this.map.get(key);
  }
  set(key: string, value: string | number | boolean) {
    if (this.failing) throw new Error("nvs full");
    this.writes++;
    this.map.set(key, value);
  }
  delete(key: string) {
    this.map.delete(key);
  }
  keys() {
    return [...this.map.keys()];
  }
}

/** Feeds one telegram on each hour boundary from `start`: hour i averages watts[i] (complete hours only). */
class Meter {
  readonly bench = new EnergyBench();
  readonly source: EnergySource;
  readonly problems: string[] = [];
  wh = 1_000_000;
  t: number;
  constructor(
    start: number,
    rule: TariffRule = ALL_HOURS,
    readonly store?: MapStore,
  ) {
    this.t = start;
    this.source = new EnergySource(this.bench.mapping, {
      topic: "p1vscp/240AC4123456/tariff",
      rule,
      store,
      report: (p) => this.problems.push(p),
    });
    this.feed();
  }
  hours(watts: readonly number[]): this {
    for (const w of watts) {
      this.wh += w;
      this.t += H;
      this.feed();
    }
    return this;
  }
  /** Jumps to `t` without a figure for the hours in between (the meter was away). */
  jump(t: number): this {
    this.t = t;
    this.feed();
    return this;
  }
  feed(): void {
    this.source.onTelegram(this.bench.parse(telegram(this.t, { "1-0:1.8.0": kWh(this.wh), "1-0:1.7.0": kW(0) })), 0, this.bench);
  }
  json(): any {
    return JSON.parse(Buffer.from(this.source.buffer.subarray(0, this.source.write())).toString());
  }
  peaks(): number[][] {
    const p = this.source.peaks;
    return Array.from({ length: p.count }, (_, i) => [p.watts[i], p.weighted[i]]);
  }
}

/** 24 hourly averages: `base` everywhere, `at` → value for the given local hours. */
function day(base: number, at: Record<number, number> = {}): number[] {
  return Array.from({ length: 24 }, (_, h) => at[h] ?? base);
}

describe("tariff rules", () => {
  it("weigh hours as the three Swedish models do (local time, weekdays, night window wrapping midnight)", () => {
    const monday = (hour: number) => MONDAY + hour * H;
    const saturday = (hour: number) => MONDAY + 5 * 24 * H + hour * H;
    expect([monday(3), monday(12), saturday(12)].map((t) => weightOf(ALL_HOURS, t, 60))).toEqual([100, 100, 100]);
    expect([monday(6), monday(7), monday(18), monday(19), saturday(12)].map((t) => weightOf(WEEKDAY_WINDOW, t, 60))).toEqual([
      0, 100, 100, 0, 0,
    ]);
    expect([monday(21), monday(22), monday(23), monday(0), monday(5), monday(6)].map((t) => weightOf(ELLEVIO, t, 60))).toEqual([
      100, 50, 50, 50, 50, 100,
    ]);
  });

  it("all hours: the month's top 3 on different days, averaged", () => {
    const m = new Meter(MONDAY)
      .hours(day(1000, { 17: 5000, 18: 6000 }))
      .hours(day(1000, { 8: 4000 }))
      .hours(day(1000, { 20: 3000 }));
    m.hours(day(1000, { 9: 3500 }));
    expect(m.peaks()).toEqual([
      [6000, 6000],
      [4000, 4000],
      [3500, 3500],
    ]); // Monday's 5000 W is not a second peak of Monday; Wednesday's 3000 W fell out
    expect(m.source.peaks.billedW()).toBe(4500);
    expect(m.bench.of("peakAvg").at(-1)!.mantissa).toBe(4500);
  });

  it("weekday window: only 07–19 on Monday to Friday counts", () => {
    const m = new Meter(MONDAY, WEEKDAY_WINDOW).hours(day(1000, { 6: 9000, 19: 9000, 10: 2000 }));
    m.hours(day(0)).hours(day(0)).hours(day(0)).hours(day(0)); // to Saturday 00:00
    m.hours(day(0, { 12: 9999 })); // a Saturday
    expect(m.peaks()).toEqual([[2000, 2000]]);
  });

  it("Ellevio: night hours 22–06 at half weight, the peak kept with its measured and weighted value", () => {
    const m = new Meter(MONDAY, ELLEVIO).hours(day(500, { 23: 8000, 12: 3000 }));
    expect(m.peaks()).toEqual([[8000, 4000]]); // Monday: the night hour's 4000 weighted beats 3000
    m.hours(day(500, { 2: 5000, 12: 3000 }));
    expect(m.peaks()).toEqual([
      [8000, 4000],
      [3000, 3000],
    ]);
  });

  it("counts every hour per day when `perDay` is off", () => {
    const peaks = new MonthPeaks(3, false);
    for (const [hour, w] of [
      [1, 100],
      [2, 300],
      [3, 200],
      [4, 50],
    ])
      peaks.offer(MONDAY + hour * H, 60, w, w);
    expect(Array.from(peaks.weighted.subarray(0, peaks.count))).toEqual([300, 200, 100]);
    expect(peaks.guardW(0)).toBe(100);
  });
});

describe("the capacity-tariff guard (TariffView)", () => {
  it("is the lowest peak once N are there, or the day's own peak when it has one", () => {
    const m = new Meter(MONDAY).hours(day(1000, { 10: 4000 })).hours(day(1000, { 10: 3000 }));
    expect(m.source.guardPeakW).toBeNaN(); // two of three: any hour would enter
    m.hours(day(1000, { 10: 2000 })).hours(day(500).slice(0, 12)); // Thursday noon
    expect(m.source.guardPeakW).toBe(2000);
    m.hours([2500]);
    expect(m.source.guardPeakW).toBe(2500); // Thursday now has its own peak
  });
});

describe("month rollover in meter time", () => {
  it("starts an empty set at local midnight of the 1st and publishes the billed average as 0", () => {
    const lastDay = Date.UTC(2026, 0, 30, 23) / 1000; // 2026-01-31 00:00 local
    const m = new Meter(lastDay).hours(day(1000, { 22: 7000 }));
    expect(m.json().month).toBe("2026-02"); // the telegram at 00:00 local on 1 February
    expect(m.peaks()).toEqual([]);
    expect(m.bench.of("peakAvg").map((e) => e.mantissa)).toEqual([1000, 7000, 0]);
    expect(m.bench.of("hourly").at(-1)).toMatchObject({ mantissa: 1000, at: lastDay + 24 * H });
  });

  it("does not roll back when the meter clock goes to an earlier month, and ignores hours there", () => {
    const m = new Meter(Date.UTC(2026, 1, 2, 23) / 1000).hours([3000]);
    m.jump(Date.UTC(2026, 0, 20, 9) / 1000).hours([9000, 9000]);
    expect(m.json().month).toBe("2026-02");
    expect(m.peaks()).toEqual([[3000, 3000]]);
  });
});

describe("persistence through the key-value store", () => {
  it("keeps the set across a restart, writing only when it changes", () => {
    const store = new MapStore();
    new Meter(MONDAY, ALL_HOURS, store).hours(day(1000, { 10: 4000 }));
    expect(store.writes).toBe(2); // 1000 W at 00–01, then 4000 W at 10–11; the other hours changed nothing
    expect(store.map.get(TARIFF_STORE_KEY)).toMatch(/^1;202601;\d+;\d+:60:4000:4000$/);
    const again = new Meter(MONDAY + 24 * H, ALL_HOURS, store);
    expect(again.peaks()).toEqual([[4000, 4000]]);
    expect(again.problems).toEqual([]);
    expect(again.json().peaks).toEqual([{ hour: "2026-01-12T10:00+01:00", w: 4000, weighted: 4000 }]);
  });

  it.each([
    ["garbage", "x"],
    ["a number", 42],
    ["a future format", "2;202601;0;"],
    ["a bad month", "1;202613;0;"],
    ["a peak of another month", `1;202601;0;${Date.UTC(2026, 1, 3, 9) / 1000 / H}:60:100:100`],
    ["a weighted value above the measured one", `1;202601;0;${(MONDAY + 10 * H) / H}:60:100:200`],
    ["a cut-off peak", `1;202601;0;${(MONDAY + 10 * H) / H}:60`],
  ])("refuses %s with a clear, counted report and starts the month empty", (_what, stored) => {
    const store = new MapStore();
    store.map.set(TARIFF_STORE_KEY, stored);
    const m = new Meter(MONDAY, ALL_HOURS, store);
    expect(m.source.storeErrors).toBe(1);
    expect(m.problems).toHaveLength(1);
    expect(m.problems[0]).toMatch(/^tariff: stored peaks ignored \(.+\); the month's peaks start empty$/);
    expect(m.peaks()).toEqual([]);
    m.hours([1200]);
    expect(m.peaks()).toEqual([[1200, 1200]]);
  });

  it("counts a failing store and keeps the set in memory", () => {
    const store = new MapStore();
    store.failing = true;
    const m = new Meter(MONDAY, ALL_HOURS, store).hours([1500]);
    expect(m.source.storeErrors).toBe(1);
    expect(m.problems[0]).toContain("not stored (nvs full)");
    expect(m.peaks()).toEqual([[1500, 1500]]);
  });

  it("keeps at most N of a stored set when the setting was lowered", () => {
    const store = new MapStore();
    new Meter(MONDAY, { ...ALL_HOURS, peaks: 3 }, store)
      .hours(day(100, { 5: 500 }))
      .hours(day(100, { 5: 400 }))
      .hours(day(100, { 5: 300 }));
    const fewer = new Meter(MONDAY + 3 * 24 * H, { ...ALL_HOURS, peaks: 2 }, store);
    expect(fewer.peaks()).toEqual([
      [500, 500],
      [400, 400],
    ]);
  });
});

describe("the tariff message", () => {
  it("shows month, rule, peaks with their local hour, billed average, the hour under way and incomplete hours", () => {
    const m = new Meter(MONDAY, ELLEVIO).hours(day(1000, { 23: 6000 }));
    m.jump(MONDAY + 24 * H + 7200 + 30); // two hours later: Tuesday 00:00–01:00 ends without a figure
    m.t += 60;
    m.wh += 50;
    m.feed();
    const expected = {
      month: "2026-01",
      rule: { peaks: 3, perDay: true, days: "all", from: 0, to: 24, nightWeight: 50, nightFrom: 22, nightTo: 6 },
      peaks: [{ hour: "2026-01-12T23:00+01:00", w: 6000, weighted: 3000 }],
      billedW: 3000,
      // 50 Wh in the 60 s seen: 3000 W; 90 s of the hour at that, the rest at the 0 W the meter shows now.
      current: { start: "2026-01-13T02:00+01:00", avgW: 3000, projW: 75, weight: 50, complete: false },
      incomplete: 1,
    };
    expect(m.json()).toEqual(expected);
    // The README shows this very message.
    const readme = readFileSync(join(REPO, "README.md"), "utf8");
    const at = readme.indexOf("```json", readme.indexOf("#### The tariff message")) + 7;
    expect(JSON.parse(readme.slice(at, readme.indexOf("```", at)))).toEqual(expected);
  });

  it("fits its buffer with ten peaks and every figure at its widest", () => {
    const store = new MapStore();
    const hours = Array.from({ length: 10 }, (_, i) => `${(MONDAY + i * 24 * H) / H}:-720:999999999999:999999999999`);
    store.set(TARIFF_STORE_KEY, `1;202601;775;${hours.join(",")}`);
    const m = new Meter(MONDAY + 10 * 24 * H + 1800, { ...ALL_HOURS, peaks: 10 }, store);
    expect(m.problems).toEqual([]);
    m.source.averageW = -1e15;
    m.source.projectionW = 1e15;
    const length = m.source.write();
    expect(length).toBeLessThanOrEqual(m.source.buffer.length);
    const json = JSON.parse(Buffer.from(m.source.buffer.subarray(0, length)).toString());
    expect(json.peaks).toHaveLength(10);
    expect(json.current.avgW).toBe(-1e15);
  });

  it("shows null figures before the first telegram with a valid time", () => {
    const bench = new EnergyBench();
    const source = new EnergySource(bench.mapping, { topic: "t" });
    const json = JSON.parse(Buffer.from(source.buffer.subarray(0, source.write())).toString());
    expect(json).toMatchObject({ month: null, peaks: [], billedW: null, current: null, incomplete: 0 });
  });

  it("changes when the set changes and at most once a minute for the hour under way", () => {
    const m = new Meter(MONDAY);
    m.source.write();
    for (let i = 1; i <= 5; i++) {
      m.t += 10;
      m.feed();
    }
    expect(m.source.changed).toBe(false); // 50 s
    m.t += 10;
    m.feed();
    expect(m.source.changed).toBe(true);
  });
});
