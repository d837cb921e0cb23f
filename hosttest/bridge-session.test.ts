// MQTT session policy: backoff with jitter and reset, presence on every connect, heartbeats and stats.
import { describe, expect, it } from "vitest";
import { expectedEvents, makeRig } from "./fakes/rig";
import { telegramSeries } from "./fakes/telegrams";

/** Gaps between connect attempts, minus the fake broker's 50 ms refusal time. */
function backoffDelays(connectTimes: number[]): number[] {
  return connectTimes.slice(1).map((t, i) => t - connectTimes[i] - 50);
}

describe("MQTT session policy", () => {
  it("retries with exponential backoff and jitter from 1 s up to a 60 s cap", () => {
    const rig = makeRig();
    rig.mqtt.brokerUp = false;
    rig.bridge.start();
    rig.clock.advance(15 * 60_000);
    const delays = backoffDelays(rig.mqtt.connects.map((c) => c.atMs));
    expect(delays.length).toBeGreaterThan(15);
    delays.forEach((d, n) => {
      const ceiling = Math.min(60_000, 1000 * 2 ** n);
      expect(d).toBeGreaterThanOrEqual(ceiling / 2);
      expect(d).toBeLessThanOrEqual(ceiling);
    });
    const capped = delays.slice(7);
    expect(new Set(capped).size).toBeGreaterThan(capped.length / 2); // jitter: not all the same
    expect(rig.bridge.health.mqttConnectFailures).toBe(rig.mqtt.connects.length);
  });

  it("resets the backoff after a session that lasted a stable minute, not after a short one", () => {
    for (const upForMs of [61_000, 10_000]) {
      const rig = makeRig();
      rig.mqtt.brokerUp = false;
      rig.bridge.start();
      rig.clock.advance(5 * 60_000); // backoff is at the cap now
      rig.mqtt.goUp();
      rig.clock.advance(61_000);
      expect(rig.mqtt.connected).toBe(true);
      rig.clock.advance(upForMs - 1000);
      const before = rig.mqtt.connects.length;
      rig.mqtt.goDown();
      rig.mqtt.goUp();
      rig.clock.advance(1100);
      const reconnectedQuickly = rig.mqtt.connects.length > before;
      expect(reconnectedQuickly, `session of ${upForMs} ms`).toBe(upForMs >= 60_000);
    }
  });

  it("sends status online (retained) and new node online on every connect of a flapping broker, losing no event", () => {
    const rig = makeRig();
    rig.bridge.start();
    rig.clock.advance(1000);
    const series = telegramSeries(60);
    let i = 0;
    for (let cycle = 0; cycle < 6; cycle++) {
      for (let k = 0; k < 5; k++) rig.telegram(series[i++]);
      rig.mqtt.goDown();
      for (let k = 0; k < 5; k++) rig.telegram(series[i++]);
      rig.mqtt.goUp();
    }
    rig.clock.advance(70_000);
    expect(rig.events()).toEqual(expectedEvents(series));
    const connects = rig.mqtt.connects.length;
    const sessions = rig.bridge.health.mqttReconnects + 1;
    expect(rig.mqtt.on(rig.presence.statusTopic).filter((m) => m.payload === "online" && m.retain).length).toBe(sessions);
    expect(rig.mqtt.on(rig.presence.newNodeOnlineTopic).length).toBe(sessions);
    expect(sessions).toBeGreaterThanOrEqual(7);
    expect(connects).toBeGreaterThanOrEqual(sessions);
  });

  it("sends both heartbeats and the stats every 60 s, and only the latest after an outage", () => {
    const rig = makeRig();
    rig.bridge.start();
    for (const t of telegramSeries(30)) rig.telegram(t); // 300 s
    const heartbeats = () => rig.mqtt.on(rig.presence.heartbeatTopic).length;
    const level2 = () => rig.mqtt.on(rig.presence.level2HeartbeatTopic).length;
    const stats = () => rig.mqtt.on(rig.presence.statsTopic);
    expect(heartbeats()).toBe(5);
    expect(level2()).toBe(5);
    expect(stats().length).toBe(5);
    const last = JSON.parse(stats()[4].payload);
    expect(last).toMatchObject({
      uptime: 300,
      telegramsOk: 30,
      queueDepth: 0,
      queueDrops: 0,
      mqttReconnects: 0,
      rssi: -61,
      freeMemory: 123456,
    });
    expect(last.bytesReceived).toBeGreaterThan(30 * 690);
    const downAt = rig.clock.now;
    rig.mqtt.goDown();
    rig.clock.advance(5 * 60_000);
    rig.mqtt.goUp();
    while (!rig.mqtt.connected) rig.clock.advance(100);
    rig.clock.advance(100);
    const upAt = rig.clock.now;
    const during = (topic: string) => rig.mqtt.on(topic).filter((m) => m.atMs > downAt && m.atMs <= upAt);
    expect(upAt - downAt).toBeGreaterThan(5 * 60_000);
    // Five periods passed offline; one heartbeat pair and one stats message go out on the reconnect.
    expect(during(rig.presence.heartbeatTopic).length).toBe(1);
    expect(during(rig.presence.level2HeartbeatTopic).length).toBe(1);
    expect(during(rig.presence.statsTopic).length).toBe(1);
    expect(JSON.parse(during(rig.presence.statsTopic)[0].payload)).toMatchObject({ mqttReconnects: 1 });
  });

  it("abandons a connect that never answers and tries again", () => {
    const rig = makeRig({ connectTimeoutS: 20 });
    rig.mqtt.connectDelayMs = 10 * 60_000;
    rig.bridge.start();
    rig.clock.advance(25_000);
    expect(rig.mqtt.connects.length).toBe(2);
    expect(rig.bridge.health.mqttConnectFailures).toBe(1);
  });

  it("never lets the broker password into logs, stats or topics", () => {
    const rig = makeRig();
    rig.mqtt.brokerUp = false;
    rig.bridge.start();
    rig.clock.advance(30_000);
    rig.mqtt.goUp();
    for (const t of telegramSeries(12)) rig.telegram(t);
    const everything = [...rig.system.logs, ...rig.mqtt.received.map((m) => m.topic + m.payload)].join("\n");
    expect(rig.mqtt.on(rig.presence.statsTopic).length).toBeGreaterThan(0);
    expect(everything).not.toContain("s3cret-pass");
  });
});
