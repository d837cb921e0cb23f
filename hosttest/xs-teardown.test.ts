import "@endo/init";
import { readdirSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Runner } from "./xs/runner";
import { XsWorker } from "./xs/xs-worker";

// A timed-out test is abandoned by vitest, so its `finally` never closes the worker: the hooks of
// hosttest/support/vitest-setup.ts must end it. And an empty stream is refused, never looped on.

/** Process ids of this process's xsnap-worker children (Linux /proc). */
function xsnapChildren(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (parent === process.pid && name.startsWith("xsnap-worker")) pids.push(Number(entry));
    } catch {
      // the process ended while being read
    }
  }
  return pids;
}

describe("xsnap workers of a timed-out test", () => {
  let stuck: XsWorker;
  let stuckPids: number[] = [];

  beforeAll(async () => {
    const before = xsnapChildren();
    stuck = await XsWorker.start();
    stuckPids = xsnapChildren().filter((pid) => !before.includes(pid));
  });

  it.fails("(times out on purpose) the engine loops forever", async () => {
    await stuck.evaluate("for (;;) {}");
  }, 1_000);

  it("are ended by the hook after the test, not left spinning", async () => {
    expect(stuckPids).toHaveLength(1);
    expect(xsnapChildren()).not.toContain(stuckPids[0]);
    await expect(stuck.load("after", new Uint8Array(1))).rejects.toThrow(/SIGTERM|terminated/);
  });
});

describe("an empty stream", () => {
  let xs: XsWorker;
  beforeAll(async () => {
    xs = await XsWorker.start();
  });
  afterAll(async () => {
    await xs?.close();
  });

  it("is refused by the runner under Node", () => {
    const runner = new Runner();
    runner.load("empty", new Uint8Array(0));
    expect(() => runner.prepare("p1", "empty", 7)).toThrow(/stream empty is empty/);
    expect(runner.run(10)).toBe(-1);
  });

  it("is refused inside XS instead of looping, and the worker carries on", async () => {
    await xs.load("empty", new Uint8Array(0));
    await expect(xs.prepare("p1", "empty", 7)).rejects.toThrow(/XS: stream empty is empty/);
    expect((await xs.run(10)).value).toBe(-1);
  }, 60_000);
});
