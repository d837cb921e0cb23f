import "@endo/init";
import { describe, expect, it } from "vitest";
import { formatSoak } from "./soak/report";
import { DAY_START_UTC_S, runSoak } from "./soak/soak-run";

// One simulated day of `npm run soak` (which runs thirty): 8,640 telegrams made inside XS go through the whole
// bridge core, across the end of summer time and of the month, with a broker outage and damaged telegrams.

describe("a day in the engine", () => {
  it("accounts for every telegram and ends with the heap it had after six hours", async () => {
    const result = await runSoak({ startUtcS: DAY_START_UTC_S, days: 1 });
    const { sent, health, link } = result.counts;
    expect(result.problems, formatSoak(result)).toEqual([]);
    expect(sent.damaged + sent.cut).toBeGreaterThan(0);
    expect(health.outboxDroppedTelegrams, "the day's outage outlasts the outbox").toBeGreaterThan(0);
    expect(link.telegrams).toBeGreaterThan(8000);
    expect(result.atEnd).toEqual(result.atCheckpoint);
  }, 600_000);
});
