// The energy source as the firmware composes it: its events through the bridge's outbox, read by node-vscp, and
// the retained tariff message after each connect and on change; the month's peaks survive a restart.
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { composeBridge } from "../modules/app/compose";
import { loadSettings } from "../modules/config/settings";
import { TARIFF_STORE_KEY } from "../modules/energy/energy-source";
import { FakeClock } from "./fakes/fake-clock";
import { FakeMeter, FakeSystem } from "./fakes/fake-meter";
import { FakeMqttLink } from "./fakes/fake-mqtt";
import { FakeNetwork } from "./fakes/fake-network";
import { MemoryStore } from "./sim/memory-store";
import { kW, kWh, telegram } from "./energy-telegram";

// node-vscp is the VSCP author's own decoder: an independent reading of what we publish.
const vscp = createRequire(import.meta.url)("node-vscp");

const MAC = "24:0A:C4:12:34:56";
const TARIFF_TOPIC = "p1vscp/240AC4123456/tariff";
const H = 3600;
/** 2026-01-14 10:00 in Sweden. */
const T = Date.UTC(2026, 0, 14, 9) / 1000;
const STEP_S = 30;

function device(store: MemoryStore) {
  const settings = { ...loadSettings(store).settings, broker: "127.0.0.1", tariffPeaks: 2 };
  const clock = new FakeClock(T * 1000);
  const meter = new FakeMeter();
  const mqtt = new FakeMqttLink(clock);
  const problems: string[] = [];
  const composed = composeBridge(
    settings,
    { meter, clock, scheduler: clock, mqtt, network: new FakeNetwork(clock), system: new FakeSystem(() => clock.now) },
    { mac: MAC, store, report: (p) => problems.push(p) },
  );
  composed.bridge.start();
  clock.advance(2_000);
  /** One telegram at meter time t with the import register at `wh` and the import power `w`. */
  const feed = (t: number, wh: number, w: number) => {
    meter.feed(telegram(t, { "1-0:1.8.0": kWh(wh), "1-0:1.7.0": kW(w), "1-0:2.7.0": kW(0), "1-0:21.7.0": kW(w), "1-0:22.7.0": kW(0) }));
    clock.advance(STEP_S * 1000);
  };
  const tariff = () => mqtt.on(TARIFF_TOPIC);
  const events = (sensorIndex: number) =>
    mqtt.received
      .filter((m) => m.topic.startsWith("vscp/") && m.topic.endsWith(`/${sensorIndex}`))
      .map((m) => new vscp.Event(JSON.parse(m.payload)));
  return { ...composed, clock, meter, mqtt, problems, feed, tariff, events };
}

/** An hour at a steady 1800 W from T: a telegram every 30 s, one on each boundary. */
function steadyHour(d: ReturnType<typeof device>, from = T, startWh = 50_000): void {
  for (let t = from; t <= from + H; t += STEP_S) d.feed(t, startWh + ((t - from) * 1800) / H, 1800);
}

describe("energy source in the composed bridge", () => {
  it("publishes the tariff message retained after connect, before any telegram", () => {
    const d = device(new MemoryStore());
    const [first] = d.tariff();
    expect(first.retain).toBe(true);
    expect(JSON.parse(first.payload)).toMatchObject({ month: null, peaks: [], current: null });
  });

  it("publishes net power, the running hour and the hourly average as events node-vscp reads", () => {
    const d = device(new MemoryStore());
    steadyHour(d);
    const net = d.events(103);
    expect(net.length).toBe(H / STEP_S + 1);
    expect(vscp.getMeasurementData(net[0]).value).toBe(1800);
    expect(net[0].vscpClass).toBe(1040);
    expect(net[0].vscpType).toBe(14); // power
    expect(vscp.getMeasurementData(d.events(100)[0]).value).toBe(1800);
    expect(d.events(101)).toEqual([]); // L2 not sent
    const hourly = d.events(104);
    expect(hourly).toHaveLength(1);
    expect(vscp.getMeasurementData(hourly[0]).value).toBe(1800);
    expect(hourly[0].vscpDateTime.toISOString()).toBe(new Date((T + H) * 1000).toISOString()); // the hour's end
    const running = d.events(105);
    expect(vscp.getMeasurementData(running[running.length - 2]).value).toBe(1800);
    expect(vscp.getMeasurementData(d.events(106)[5]).value).toBe(1800);
    const billed = d.events(107);
    expect(billed.map((e: unknown) => vscp.getMeasurementData(e).value)).toEqual([1800]);
  });

  it("publishes the tariff message when the set changes, again after a reconnect, and keeps the month across a restart", () => {
    const store = new MemoryStore();
    const d = device(store);
    steadyHour(d);
    const latest = JSON.parse(d.tariff().at(-1)!.payload);
    expect(latest.peaks).toEqual([{ hour: "2026-01-14T10:00+01:00", w: 1800, weighted: 1800 }]);
    expect(latest.billedW).toBe(1800);
    expect(d.tariff().length).toBeLessThan(H / STEP_S / 2 + 3); // the hour under way: at most once a minute
    expect(store.get(TARIFF_STORE_KEY)).toBe(`1;202601;0;${T / H}:60:1800:1800`);

    const before = d.tariff().length;
    d.mqtt.dropConnection();
    d.clock.advance(10_000);
    expect(d.tariff().length).toBe(before + 1);
    expect(d.tariff().at(-1)!.retain).toBe(true);

    d.bridge.stop();
    const again = device(store);
    expect(JSON.parse(again.tariff()[0].payload).peaks).toEqual(latest.peaks);
    expect(again.problems).toEqual([]);
  });

  it("sends the tariff message again when the link refused it (send buffer full), latest content only", () => {
    const d = device(new MemoryStore());
    const before = d.tariff().length;
    d.mqtt.outcome = () => "busy";
    steadyHour(d, T, 50_000);
    expect(d.tariff().length).toBe(before);
    d.mqtt.outcome = () => "ok";
    d.clock.advance(120_000); // the stalled session was dropped: reconnect (backoff), then the message
    expect(d.tariff().length).toBe(before + 1);
    expect(JSON.parse(d.tariff().at(-1)!.payload).billedW).toBe(1800);
  });

  it("reports a corrupt stored set once, starts the month empty and keeps running", () => {
    const store = new MemoryStore();
    store.set(TARIFF_STORE_KEY, "1;202601;0;not-a-peak");
    const d = device(store);
    expect(d.problems.filter((p) => p.startsWith("tariff:"))).toHaveLength(1);
    steadyHour(d);
    expect(JSON.parse(d.tariff().at(-1)!.payload).peaks).toHaveLength(1);
    expect(d.bridge.health.internalErrors).toBe(0);
  });
});
