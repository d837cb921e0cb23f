import "@endo/init";
import { describe, expect, it } from "vitest";
import { meterStream, swedishTelegrams } from "./xs/corpus";
import { hotRun } from "./xs/hot-run";
import { Runner } from "./xs/runner";
import { useXsWorker } from "./xs/worker-hooks";
import type { XsWorker } from "./xs/xs-worker";

// The whole bridge core inside XS (hosttest/xs/bridge-pipeline.ts): telegrams are queued in the outbox while
// the link refuses, then rendered and published at QoS 1 and released by late, out-of-order acknowledgements.
// The same bytes as under Node, and nothing allocated per telegram.

const stream = meterStream(swedishTelegrams());

interface Entry {
  frame?: number;
  end?: boolean;
  published: number;
  acknowledged?: number;
  checksum: number;
  queued: number;
  dropped: number;
  eventsQueued?: number;
  eventsPublished?: number;
}

describe("bridge core inside XS", () => {
  let xs: XsWorker;
  useXsWorker(
    () => ({ se: stream }),
    (worker) => (xs = worker),
  );

  it("publishes the same payloads as under Node, queued through the outbox, dropped whole when full, drained", async () => {
    const node = new Runner();
    node.load("se", stream);
    node.load("se3", meterStream([...swedishTelegrams(), ...swedishTelegrams(), ...swedishTelegrams()]));
    await xs.load("se3", meterStream([...swedishTelegrams(), ...swedishTelegrams(), ...swedishTelegrams()]));
    for (const seed of [1, 99]) {
      const inNode = node.dump("bridge", "se3", seed);
      expect(await xs.dump("bridge", "se3", seed), `seed ${seed}`).toBe(inNode);
      const { frames, entries } = JSON.parse(inNode) as { frames: number; entries: Entry[] };
      expect(frames).toBe(36);
      const last = entries[entries.length - 1];
      expect(last.end).toBe(true);
      expect(Math.max(...entries.map((e) => e.queued))).toBeGreaterThanOrEqual(18 * 26); // held while the link refused
      expect(last.dropped).toBeGreaterThan(0);
      expect(last.dropped % 26).toBe(0); // whole telegrams
      expect(last.queued).toBe(0);
      expect(last.acknowledged).toBe(last.eventsPublished); // every event left the outbox by its PUBACK
      expect(last.eventsPublished! + last.dropped).toBe(last.eventsQueued);
      expect(last.eventsQueued).toBe(36 * 26);
    }
  });

  it("1,000 telegrams through queue, wrap, drop and drain allocate nothing (stats messages off, see the pipeline)", async () => {
    const { slots, chunks } = await hotRun("bridge", stream, { seed: 7, warmUp: 80, frames: 1000 });
    expect(slots.ran).toBe(1000);
    expect(chunks.ran).toBe(1000);
    expect(slots.heapGrowth, "heap slots allocated").toBe(0);
    expect(chunks.heapGrowth, "string/buffer chunks allocated (a collection ran)").toBe(0);
  }, 120_000);
});
