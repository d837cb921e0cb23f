import "@endo/init";
import { beforeAll, describe, expect, it } from "vitest";
import { type CoreMemory, type PartMemory, coreMemory } from "./bench/core-memory";
import { ObisCatalog } from "../modules/p1/obis-catalog";

// Memory inside XS follows what a meter sends, not the catalog's size: a part that kept an object (a typed array
// costs 7 XS slots, a string or array item a slot's bytes) for each of the catalog's codes would cost more than
// a slot per code. The figures are exact (live memory from XS snapshots), so the bounds below are not timings.

const CATALOG_CODES = new ObisCatalog().size;
/** Values a Swedish telegram publishes (VSCP profile §5). */
const SWEDISH_EVENTS = 26;

let memory: CoreMemory;

beforeAll(async () => {
  memory = await coreMemory();
});

const part = (name: string): PartMemory & { count?: number } => {
  const found = [...memory.parts, ...memory.afterUse].find((p) => p.part === name);
  if (!found) throw new Error(`no part ${name}`);
  return found;
};

describe("what the bridge core keeps alive in XS", () => {
  it.each(["mapping", "encoder", "discovery", "publishPolicy"])("%s keeps less than an array item and a slot per catalog code", (name) => {
    expect(CATALOG_CODES).toBeGreaterThan(100);
    expect(part(name).chunkBytes).toBeLessThan(CATALOG_CODES * 32);
    expect(part(name).slots).toBeLessThan(CATALOG_CODES);
  });

  it("the snapshot keeps its 4 KiB buffer and the codes' keys as bytes, not an object per code", () => {
    const snapshot = part("snapshot");
    expect(snapshot.chunkBytes - 4096).toBeLessThan(CATALOG_CODES * 32);
    expect(snapshot.slots).toBeLessThan(CATALOG_CODES * 2);
  });

  it("the Swedish corpus adds one array of event parts per value sent, and nothing more per telegram", () => {
    const events = part("events of the corpus");
    expect(events.count).toBe(12);
    // 26 typed arrays of 7 slots, plus the lists that hold them.
    expect(events.slots).toBeLessThanOrEqual(SWEDISH_EVENTS * 7 + 8);
    // Each value's constant parts (at most 304 bytes) and topic (under 100 characters), with headers.
    expect(events.chunkBytes).toBeLessThan(SWEDISH_EVENTS * 450);
  });

  it("the outbox is its ring and little else", () => {
    const outbox = part("outbox");
    expect(outbox.chunkBytes).toBeGreaterThanOrEqual(17_408);
    expect(outbox.chunkBytes).toBeLessThan(17_408 + 512);
  });

  it("the core as composed keeps what its parts keep, within the bridge's own state", () => {
    expect(memory.composed.built.slots).toBeGreaterThan(0);
    expect(memory.composed.afterAnHour.chunkBytes).toBeLessThan(memory.total.chunkBytes + 16_384);
    expect(memory.composed.afterAnHour.slots).toBeLessThan(memory.total.slots + 1_200);
  });
});
