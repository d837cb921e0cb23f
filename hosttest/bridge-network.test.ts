// Network policy and the meter watchdog: Wi-Fi flaps, restart after a long outage, meter silence.
import { describe, expect, it } from "vitest";
import { expectedEvents, makeRig } from "./fakes/rig";
import { telegramSeries } from "./fakes/telegrams";

describe("network policy", () => {
  it("rejoins a flapping Wi-Fi forever, closes and reopens the MQTT session with it, and loses no event", () => {
    const rig = makeRig();
    rig.bridge.start();
    rig.clock.advance(1000);
    const series = telegramSeries(64);
    let i = 0;
    for (let cycle = 0; cycle < 8; cycle++) {
      for (let k = 0; k < 4; k++) rig.telegram(series[i++]);
      rig.network.cut();
      expect(rig.mqtt.connected).toBe(false);
      for (let k = 0; k < 3; k++) rig.telegram(series[i++]);
      rig.network.restore();
      rig.telegram(series[i++]);
    }
    rig.clock.advance(90_000);
    expect(rig.events()).toEqual(expectedEvents(series));
    const h = rig.bridge.refreshHealth();
    expect(h.networkDrops).toBe(8);
    expect(h.mqttReconnects).toBe(8);
    expect(h.networkUp).toBe(true);
    expect(rig.system.restarts).toEqual([]);
  });

  it("keeps trying to join with backoff capped at 60 s", () => {
    const rig = makeRig();
    rig.network.apUp = false;
    rig.bridge.start();
    rig.clock.advance(10 * 60_000);
    const gaps = rig.network.joinAttempts.slice(1).map((t, n) => t - rig.network.joinAttempts[n] - 100);
    expect(gaps.length).toBeGreaterThan(10);
    for (const gap of gaps) expect(gap).toBeLessThanOrEqual(60_000);
    expect(Math.max(...gaps)).toBeGreaterThan(30_000);
    expect(rig.mqtt.connects.length).toBe(0); // no MQTT without network
  });

  it("requests one restart after the configured time without network, not before", () => {
    for (const minutes of [15, 3]) {
      const rig = makeRig(minutes === 15 ? {} : { restartAfterNoNetworkMin: minutes });
      rig.bridge.start();
      rig.clock.advance(1000);
      const downAt = rig.clock.now;
      rig.network.cut();
      rig.clock.advance(minutes * 60_000 - 2000);
      expect(rig.system.restarts, `${minutes} min`).toEqual([]);
      rig.clock.advance(3000);
      expect(rig.system.restarts.length).toBe(1);
      expect(rig.system.restarts[0].atMs - downAt).toBeGreaterThanOrEqual(minutes * 60_000);
      expect(rig.system.restarts[0].reason).toContain(`${minutes} min`);
      rig.clock.advance(30 * 60_000);
      expect(rig.system.restarts.length).toBe(1); // once per outage: the port decides what a restart is
      expect(rig.bridge.refreshHealth().restartRequests).toBe(1);
    }
  });

  it("does not restart when the network comes back in time, and counts from the next outage afresh", () => {
    const rig = makeRig();
    rig.bridge.start();
    rig.clock.advance(1000);
    rig.network.cut();
    rig.clock.advance(14 * 60_000);
    rig.network.restore();
    rig.clock.advance(2 * 60_000);
    expect(rig.network.isJoined).toBe(true);
    rig.network.cut();
    rig.clock.advance(14 * 60_000);
    expect(rig.system.restarts).toEqual([]);
    rig.clock.advance(61_000);
    expect(rig.system.restarts.length).toBe(1);
  });
});

describe("meter watchdog", () => {
  it("marks the meter silent after 60 s without a valid telegram (status and stats) and recovers on the next one", () => {
    const rig = makeRig();
    rig.bridge.start();
    const series = telegramSeries(4);
    rig.telegram(series[0]);
    rig.telegram(series[1], 1000);
    rig.clock.advance(58_000);
    expect(rig.bridge.health.meterSilent).toBe(false);
    rig.clock.advance(2000);
    expect(rig.bridge.health.meterSilent).toBe(true);
    const statuses = () => rig.mqtt.on(rig.presence.statusTopic).map((m) => `${m.payload}${m.retain ? "" : " (not retained)"}`);
    expect(statuses()).toEqual(["online", "meter-silent"]);
    rig.clock.advance(60_000);
    const stats = rig.mqtt.on(rig.presence.statsTopic);
    expect(rig.bridge.refreshHealth()).toMatchObject({ meterSilent: true, meterSilences: 1 });
    expect(rig.bridge.health.lastTelegramAge).toBeGreaterThanOrEqual(120);
    expect(JSON.parse(stats[stats.length - 1].payload).lastTelegramAge).toBeGreaterThanOrEqual(60);
    rig.telegram(series[2]);
    expect(rig.bridge.health.meterSilent).toBe(false);
    expect(statuses()).toEqual(["online", "meter-silent", "online"]);
    expect(rig.events()).toEqual(expectedEvents(series.slice(0, 3)));
  });

  it("counts garbage as silence: only valid telegrams keep the meter alive", () => {
    const rig = makeRig({ meterSilentAfterS: 30 });
    rig.bridge.start();
    for (let k = 0; k < 8; k++) {
      rig.meter.feed(Buffer.from("line noise without a telegram\r\n"));
      rig.clock.advance(5000);
    }
    expect(rig.bridge.health.meterSilent).toBe(true);
    expect(rig.bridge.refreshHealth().garbageBytes).toBeGreaterThan(0);
  });
});
