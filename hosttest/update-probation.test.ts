import { describe, expect, it } from "vitest";
import {
  KEY_FROM,
  KEY_LAST,
  KEY_TO,
  KEY_WHY,
  Probation,
  UpdateState,
  noteActivated,
  readiness,
  settleAtBoot,
  type Proof,
} from "../modules/update/probation";
import { FakeClock } from "./fakes/fake-clock";
import { MemoryStore } from "./sim/memory-store";
import { FakePlatform } from "./update/fakes";

const proof = (telegramsOk: number, eventsPublished: number, extra: Partial<Proof> = {}): Proof => ({
  telegramsOk,
  eventsPublished,
  mqttConnected: true,
  meterSilent: false,
  ...extra,
});

function onProbation(deadlineS = 600) {
  const store = new MemoryStore();
  const platform = new FakePlatform();
  noteActivated(store, "0.1.0", "0.2.0");
  platform.version = "0.2.0";
  platform.state = "pending";
  const clock = new FakeClock();
  const outcomes: string[] = [];
  const probation = new Probation(store, platform, clock, clock, {
    version: "0.2.0",
    deadlineS,
    bootMs: 0,
    log: () => {},
    onOutcome: (_state, text) => outcomes.push(text),
  });
  return { store, platform, clock, probation, outcomes };
}

describe("update probation", () => {
  it("a new image is kept once it parsed a good telegram and delivered events", () => {
    const { store, platform, clock, probation, outcomes } = onProbation();
    let counters = proof(0, 0);
    probation.start(() => counters);
    clock.advance(30_000);
    counters = proof(1, 0);
    clock.advance(10_000);
    expect(platform.markedValid).toBe(0);
    counters = proof(1, 26);
    clock.advance(1_000);
    expect(platform.markedValid).toBe(1);
    expect(outcomes).toEqual(["updated to 0.2.0"]);
    expect(store.get(KEY_LAST)).toBe("updated to 0.2.0");
    expect(store.get(KEY_TO)).toBeUndefined();
    expect(clock.pending).toBe(0);
    clock.advance(3_600_000);
    expect(platform.rolledBack).toBe(0);
  });

  it("an image that never sees a telegram rolls back at the deadline, leaving the reason for the previous image", () => {
    const { store, platform, clock, probation } = onProbation(600);
    probation.start(() => proof(0, 0, { meterSilent: true }));
    clock.advance(599_000);
    expect(platform.rolledBack).toBe(0);
    clock.advance(1_000);
    expect(platform.rolledBack).toBe(1);
    expect(platform.markedValid).toBe(0);
    expect(store.get(KEY_WHY)).toBe("no good telegram within 600 s");
    clock.advance(60_000);
    expect(platform.rolledBack).toBe(1);
  });

  it("telegrams without a broker are not enough: the image rolls back", () => {
    const { store, platform, clock, probation } = onProbation(120);
    probation.start(() => proof(12, 0, { mqttConnected: false }));
    clock.advance(120_000);
    expect(platform.rolledBack).toBe(1);
    expect(store.get(KEY_WHY)).toBe("no events delivered to the broker within 120 s");
  });

  it("a failed mark-valid is tried again, the image is not rolled back for it", () => {
    const { platform, clock, probation } = onProbation();
    platform.failMarkValid = 2;
    probation.start(() => proof(1, 1));
    clock.advance(5_000);
    expect(platform.markedValid).toBe(1);
    expect(platform.rolledBack).toBe(0);
  });

  it("with no image to go back to, the image on probation is kept rather than left pending", () => {
    const { platform, clock, probation, outcomes } = onProbation(60);
    platform.failRollback = "ESP_ERR_OTA_ROLLBACK_FAILED";
    probation.start(() => proof(0, 0));
    clock.advance(60_000);
    expect(platform.markedValid).toBe(1);
    expect(outcomes.at(-1)).toBe("updated to 0.2.0");
    expect(clock.pending).toBe(0);
  });

  it("boot settles probation, a kept update, a rollback with its reason and a reset during probation", () => {
    const platform = new FakePlatform();
    const store = new MemoryStore();
    expect(settleAtBoot(store, platform)).toEqual({ state: UpdateState.None, text: "", version: "" });

    noteActivated(store, "0.1.0", "0.2.0");
    platform.version = "0.2.0";
    platform.state = "pending";
    expect(settleAtBoot(store, platform)).toEqual({ state: UpdateState.Probation, text: "on probation: 0.2.0", version: "0.2.0" });

    // The previous image runs again with the reason the new one left.
    store.set(KEY_WHY, "no good telegram within 600 s");
    platform.version = "0.1.0";
    platform.state = "valid";
    expect(settleAtBoot(store, platform)).toEqual({
      state: UpdateState.RolledBack,
      text: "rolled back from 0.2.0: no good telegram within 600 s",
      version: "",
    });
    expect([store.get(KEY_FROM), store.get(KEY_TO), store.get(KEY_WHY)]).toEqual([undefined, undefined, undefined]);
    expect(settleAtBoot(store, platform)).toEqual({
      state: UpdateState.None,
      text: "rolled back from 0.2.0: no good telegram within 600 s",
      version: "",
    });

    // A reset (watchdog, power cut) during probation: the bootloader went back, no reason was written.
    noteActivated(store, "0.1.0", "0.3.0");
    expect(settleAtBoot(store, platform).text).toBe("rolled back from 0.3.0: it restarted before it proved itself");

    // Marked valid, but the record survived (power cut right after): settled as updated.
    noteActivated(store, "0.1.0", "0.4.0");
    platform.version = "0.4.0";
    expect(settleAtBoot(store, platform)).toEqual({ state: UpdateState.Updated, text: "updated to 0.4.0", version: "" });
  });

  it("a bootloader without rollback support still puts the new image on probation", () => {
    const platform = new FakePlatform();
    const store = new MemoryStore();
    noteActivated(store, "0.1.0", "0.2.0");
    platform.version = "0.2.0";
    platform.state = "unknown";
    expect(settleAtBoot(store, platform).state).toBe(UpdateState.Probation);
  });

  it("uploads are accepted only while the running image could itself pass probation", () => {
    expect(readiness(undefined)).toMatch(/not running/);
    expect(readiness(proof(0, 0))).toMatch(/the meter is silent/);
    expect(readiness(proof(5, 100, { meterSilent: true }))).toMatch(/the meter is silent/);
    expect(readiness(proof(5, 100, { mqttConnected: false }))).toMatch(/broker is not connected/);
    expect(readiness(proof(5, 100))).toBe("");
  });
});
