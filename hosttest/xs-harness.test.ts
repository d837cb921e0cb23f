import "@endo/init";
import { describe, expect, it } from "vitest";
import { meterStream, swedishTelegrams } from "./xs/corpus";
import { Runner } from "./xs/runner";
import { useXsWorker } from "./xs/worker-hooks";
import type { XsWorker } from "./xs/xs-worker";

// Self-test of the XS harness on stand-in pipelines: it must see allocations when there are some,
// none when there are none, count compute deterministically, and dump identically in both engines.

const stream = meterStream(swedishTelegrams());
let xs: XsWorker;
useXsWorker(
  () => ({ se: stream }),
  (worker) => (xs = worker),
);

async function cost(pipeline: Parameters<XsWorker["prepare"]>[0], frames: number) {
  await xs.prepare(pipeline, "se", 7);
  await xs.run(24);
  return xs.measure(frames);
}

describe("XS harness", () => {
  it("runs the requested number of frames", async () => {
    const result = await cost("standin-prealloc", 50);
    expect(result.ran).toBe(50);
  });

  it("reports the same compute for the same work", async () => {
    const first = await cost("standin-prealloc", 100);
    const second = await cost("standin-prealloc", 100);
    expect(first.computePerFrame).toBeGreaterThan(0);
    expect(second.computePerFrame).toBe(first.computePerFrame);
  });

  it("dumps the same frames under Node and inside XS", async () => {
    const node = new Runner();
    node.load("se", stream);
    for (const seed of [0, 1, 99]) {
      const inXs = await xs.dump("standin-prealloc", "se", seed);
      expect(JSON.parse(inXs).frames).toBe(12);
      expect(inXs).toBe(node.dump("standin-prealloc", "se", seed));
    }
  });
});
