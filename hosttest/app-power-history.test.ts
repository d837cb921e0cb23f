// The status page's power chart: a fixed ring of net active power, one point per step, and the live endpoint.
import { describe, expect, it } from "vitest";
import { PowerHistory } from "../modules/app/power-history";
import { ObisCatalog } from "../modules/p1/obis-catalog";
import { TelegramParser } from "../modules/p1/parser";
import { Reading } from "../modules/p1/reading";
import { liveSince, liveView } from "../modules/setup/live";
import { loadSettings } from "../modules/config/settings";
import { StatusReport } from "../modules/device/status-report";
import { asciiJson } from "../modules/setup/http";
import { makeRig } from "./fakes/rig";
import { telegramSeries } from "./fakes/telegrams";
import { sampleStatus } from "./setup/host-setup";
import { MemoryStore } from "./sim/memory-store";

const catalog = new ObisCatalog();
const parser = new TelegramParser(catalog);

function reading(importKw: string, exportKw?: string): Reading {
  const lines = ["/TST5\\P1VSCP", "", "0-0:1.0.0(241212201348W)", `1-0:1.7.0(${importKw}*kW)`];
  if (exportKw !== undefined) lines.push(`1-0:2.7.0(${exportKw}*kW)`);
  const text = `${lines.join("\r\n")}\r\n!\r\n`;
  const bytes = new TextEncoder().encode(text);
  return parser.parse(bytes, bytes.length, new Reading(catalog));
}

describe("power history", () => {
  it("keeps import minus export in watts, one point per step, the latest telegram of a step winning", () => {
    const history = new PowerHistory(catalog, 4, 10);
    history.record(reading("0001.500", "0000.250"), 0);
    history.record(reading("0002.000", "0000.000"), 5_000); // same step: replaces
    history.record(reading("0000.000", "0003.125"), 10_000);
    expect(history.since(0)).toEqual([
      [0, 0, 2000],
      [1, 10, -3125],
    ]);
    expect(history.count).toBe(2);
  });

  it("forgets the oldest points once the ring is full, and answers from a sequence number", () => {
    const history = new PowerHistory(catalog, 3, 10);
    for (let i = 0; i < 5; i++) history.record(reading(`000${i}.000`), i * 10_000);
    expect(history.since(0).map((p) => p[0])).toEqual([2, 3, 4]);
    expect(history.since(4)).toEqual([[4, 40, 4000]]);
    expect(history.since(9)).toEqual([]);
  });

  it("ignores a telegram without active power", () => {
    const history = new PowerHistory(catalog, 3, 10);
    const bytes = new TextEncoder().encode("/TST5\\P1VSCP\r\n\r\n1-0:32.7.0(230.1*V)\r\n!\r\n");
    history.record(parser.parse(bytes, bytes.length, new Reading(catalog)), 0);
    expect(history.count).toBe(0);
  });
});

describe("live endpoint", () => {
  it("reads the sequence number from the path, 0 for anything else", () => {
    expect(liveSince("/api/live/42")).toBe(42);
    expect(liveSince("/api/live")).toBe(0);
    for (const bad of ["/api/live/-1", "/api/live/1.5", "/api/live/x", "/api/live/", "/api/live/1234567890123"])
      expect(liveSince(bad)).toBe(0);
  });

  it("adds the chart to the status view, or null without one", () => {
    const history = new PowerHistory(catalog, 3, 10);
    history.record(reading("0001.000"), 1_000);
    const status = sampleStatus(0)();
    const view = liveView({ ...status, chart: { nowS: 20.4, source: history } }, 0) as any;
    expect(view.chart).toEqual({ stepS: 10, capacity: 3, last: 0, points: [[19, 1000]] });
    expect(view.meter.values.length).toBe(status.meter.values.length);
    expect((liveView(status, 0) as any).chart).toBeNull();
  });
});

describe("size of the live answer", () => {
  it("stays small with a full hour of points and a Swedish telegram (printed)", () => {
    const rig = makeRig({ historyPoints: 360 });
    rig.bridge.start();
    rig.clock.advance(2_000);
    for (const t of telegramSeries(400)) rig.telegram(t, 10_000);
    const report = new StatusReport({
      firmware: "0.1.0",
      boardName: "esp32",
      settings: loadSettings(new MemoryStore()).settings,
      clock: rig.clock,
    });
    report.bridge = rig.bridge;
    const status = report.read("normal");
    const full = asciiJson(liveView(status, 0)).length;
    const next = asciiJson(liveView(status, rig.bridge.history!.count - 1)).length;
    process.stdout.write(`live answer: ${full} bytes with a full hour of points, ${next} bytes for a poll after one telegram\n`);
    expect(rig.bridge.history!.since(0)).toHaveLength(360);
    expect(full).toBeLessThan(8_000);
    expect(next).toBeLessThan(3_000);
    rig.bridge.stop();
  });
});
