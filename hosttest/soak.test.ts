import "@endo/init";
import { describe, expect, it } from "vitest";
import { TELEGRAMS_PER_DAY } from "./soak/month-meter";
import { formatSoak } from "./soak/report";
import { Soak } from "./soak/soak-bridge";
import { DAY_START_UTC_S, accountingProblems, runSoak } from "./soak/soak-run";

// One simulated day of `npm run soak` (which runs thirty): 8,640 telegrams made inside XS go through the whole
// bridge core, across the end of summer time and of the month, with a broker outage and damaged telegrams.

function dayUnderNode(): Soak {
  const soak = new Soak({ startUtcS: DAY_START_UTC_S, days: 1 });
  soak.run(TELEGRAMS_PER_DAY);
  soak.finish();
  return soak;
}

describe("a day in the engine", () => {
  it("accounts for every telegram and ends with the heap it had after six hours, with the same counts as under Node", async () => {
    const result = await runSoak({ startUtcS: DAY_START_UTC_S, days: 1 });
    const { sent, health, link } = result.counts;
    expect(result.problems, formatSoak(result)).toEqual([]);
    expect(sent.damaged + sent.cut).toBeGreaterThan(0);
    expect(sent.noiseAfterCut, "a cut-off telegram, then noise, then a good one").toBeGreaterThan(0);
    expect(health.queueDroppedTelegrams, "the day's outage outlasts the outbox").toBeGreaterThan(0);
    expect(link.telegrams).toBeGreaterThan(8000);
    expect(result.atEnd).toEqual(result.atCheckpoint);
    expect(result.counts).toEqual(dayUnderNode().counts());
  }, 600_000);

  it("the accounting catches a telegram or an event that went missing", () => {
    const counts = dayUnderNode().counts();
    expect(accountingProblems(counts, TELEGRAMS_PER_DAY, 1)).toEqual([]);
    const lostEvent = structuredClone(counts);
    lostEvent.link.events--;
    expect(accountingProblems(lostEvent, TELEGRAMS_PER_DAY, 1).join("\n")).toMatch(/the broker got/);
    const uncountedDrop = structuredClone(counts);
    uncountedDrop.health.queueDroppedTelegrams--;
    expect(accountingProblems(uncountedDrop, TELEGRAMS_PER_DAY, 1).join("\n")).toMatch(/telegrams at the broker/);
    const unseenDamage = structuredClone(counts);
    unseenDamage.framer.crcMismatch--;
    expect(accountingProblems(unseenDamage, TELEGRAMS_PER_DAY, 1).join("\n")).toMatch(/CRC errors counted/);
  }, 180_000);
});
