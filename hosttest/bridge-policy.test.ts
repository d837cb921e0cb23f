// Publish policies per mapping entry: every telegram, at most every N seconds, deadband with forced refresh.
import { describe, expect, it } from "vitest";
import { ObisCatalog } from "../modules/p1/obis-catalog";
import { PublishGate } from "../modules/app/publish-policy";
import { makeRig } from "./fakes/rig";
import { telegramSeries, withValue } from "./fakes/telegrams";

const POWER = "1-0:1.7.0";
const VOLTAGE = "1-0:32.7.0";

/** Values of one topic's events, in arrival order, with the telegram time. */
function published(rig: ReturnType<typeof makeRig>, sensorIndex: number): { time: string; value: number }[] {
  return rig
    .events()
    .map((e) => JSON.parse(e.payload))
    .filter((p) => p.measurement.sensorindex === sensorIndex)
    .map((p) => ({ time: p.vscpDateTime.slice(11, 19), value: p.measurement.value }));
}

describe("publish policy", () => {
  it("every telegram by default", () => {
    const rig = makeRig();
    rig.bridge.start();
    for (const t of telegramSeries(6)) rig.telegram(t);
    expect(published(rig, 4).length).toBe(6);
    expect(rig.events().length).toBe(6 * 26);
  });

  it("at most every N seconds for one entry, the others untouched", () => {
    const rig = makeRig({ publishPolicies: { [POWER]: { mode: "interval", intervalS: 30 } } });
    rig.bridge.start();
    for (const t of telegramSeries(12)) rig.telegram(t);
    expect(published(rig, 4).map((p) => p.time)).toEqual(["19:00:00", "19:00:30", "19:01:00", "19:01:30"]);
    expect(published(rig, 20).length).toBe(12);
    expect(rig.bridge.health.eventsSkipped).toBe(8);
  });

  it("only when changed by more than the deadband, with a forced refresh", () => {
    const rig = makeRig({ publishPolicies: { [POWER]: { mode: "deadband", deadband: 100, refreshS: 60 } } });
    rig.bridge.start();
    // kW as the meter sends them; the event and the deadband are in W.
    const kw = [
      "1.000",
      "1.050",
      "1.099",
      "1.101",
      "1.150",
      "1.000",
      "1.000",
      "1.000",
      "1.000",
      "1.000",
      "1.000",
      "1.000",
      "1.000",
      "0.850",
    ];
    const series = telegramSeries(kw.length).map((t, i) => withValue(t, POWER, `000${kw[i]}*kW`.slice(-11)));
    for (const t of series) rig.telegram(t);
    expect(published(rig, 4)).toEqual([
      { time: "19:00:00", value: 1000 }, // first value
      { time: "19:00:30", value: 1101 }, // moved 101 W
      { time: "19:00:50", value: 1000 }, // moved back 101 W
      { time: "19:01:50", value: 1000 }, // unchanged for 60 s: refresh
      { time: "19:02:10", value: 850 },
    ]);
  });

  it("rejects a policy for a code outside the catalog with a clear error", () => {
    expect(() => makeRig({ publishPolicies: { "1-0:99.99.9": { mode: "every" } } })).toThrow(/1-0:99\.99\.9/);
    expect(() => makeRig({ publishPolicies: { [VOLTAGE]: { mode: "interval", intervalS: 0 } } })).toThrow(/intervalS/);
  });

  it("PublishGate tolerates telegram jitter of half a second on an interval", () => {
    const catalog = new ObisCatalog();
    const gate = new PublishGate(catalog, { [POWER]: { mode: "interval", intervalS: 30 } });
    const slot = catalog.indexOfCode(POWER);
    const times = [0, 10_020, 19_990, 29_700, 39_900, 50_100, 59_650];
    const admit = (t: number) => {
      const pass = gate.admit(slot, 1, t);
      gate.confirm(); // the outbox took every telegram
      return pass;
    };
    expect(times.map(admit)).toEqual([true, false, false, true, false, false, true]);
  });

  it("PublishGate: a value becomes the reference only once the outbox took its telegram", () => {
    const catalog = new ObisCatalog();
    const gate = new PublishGate(catalog, { [POWER]: { mode: "deadband", deadband: 100, refreshS: 300 } });
    const slot = catalog.indexOfCode(POWER);
    expect(gate.admit(slot, 1000, 0)).toBe(true);
    gate.confirm();
    expect(gate.admit(slot, 1500, 10_000)).toBe(true);
    gate.discard(); // that telegram was dropped: 1000 stays the reference
    expect(gate.admit(slot, 1050, 20_000)).toBe(false);
    expect(gate.admit(slot, 1500, 30_000)).toBe(true);
    gate.confirm();
    expect(gate.admit(slot, 1550, 40_000)).toBe(false);
  });

  it("a telegram the outbox refuses sets no reference: the next value is compared with the last queued one", () => {
    const rig = makeRig({ publishPolicies: { [POWER]: { mode: "deadband", deadband: 100, refreshS: 300 } } });
    rig.bridge.start();
    const kw = ["1.000", "2.000", "1.050"];
    const series = telegramSeries(kw.length).map((t, i) => withValue(t, POWER, `000${kw[i]}*kW`.slice(-11)));
    const outbox = rig.bridge.outbox;
    const append = outbox.append.bind(outbox);
    let refuse = false;
    outbox.append = (...args) => (refuse ? false : append(...args));
    rig.telegram(series[0]);
    refuse = true; // the second telegram cannot be queued (as when it does not fit)
    rig.telegram(series[1]);
    refuse = false;
    rig.telegram(series[2]);
    // Had 2000 W become the reference, 1050 W (950 W away from it) would have gone out as a change.
    expect(published(rig, 4)).toEqual([{ time: "19:00:00", value: 1000 }]);
    expect(rig.bridge.health.eventsSkipped).toBe(1);
  });
});
