// A simulated day with a fuse overload, a voltage sag and a capacity-tariff peak yields exactly its alarm events.
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { ALARM_CHANNELS } from "../modules/alarm/channels";
import { AlarmSource } from "../modules/alarm/source";
import { CHANNELS } from "../modules/app/channels";
import { EnergySource, TARIFF_STORE_KEY } from "../modules/energy/energy-source";
import { tariffRuleFrom } from "../modules/energy/tariff-rule";
import type { VscpMapping } from "../modules/vscp/mapping";
import { makeRig } from "./fakes/rig";
import {
  DAY_ENTRIES,
  DAY_EXPECTED,
  DAY_PEAK_W,
  DAY_SETTINGS,
  DAY_START,
  DAY_STEP_S,
  DAY_STORED_PEAKS,
  DAY_TELEGRAMS,
} from "./sim/alarm-day";
import { ALARM_DAY, dayOfTelegrams } from "./sim/day-profile";
import { MemoryStore } from "./sim/memory-store";
import { swedishTelegram } from "./sim/swedish-telegram";

// node-vscp is the VSCP author's own decoder: an independent reading of what we publish.
const vscp = createRequire(import.meta.url)("node-vscp");

/** The energy and alarm sources as compose.ts wires them, the month's earlier peaks in the store. */
function daySources(mapping: VscpMapping) {
  const store = new MemoryStore({ [TARIFF_STORE_KEY]: DAY_STORED_PEAKS });
  // The tariff topic is not published through this rig: the alarms read the source as their TariffView.
  const energy = new EnergySource(mapping, { topic: "p1/alarm-day/tariff", rule: tariffRuleFrom(DAY_SETTINGS), store });
  const alarms = new AlarmSource(mapping, DAY_SETTINGS, energy);
  return { store, energy, alarms };
}

describe("a simulated day through the bridge", () => {
  it("publishes exactly the day's alarm events: types, on/off bytes, zones, order and times", () => {
    let day: ReturnType<typeof daySources> | undefined;
    const rig = makeRig(
      {},
      {
        channels: CHANNELS,
        mapping: { zone: DAY_SETTINGS.zone, subzone: DAY_SETTINGS.subzone, entries: DAY_ENTRIES },
        sources: (mapping) => {
          day = daySources(mapping);
          return [day.energy, day.alarms]; // the energy source first, as in compose.ts
        },
      },
    );
    const { store, energy, alarms } = day!;
    expect(energy.storeErrors).toBe(0);
    expect(energy.peaks.count).toBe(DAY_SETTINGS.tariffPeaks);
    alarms.attach(rig.bridge.health);
    rig.bridge.start();
    rig.clock.advance(1000);
    for (const values of dayOfTelegrams(DAY_START, DAY_STEP_S, DAY_TELEGRAMS, 2025, ALARM_DAY))
      rig.telegram(Buffer.from(swedishTelegram(values), "latin1"), DAY_STEP_S * 1000);
    const received = rig
      .events()
      .map((e) => ({ topic: e.topic, json: JSON.parse(e.payload) }))
      .filter((e) => e.json.vscpClass === 1);
    // The derived values (class 1040) arrive too: among them each clock hour's average, 23 hours ended in the day.
    expect(rig.events().filter((e) => JSON.parse(e.payload).vscpNote === "Hourly average import power")).toHaveLength(23);
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
    expect(alarms.started).toBe(4);
    // The guard held the day against the stored 3rd peak; none of the day's hours entered the month's set.
    expect(energy.guardPeakW).toBe(DAY_PEAK_W);
    expect(store.get(TARIFF_STORE_KEY)).toBe(DAY_STORED_PEAKS);
    expect(energy.storeErrors).toBe(0);
  });

  it("the same day without its script publishes no alarm", () => {
    const rig = makeRig(
      {},
      {
        channels: CHANNELS,
        sources: (mapping) => {
          const { energy, alarms } = daySources(mapping);
          return [energy, alarms];
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
