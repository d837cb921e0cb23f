import "@endo/init";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { meterStream, swedishTelegrams } from "./xs/corpus";
import type { PipelineName } from "./xs/runner";
import { XsWorker } from "./xs/xs-worker";

// After warm-up, the hot path allocates nothing in XS: 1,000 Swedish telegrams, round robin, fed in
// pseudo-random chunks of 1..128 bytes, leave the XS heap slot count exactly where an empty run leaves it.

const TELEGRAMS = 1000;
const WARM_UP = 36; // three rounds of the 12-telegram corpus
const HOT_PIPELINES: PipelineName[] = ["p1-framer", "p1"];

let xs: XsWorker;

beforeAll(async () => {
  xs = await XsWorker.start();
  await xs.load("se", meterStream(swedishTelegrams()));
});
afterAll(async () => {
  await xs?.close();
});

async function hotRun(pipeline: PipelineName, seed: number) {
  await xs.prepare(pipeline, "se", seed);
  expect((await xs.run(WARM_UP)).value).toBe(WARM_UP);
  return xs.measure(TELEGRAMS);
}

describe("zero allocation per telegram inside XS", () => {
  it.each(HOT_PIPELINES.map((p) => [p]))("%s: 1,000 telegrams grow the heap by 0 slots", async (pipeline) => {
    for (const seed of [7, 2024]) {
      const result = await hotRun(pipeline, seed);
      expect(result.ran).toBe(TELEGRAMS);
      expect(result.heapGrowth, `seed ${seed}`).toBe(0);
    }
  });

  it("the same measurement sees one allocation per telegram (stand-in that allocates)", async () => {
    const result = await hotRun("standin-array", 7);
    expect(result.ran).toBe(TELEGRAMS);
    expect(result.heapGrowth).toBeGreaterThanOrEqual(TELEGRAMS);
  });
});
