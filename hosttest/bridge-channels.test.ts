// Channel sources (derived values, alarms) publish through the bridge's outbox like the meter's own values.
import { describe, expect, it } from "vitest";
import type { ChannelEvents, ChannelSource } from "../modules/app/channel-queue";
import type { Reading } from "../modules/p1/reading";
import { ChannelKind, type ChannelDefinition } from "../modules/vscp/channels";
import type { VscpMapping } from "../modules/vscp/mapping";
import { makeRig } from "./fakes/rig";
import { T0, telegramSeries } from "./fakes/telegrams";

const SUM: ChannelDefinition = {
  key: "testSum",
  label: "Test sum",
  kind: ChannelKind.Measurement,
  vscpType: 14,
  unit: 0,
  sensorIndex: 200,
  enabledByDefault: true,
};
const LATE: ChannelDefinition = { ...SUM, key: "testLate", label: "Test late", sensorIndex: 201 };
const ALARM: ChannelDefinition = { ...SUM, key: "testAlarm", label: "Test alarm", kind: ChannelKind.Alarm, vscpType: 2, sensorIndex: 202 };
const OFF: ChannelDefinition = { ...SUM, key: "testOff", label: "Test off", sensorIndex: 203, enabledByDefault: false };
const CHANNELS = [SUM, LATE, ALARM, OFF];

/** Publishes the telegram count, one value of its own time per telegram, and an alarm while the meter is silent. */
class CountingSource implements ChannelSource {
  telegrams = 0;
  ticks = 0;
  private silent = false;
  constructor(private readonly mapping: VscpMapping) {}
  onTelegram(_reading: Reading, _nowMs: number, events: ChannelEvents): void {
    this.telegrams++;
    events.add(this.mapping.slotOf("testSum"), this.telegrams, 0);
    events.add(this.mapping.slotOf("testOff"), 1, 0);
    events.addAt(1_000_000 + this.telegrams, this.mapping.slotOf("testLate"), 5, -1);
  }
  onTick(_nowMs: number, meterSilent: boolean, events: ChannelEvents): void {
    this.ticks++;
    if (meterSilent !== this.silent) {
      this.silent = meterSilent;
      events.add(this.mapping.slotOf("testAlarm"), meterSilent ? 1 : 0, 0);
    }
  }
}

function parsed(events: { topic: string; payload: string }[]): Record<string, any>[] {
  return events.map((e) => JSON.parse(e.payload));
}

describe("channel sources in the bridge", () => {
  it("add their events to the telegram's group, then those of their own time, and nothing for a switched-off channel", () => {
    let source: CountingSource | undefined;
    const sources = (mapping: VscpMapping) => {
      source = new CountingSource(mapping);
      return [source];
    };
    const rig = makeRig({}, { channels: CHANNELS, sources });
    rig.bridge.start();
    rig.clock.advance(1000);
    for (const t of telegramSeries(2)) rig.telegram(t);
    const events = parsed(rig.events());
    expect(events).toHaveLength(2 * 28);
    const first = events.slice(0, 28);
    expect(first[26]).toMatchObject({ vscpClass: 1040, vscpNote: "Test sum", vscpDateTime: first[0].vscpDateTime });
    expect(first[26].measurement).toEqual({ value: 1, unit: 0, sensorindex: 200, zone: 0, subzone: 0 });
    expect(first[27]).toMatchObject({ vscpNote: "Test late", vscpDateTime: "1970-01-12T13:46:41Z", measurement: { value: 0.5 } });
    expect(events[54].measurement.value).toBe(2);
    expect(events.some((e) => e.vscpNote === "Test off")).toBe(false);
    expect(source!.telegrams).toBe(2);
    expect(rig.bridge.refreshHealth()).toMatchObject({ eventsQueued: 56, eventsPublished: 56, valuesUnencodable: 0 });
  });

  it("let a source publish between telegrams at the device clock's time (an alarm when the meter falls silent)", () => {
    const rig = makeRig({ meterSilentAfterS: 30 }, { channels: CHANNELS, sources: (mapping) => [new CountingSource(mapping)] });
    rig.bridge.start();
    rig.clock.advance(1000);
    rig.telegram(telegramSeries(1)[0], 0);
    rig.clock.advance(40_000);
    const alarms = parsed(rig.events()).filter((e) => e.vscpClass === 1);
    expect(alarms).toHaveLength(1);
    expect(alarms[0].vscpData).toEqual([1, 0, 0]);
    expect(alarms[0].vscpNote).toBe("Test alarm");
    expect(Date.parse(alarms[0].vscpDateTime)).toBeGreaterThan(T0);
    rig.telegram(telegramSeries(1, T0 + 60_000)[0], 0);
    rig.clock.advance(2000);
    const after = parsed(rig.events()).filter((e) => e.vscpClass === 1);
    expect(after.map((e) => e.vscpData[0])).toEqual([1, 0]);
  });

  it("are called for every telegram even when the outbox has no room, and a throwing source is counted, not fatal", () => {
    let calls = 0;
    const failing: ChannelSource = {
      onTelegram() {
        calls++;
        throw new Error("derived value broke");
      },
      onTick() {},
    };
    const rig = makeRig({ outboxBytes: 256 }, { channels: CHANNELS, sources: () => [failing] });
    rig.mqtt.brokerUp = false; // everything stays in the outbox, which holds less than a telegram
    rig.bridge.start();
    rig.clock.advance(1000);
    for (const t of telegramSeries(3)) rig.telegram(t);
    expect(calls).toBe(3);
    const health = rig.bridge.refreshHealth();
    expect(health.telegramsOk).toBe(3);
    expect(health.queueDroppedTelegrams).toBeGreaterThan(0);
    expect(health.lastInternalError).toBe("channels: Error: derived value broke");
  });
});
