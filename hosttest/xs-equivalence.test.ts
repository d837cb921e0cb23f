import "@endo/init";
import { describe, expect, it } from "vitest";
import { meterStream, projectFixtures, swedishTelegrams, telegramFiles } from "./xs/corpus";
import { Runner, type PipelineName } from "./xs/runner";
import { useXsWorker } from "./xs/worker-hooks";
import type { XsWorker } from "./xs/xs-worker";

// Every telegram file, fed in the same chunks to the same code in both engines, must dump identically:
// frame bytes, status, CRCs, every Reading slot and span, and the decode record.

const files = [
  ...telegramFiles(projectFixtures).map((f) => ({ ...f, name: `fixtures/${f.name}` })),
  { name: "stream/SE_all", bytes: meterStream(swedishTelegrams()) },
];
/** 0: the whole file in one push; others: pseudo-random chunks of 1..128 bytes. */
const SEEDS = [0, 1, 4242];
/** Long recordings (a simulated day) get one chunking only, to keep the suite quick. */
const LONG_FILE_BYTES = 64 * 1024;
/** The longest chain: framer, parser, encoder and the telegram snapshot. */
const PIPELINES: PipelineName[] = ["p1-snapshot"];

const node = new Runner();
let xs: XsWorker;
for (const file of files) node.load(file.name, file.bytes);
useXsWorker(
  () => Object.fromEntries(files.map((file) => [file.name, file.bytes])),
  (worker) => (xs = worker),
);

describe("XS and Node give the same result", () => {
  it("reads the corpus", () => {
    expect(files.filter((f) => f.name.startsWith("fixtures/telegrams/SE_")).length).toBe(12);
    expect(files.length).toBeGreaterThanOrEqual(59);
  });

  for (const pipeline of PIPELINES) {
    it.each(files.map((f) => [f.name]))(`${pipeline}: %s`, async (name) => {
      const bytes = files.find((f) => f.name === name)!.bytes.length;
      for (const seed of bytes > LONG_FILE_BYTES ? [1] : SEEDS) {
        const inNode = node.dump(pipeline, name, seed);
        const inXs = await xs.dump(pipeline, name, seed);
        expect(inXs, `seed ${seed}`).toBe(inNode);
      }
    });
  }

  it("finds, parses and encodes all 12 Swedish telegrams (the comparison is not vacuous)", () => {
    const dump = JSON.parse(node.dump("p1-snapshot", "stream/SE_all", 1)) as {
      frames: number;
      entries: { record: { status: string; values: unknown[] }; events: { events: unknown[] }; snapshot: string }[];
    };
    expect(dump.frames).toBe(12);
    for (const entry of dump.entries) {
      expect(entry.record.status).toBe("ok");
      expect(entry.record.values.length).toBeGreaterThanOrEqual(20);
      expect(entry.events.events.length).toBeGreaterThanOrEqual(20);
      expect(entry.snapshot).toContain('"1-0:1.8.0":{"value":');
    }
  });
});
