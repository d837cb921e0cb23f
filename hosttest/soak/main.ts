// npm run soak [-- --days N]: a month of Swedish telegrams (259,200 at 10 s) through the whole bridge core inside
// the XS engine, with a broker outage every simulated day and damaged telegrams among them; checks that every
// telegram is accounted for and that the heap after the first day equals the heap at the end. Exit code 1 if not.
import "@endo/init";
import { coreMemory, formatCoreMemory } from "../bench/core-memory";
import { formatSoak } from "./report";
import { MONTH_START_UTC_S, runSoak } from "./soak-run";

function days(): number {
  const at = process.argv.indexOf("--days");
  if (at < 0) return 30;
  const n = Number(process.argv[at + 1]);
  if (!Number.isInteger(n) || n < 1) {
    process.stderr.write("soak: --days needs a whole number of days, at least 1\n");
    process.exit(2);
  }
  return n;
}

async function main(): Promise<number> {
  const n = days();
  process.stdout.write(`live memory of the bridge core's parts in XS\n${formatCoreMemory(await coreMemory())}`);
  process.stdout.write(`soak: ${n} simulated days from ${new Date(MONTH_START_UTC_S * 1000).toISOString()} inside XS …\n`);
  let lastDay = -1;
  const result = await runSoak({
    startUtcS: MONTH_START_UTC_S,
    days: n,
    onProgress: (done) => {
      const day = Math.floor(done / 8640);
      if (day !== lastDay && done % 8640 === 0) process.stdout.write(`soak: day ${day} done\n`);
      lastDay = day;
    },
  });
  process.stdout.write(formatSoak(result));
  return result.problems.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    process.stderr.write(`soak: ${error.stack ?? error.message}\n`);
    process.exit(1);
  },
);
