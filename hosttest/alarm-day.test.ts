// A simulated day with a fuse overload, a voltage sag and a capacity-tariff peak yields exactly its alarm events.
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { ALARM_CHANNELS } from "../modules/alarm/channels";
import { AlarmSource } from "../modules/alarm/source";
import { makeRig } from "./fakes/rig";
import { DAY_ENTRIES, DAY_EXPECTED, DAY_PEAK_W, DAY_SETTINGS, DAY_START, DAY_STEP_S, DAY_TELEGRAMS } from "./sim/alarm-day";
import { ALARM_DAY, dayOfTelegrams } from "./sim/day-profile";
import { swedishTelegram } from "./sim/swedish-telegram";
import { TariffStandIn } from "./sim/tariff-stand-in";

// node-vscp is the VSCP author's own decoder: an independent reading of what we publish.
const vscp = createRequire(import.meta.url)("node-vscp");

describe("a simulated day through the bridge", () => {
  it("publishes exactly the day's alarm events: types, on/off bytes, zones, order and times", () => {
    let alarms: AlarmSource | undefined;
    const rig = makeRig(
      {},
      {
        channels: ALARM_CHANNELS,
        mapping: { zone: DAY_SETTINGS.zone, subzone: DAY_SETTINGS.subzone, entries: DAY_ENTRIES },
        sources: (mapping) => {
          const tariff = new TariffStandIn(mapping.slotOf("1-0:1.8.0"), mapping.slotOf("1-0:1.7.0"), DAY_PEAK_W);
          alarms = new AlarmSource(mapping, DAY_SETTINGS, tariff);
          return [tariff, alarms];
        },
      },
    );
    alarms!.attach(rig.bridge.health);
    rig.bridge.start();
    rig.clock.advance(1000);
    for (const values of dayOfTelegrams(DAY_START, DAY_STEP_S, DAY_TELEGRAMS, 2025, ALARM_DAY))
      rig.telegram(Buffer.from(swedishTelegram(values), "latin1"), DAY_STEP_S * 1000);
    const received = rig
      .events()
      .map((e) => ({ topic: e.topic, json: JSON.parse(e.payload) }))
      .filter((e) => e.json.vscpClass === 1);
    const seen = received.map(({ json }) => {
      const event = new vscp.Event(json);
      const channel = ALARM_CHANNELS.find((c) => c.label === json.vscpNote)!;
      return { time: json.vscpDateTime, type: event.vscpType, key: channel.key, data: Array.from(event.vscpData) };
    });
    expect(seen).toEqual(DAY_EXPECTED);
    expect(received[0].topic).toMatch(/\/1\/1\/138\/138$/);
    const health = rig.bridge.refreshHealth();
    expect(health.telegramsOk).toBe(DAY_TELEGRAMS);
    expect(health.alarms).toBe(0);
    expect(alarms!.started).toBe(4);
  });

  it("the same day without its script publishes no alarm", () => {
    const rig = makeRig(
      {},
      {
        channels: ALARM_CHANNELS,
        sources: (mapping) => {
          const tariff = new TariffStandIn(mapping.slotOf("1-0:1.8.0"), mapping.slotOf("1-0:1.7.0"), DAY_PEAK_W);
          return [tariff, new AlarmSource(mapping, DAY_SETTINGS, tariff)];
        },
      },
    );
    rig.bridge.start();
    rig.clock.advance(1000);
    for (const values of dayOfTelegrams(DAY_START, DAY_STEP_S, DAY_TELEGRAMS))
      rig.telegram(Buffer.from(swedishTelegram(values), "latin1"), DAY_STEP_S * 1000);
    expect(rig.events().filter((e) => JSON.parse(e.payload).vscpClass === 1)).toEqual([]);
    expect(rig.bridge.refreshHealth().telegramsOk).toBe(DAY_TELEGRAMS);
  });
});
