// No exception escapes the core: failing port calls are caught, counted and retried by policy.
import { describe, expect, it } from "vitest";
import { Backoff } from "../modules/app/backoff";
import { expectedEvents, makeRig, seeded } from "./fakes/rig";
import { telegramSeries } from "./fakes/telegrams";

describe("bridge robustness", () => {
  it("survives ports that throw: counts every failure, retries, and still delivers every event", () => {
    const rig = makeRig();
    let meterStarts = 0;
    const start = rig.meter.start.bind(rig.meter);
    rig.meter.start = (sink) => {
      if (++meterStarts === 1) throw new Error("UART busy");
      start(sink);
    };
    let connects = 0;
    const connect = rig.mqtt.connect.bind(rig.mqtt);
    rig.mqtt.connect = (options, events) => {
      if (++connects <= 3) throw new Error("socket error");
      connect(options, events);
    };
    rig.system.log = () => {
      throw new Error("log sink full");
    };
    rig.system.freeMemory = () => {
      throw new Error("no instrumentation");
    };
    rig.network.rssi = () => {
      throw new Error("not associated");
    };
    Object.defineProperty(rig.meter, "overruns", {
      get: () => {
        throw new Error("driver gone");
      },
    });
    rig.bridge.start();
    rig.clock.advance(20_000); // meter retried after 5 s; MQTT after 1 + 2 + 4 s
    expect(rig.meter.started).toBe(true);
    expect(rig.mqtt.connected).toBe(true);
    const series = telegramSeries(10);
    for (const t of series) rig.telegram(t);
    rig.clock.advance(60_000);
    expect(rig.events()).toEqual(expectedEvents(series));
    expect(rig.clock.thrown).toEqual([]);
    const h = rig.bridge.refreshHealth();
    expect(h.portErrors).toBeGreaterThanOrEqual(4 + 3);
    expect(h.internalErrors).toBe(0);
    expect(rig.mqtt.on(rig.presence.statsTopic).length).toBeGreaterThan(0); // stats still go out, with nulls
    expect(JSON.parse(rig.mqtt.on(rig.presence.statsTopic)[0].payload)).toMatchObject({ freeMemory: null, rssi: null });
  });

  it("a link whose publish keeps failing is dropped after the stall time and reconnected", () => {
    const rig = makeRig({ publishStallS: 10 });
    rig.bridge.start();
    rig.clock.advance(1000);
    rig.mqtt.outcome = () => "busy";
    const series = telegramSeries(3);
    rig.telegram(series[0]);
    rig.clock.advance(5000);
    expect(rig.bridge.health.mqttDisconnects).toBe(1);
    rig.mqtt.outcome = () => "ok";
    rig.telegram(series[1]);
    rig.telegram(series[2]);
    expect(rig.events()).toEqual(expectedEvents(series));
    expect(rig.bridge.health.mqttReconnects).toBe(1);
  });

  it("an encoder failure costs that telegram only, counted as an internal error", () => {
    const rig = makeRig();
    rig.bridge.start();
    rig.clock.advance(1000);
    const series = telegramSeries(3);
    const events = (rig.bridge as unknown as { events: { digitsOf(i: number): number } }).events;
    const digitsOf = events.digitsOf.bind(events);
    let calls = 0;
    events.digitsOf = (i) => {
      if (++calls === 30) throw new Error("bug");
      return digitsOf(i);
    };
    for (const t of series) rig.telegram(t);
    expect(rig.events()).toEqual(expectedEvents([series[0], series[2]]));
    expect(rig.bridge.health.internalErrors).toBe(1);
    expect(rig.bridge.outbox.messages).toBe(0);
  });

  it("a payload that fails to render when sent costs that event only; the queue moves on", () => {
    const rig = makeRig();
    rig.bridge.start();
    rig.clock.advance(1000);
    const series = telegramSeries(3);
    const events = (rig.bridge as unknown as { events: { encodeStored(...args: number[]): number } }).events;
    const encodeStored = events.encodeStored.bind(events) as (...args: unknown[]) => number;
    let calls = 0;
    (events as { encodeStored: (...args: unknown[]) => number }).encodeStored = (...args) => {
      if (++calls === 30) throw new Error("bug");
      return encodeStored(...args);
    };
    for (const t of series) rig.telegram(t);
    const want = expectedEvents(series);
    want.splice(29, 1);
    expect(rig.events()).toEqual(want);
    expect(rig.bridge.health.internalErrors).toBe(1);
    expect(rig.bridge.outbox.messages).toBe(0);
  });

  it("stop sends a retained offline, releases the ports, and start works again", () => {
    const rig = makeRig();
    rig.bridge.start();
    rig.clock.advance(1000);
    rig.bridge.stop();
    expect(rig.mqtt.received.at(-1)).toMatchObject({ topic: rig.presence.statusTopic, payload: "offline", retain: true });
    expect(rig.meter.started).toBe(false);
    expect(rig.meter.active).toBe(false);
    expect(rig.clock.pending).toBe(0);
    rig.bridge.start();
    rig.clock.advance(2000);
    expect(rig.mqtt.connected).toBe(true);
  });
});

describe("Backoff", () => {
  it("doubles from 1 s to the 60 s cap, jittered down by at most half, and resets", () => {
    const backoff = new Backoff({}, seeded(3));
    const delays = Array.from({ length: 10 }, () => backoff.next());
    const ceilings = [1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000, 60000];
    delays.forEach((d, i) => {
      expect(d).toBeLessThanOrEqual(ceilings[i]);
      expect(d).toBeGreaterThanOrEqual(ceilings[i] / 2);
    });
    backoff.sessionEnded(59_999);
    expect(backoff.next()).toBeGreaterThan(30_000);
    backoff.sessionEnded(60_000);
    expect(backoff.next()).toBeLessThanOrEqual(1000);
    expect(() => new Backoff({ jitter: 1 })).toThrow(RangeError);
  });
});
