import { describe, expect, it } from "vitest";
import { MIGRATIONS, SCHEMA_VERSION, VERSION_KEY, migrateStore, storedVersion } from "../modules/config/migrate";
import { FIELDS, defaultSettings } from "../modules/config/schema";
import { loadSettings, seedStore } from "../modules/config/settings";
import { checkValue } from "../modules/config/validate";
import { MemoryStore } from "./sim/memory-store";

/** The keys firmware 0.1.0 (schema 1) reads: today's table without the keys later schemas added. */
const SCHEMA_1_KEYS: string[] = FIELDS.map((f) => f.key).filter((key) => key !== "probation" && !key.startsWith("mapping"));

/** A store as firmware 0.1.0 left it: Wi-Fi, broker and a few changed values, no version key. */
function schema1Store(): MemoryStore {
  return new MemoryStore({
    ssid: "HomeNet",
    password: "correct horse battery",
    broker: "mqtt.lan",
    port: 8883,
    tls: true,
    mqttUser: "meter",
    mqttPass: "s3cret-pass",
    zone: 7,
    publish: "deadband",
    pubDeadband: 25,
    adminPass: "admin-pass-1",
    statusPage: true,
    buildSeed: 12345,
    setupWhy: "station-failed",
  });
}

/** What firmware 0.1.0 loads from a store: its keys only, each checked as it checks them. */
function loadAsSchema1(store: MemoryStore): { values: Record<string, unknown>; problems: string[] } {
  const values: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const field of FIELDS.filter((f) => SCHEMA_1_KEYS.includes(f.key))) {
    const raw = store.get(field.key);
    if (raw === undefined) continue;
    const check = checkValue(field, raw);
    if (check.error) problems.push(field.key);
    else values[field.key] = check.value;
  }
  return { values, problems };
}

describe("settings schema migration", () => {
  it("there is a migration from every earlier schema version", () => {
    for (let version = 1; version < SCHEMA_VERSION; version++) expect(MIGRATIONS.some((m) => m.from === version)).toBe(true);
  });

  it("migrates a schema 1 store (firmware 0.1.0) and keeps every value, Wi-Fi and broker included", () => {
    const store = schema1Store();
    const before = new Map(store.keys().map((key) => [key, store.get(key)]));
    const result = migrateStore(store);
    expect(result).toMatchObject({ found: 1, now: SCHEMA_VERSION });
    expect(store.get(VERSION_KEY)).toBe(SCHEMA_VERSION);
    for (const [key, value] of before) expect(store.get(key)).toBe(value);
    const loaded = loadSettings(store);
    expect(loaded.problems).toEqual([]);
    expect(loaded.settings).toMatchObject({
      ssid: "HomeNet",
      password: "correct horse battery",
      broker: "mqtt.lan",
      port: 8883,
      tls: true,
      zone: 7,
    });
    expect(loaded.settings.probation).toBe(defaultSettings().probation);
  });

  it("after a rollback the older firmware still reads everything it understands", () => {
    const store = schema1Store();
    const asSchema1 = loadAsSchema1(store);
    migrateStore(store);
    store.set("probation", 900); // changed on the newer firmware
    store.set("mapping", "1-0:21.7.0=,90;netL1=0"); // added without a schema step: an older firmware never reads it
    expect(loadAsSchema1(store)).toEqual(asSchema1);
    expect(asSchema1.problems).toEqual([]);
  });

  it("a store written by a newer schema is left as it is and read for the keys this firmware knows", () => {
    const store = schema1Store();
    store.set(VERSION_KEY, SCHEMA_VERSION + 3);
    store.set("futureKey", "x");
    const result = migrateStore(store);
    expect(result.now).toBe(SCHEMA_VERSION + 3);
    expect(result.notes[0]).toMatch(/newer firmware/);
    expect(store.get(VERSION_KEY)).toBe(SCHEMA_VERSION + 3);
    expect(store.get("futureKey")).toBe("x");
    expect(loadSettings(store).settings.ssid).toBe("HomeNet");
  });

  it("runs again cleanly and treats a damaged version key as schema 1", () => {
    const store = schema1Store();
    migrateStore(store);
    expect(migrateStore(store).notes).toEqual([]);
    store.set(VERSION_KEY, "two");
    expect(storedVersion(store)).toBe(1);
    expect(migrateStore(store).now).toBe(SCHEMA_VERSION);
  });

  it("an interrupted migration resumes at the step where it stopped", () => {
    const store = schema1Store();
    const applied: number[] = [];
    const steps = [1, 2, 3].map((from) => ({
      from,
      describe: `step ${from}`,
      apply: () => {
        if (from === 2 && applied.filter((x) => x === 2).length === 0) {
          applied.push(2);
          throw new Error("power cut");
        }
        applied.push(from);
      },
    }));
    expect(() => migrateStore(store, 4, steps)).toThrow("power cut");
    expect(store.get(VERSION_KEY)).toBe(2);
    expect(migrateStore(store, 4, steps).now).toBe(4);
    expect(applied).toEqual([1, 2, 2, 3]);
  });

  it("an update's own build values never replace the stored settings", () => {
    const store = schema1Store();
    const seeded = seedStore(store, { ssid: "FleetNet", broker: "fleet.example" }, false);
    expect(seeded.written).toEqual([]);
    expect(store.get("ssid")).toBe("HomeNet");
    // The next plain start with the same image does not seed them either.
    expect(seedStore(store, { ssid: "FleetNet", broker: "fleet.example" }).written).toEqual([]);
    expect(store.get("broker")).toBe("mqtt.lan");
  });
});
