import "@endo/init";
import { describe, expect, it } from "vitest";
import { kW, kWh, telegram } from "./energy-telegram";
import { concat, meterStream, swedishTelegrams } from "./xs/corpus";
import { hotRun } from "./xs/hot-run";
import { Runner, type PipelineName } from "./xs/runner";

// After warm-up, the hot path allocates nothing in XS: 1,000 Swedish telegrams, round robin, fed in
// pseudo-random chunks of 1..128 bytes, leave the XS heap count exactly where an empty run leaves it,
// both on a normal machine (slot allocations) and with string/buffer space nearly full (chunk allocations).

const stream = meterStream(swedishTelegrams());
const OPTIONS = { seed: 7, warmUp: 36, frames: 1000 };
/** The snapshot (on by default in the bridge) is written for every telegram, after its events. */
const HOT_PIPELINES: PipelineName[] = ["p1-framer", "p1", "p1-vscp", "p1-snapshot"];

describe("zero allocation per telegram inside XS", () => {
  it.each(HOT_PIPELINES.map((p) => [p]))("%s: 1,000 telegrams allocate nothing", async (pipeline) => {
    const { slots, chunks } = await hotRun(pipeline, stream, OPTIONS);
    expect(slots.ran).toBe(1000);
    expect(chunks.ran).toBe(1000);
    expect(slots.heapGrowth, "heap slots allocated").toBe(0);
    expect(chunks.heapGrowth, "string/buffer chunks allocated (a collection ran)").toBe(0);
  });
});

describe("the alarm source inside XS", () => {
  it("with its conditions starting and ending on nearly every telegram, 1,000 telegrams through the bridge allocate nothing", async () => {
    // Under Node first: the thresholds (hosttest/xs/bridge-pipeline.ts) make every condition but the export limit
    // (the corpus exports nothing) start and end, so the run covers the alarm code's every branch that emits.
    const node = new Runner();
    node.load("se", stream);
    const { entries } = JSON.parse(node.dump("bridge-alarms", "se", 7)) as { entries: { alarms?: number; alarmsStarted: number }[] };
    let seen = 0;
    for (const entry of entries) seen |= entry.alarms ?? 0;
    expect(seen).toBe(0b1_0111_1111_1111); // bit 11, the export limit, never
    expect(entries[entries.length - 1].alarmsStarted).toBeGreaterThan(40);

    const { slots, chunks } = await hotRun("bridge-alarms", stream, { seed: 7, warmUp: 80, frames: 1000 });
    expect(slots.ran).toBe(1000);
    expect(chunks.ran).toBe(1000);
    expect(slots.heapGrowth, "heap slots allocated").toBe(0);
    expect(chunks.heapGrowth, "string/buffer chunks allocated (a collection ran)").toBe(0);
  }, 120_000);
});

/**
 * A meter's telegrams every 10 s from an hour boundary for 4 hours, each hour at a higher power: hours complete,
 * their averages go out with their own time, the month's peaks change and the retained tariff message is rewritten.
 */
function hoursStream(): Uint8Array {
  const start = Date.UTC(2026, 0, 14, 9) / 1000;
  const parts: Uint8Array[] = [];
  let wh = 2_000_000;
  for (let i = 0; i < 4 * 360; i++) {
    const w = 1000 + 360 * Math.floor(i / 360);
    parts.push(telegram(start + i * 10, { "1-0:1.8.0": kWh(Math.round(wh)), "1-0:1.7.0": kW(w), "1-0:2.7.0": kW(0) }));
    wh += w / 360;
  }
  return concat(parts);
}

describe("zero allocation per telegram inside XS, with the energy source in the bridge", () => {
  it.each([
    ["Swedish corpus (meter clocks jump between telegrams)", stream],
    ["a meter over four clock hours (hours complete, peaks change)", hoursStream()],
  ])(
    "%s: 1,000 telegrams allocate nothing",
    async (_what, bytes) => {
      const { slots, chunks } = await hotRun("bridge-energy", bytes, { seed: 7, warmUp: 400, frames: 1000 });
      expect(slots.ran).toBe(1000);
      expect(chunks.ran).toBe(1000);
      expect(slots.heapGrowth, "heap slots allocated").toBe(0);
      expect(chunks.heapGrowth, "string/buffer chunks allocated (a collection ran)").toBe(0);
    },
    180_000,
  );
});

describe("the measurement sees allocations (stand-ins)", () => {
  it("an array per frame shows in the slot count", async () => {
    const { slots } = await hotRun("standin-array", stream, OPTIONS);
    expect(slots.heapGrowth).toBeGreaterThanOrEqual(1000);
  });

  it("a short string per line shows only with limited chunk space", async () => {
    const { slots, chunks } = await hotRun("standin-string", stream, OPTIONS);
    expect(slots.heapGrowth).toBe(0);
    expect(chunks.heapGrowth).not.toBe(0);
  });

  it("a pipeline that allocates nothing passes both", async () => {
    const { slots, chunks } = await hotRun("standin-prealloc", stream, OPTIONS);
    expect([slots.heapGrowth, chunks.heapGrowth]).toEqual([0, 0]);
  });
});
