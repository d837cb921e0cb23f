// The alarm source wired into the bridge: from the settings (composeBridge) to CLASS1.ALARM events and the stats.
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { ALARM_CHANNELS, Condition } from "../modules/alarm/channels";
import { AlarmSource } from "../modules/alarm/source";
import { composeBridge } from "../modules/app/compose";
import { defaultSettings } from "../modules/config/schema";
import { loadSettings } from "../modules/config/settings";
import { FakeClock } from "./fakes/fake-clock";
import { FakeMeter, FakeSystem } from "./fakes/fake-meter";
import { FakeMqttLink } from "./fakes/fake-mqtt";
import { FakeNetwork } from "./fakes/fake-network";
import { makeRig } from "./fakes/rig";
import { T0 } from "./fakes/telegrams";
import { dayOfTelegrams } from "./sim/day-profile";
import { MemoryStore } from "./sim/memory-store";
import { swedishTelegram } from "./sim/swedish-telegram";

const vscp = createRequire(import.meta.url)("node-vscp");

function telegrams(count: number, amps: number, start = T0): Buffer[] {
  return dayOfTelegrams(new Date(start), 10, count, 5).map((values) => {
    values.amps = [amps, values.amps[1], values.amps[2]];
    return Buffer.from(swedishTelegram(values), "latin1");
  });
}

function alarmsOf(received: { topic: string; payload: string }[]) {
  return received
    .filter((m) => m.topic.startsWith("vscp/"))
    .map((m) => JSON.parse(m.payload))
    .filter((json) => json.vscpClass === 1);
}

describe("alarms in the composed bridge", () => {
  it("take their thresholds, zone and subzone from the settings and show their state in the stats", () => {
    const clock = new FakeClock(T0 - 5_000);
    const meter = new FakeMeter();
    const mqtt = new FakeMqttLink(clock);
    const store = new MemoryStore({ broker: "127.0.0.1", fuseA: 16, alarmMinS: 20, zone: 4, subzone: 2, statsInterval: 10 });
    const composed = composeBridge(
      loadSettings(store).settings,
      { meter, clock, scheduler: clock, mqtt, network: new FakeNetwork(clock), system: new FakeSystem(() => clock.now) },
      { mac: "24:0A:C4:12:34:56", report: (p) => expect.unreachable(p) },
    );
    const bridge = composed.bridge;
    bridge.start();
    clock.advance(1000);
    for (const t of telegrams(4, 16.5)) {
      meter.feed(t);
      clock.advance(10_000);
    }
    const events = alarmsOf(mqtt.received);
    expect(events.map((e) => [e.vscpType, e.vscpData, e.vscpNote])).toEqual([
      [1, [1, 4, 2], "Current near the main fuse L1"],
      [2, [1, 4, 2], "Current at the main fuse L1"],
    ]);
    expect(new vscp.Event(events[1]).vscpData).toEqual([1, 4, 2]);
    expect(bridge.refreshHealth().alarms).toBe(2 ** Condition.FuseWarnL1 + 2 ** Condition.FuseAlarmL1);
    const stats = mqtt.received.filter((m) => m.topic === composed.presence.statsTopic).map((m) => JSON.parse(m.payload));
    expect(stats.at(-1).alarms).toBe(9);
    expect(composed.alarms.isActive(Condition.FuseAlarmL1)).toBe(true);
  });

  it("are silent with the default settings (no fuse size set) on an ordinary day", () => {
    const clock = new FakeClock(T0 - 5_000);
    const meter = new FakeMeter();
    const mqtt = new FakeMqttLink(clock);
    const { bridge } = composeBridge(
      { ...defaultSettings(), broker: "127.0.0.1" },
      { meter, clock, scheduler: clock, mqtt, network: new FakeNetwork(clock), system: new FakeSystem(() => clock.now) },
      { mac: "24:0A:C4:12:34:56", report: () => {} },
    );
    bridge.start();
    clock.advance(1000);
    for (const t of telegrams(30, 40)) {
      meter.feed(t);
      clock.advance(10_000);
    }
    expect(alarmsOf(mqtt.received)).toEqual([]);
    expect(bridge.refreshHealth()).toMatchObject({ telegramsOk: 30, alarms: 0 });
  });

  it("raise meter silent at the device clock's time and end it with the next telegram, in that telegram's group", () => {
    let alarms: AlarmSource | undefined;
    const rig = makeRig(
      { meterSilentAfterS: 30 },
      {
        channels: ALARM_CHANNELS,
        sources: (mapping) => {
          alarms = new AlarmSource(mapping, defaultSettings());
          return [alarms];
        },
        wallBase: T0 - 5_000,
      },
    );
    alarms!.attach(rig.bridge.health);
    rig.bridge.start();
    rig.clock.advance(1000);
    rig.telegram(telegrams(1, 5)[0], 0);
    rig.clock.advance(45_000);
    expect(rig.bridge.refreshHealth().alarms).toBe(2 ** Condition.MeterSilent);
    const later = T0 + 120_000;
    rig.telegram(telegrams(1, 5, later)[0], 1000);
    const events = alarmsOf(rig.events());
    expect(events.map((e) => [e.vscpType, e.vscpData[0], e.vscpNote])).toEqual([
      [2, 1, "Meter silent"],
      [2, 0, "Meter silent"],
    ]);
    // Raised by the watchdog 30 s after the last telegram (device clock), ended with the telegram's own time.
    expect(Date.parse(events[0].vscpDateTime)).toBeGreaterThanOrEqual(T0 + 25_000);
    expect(Date.parse(events[0].vscpDateTime)).toBeLessThan(T0 + 40_000);
    expect(events[1].vscpDateTime).toBe(new Date(later).toISOString().replace(".000Z", "Z"));
    expect(rig.bridge.refreshHealth().alarms).toBe(0);
  });
});
