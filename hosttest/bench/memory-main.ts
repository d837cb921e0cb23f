// npm run bench:memory [-- --json]: what each part of the bridge core keeps alive inside XS (hosttest/bench/core-memory.ts).
import "@endo/init";
import { coreMemory, formatCoreMemory } from "./core-memory";

coreMemory().then(
  (m) => process.stdout.write(process.argv.includes("--json") ? `${JSON.stringify(m, null, 2)}\n` : formatCoreMemory(m)),
  (error: Error) => {
    process.stderr.write(`bench:memory: ${error.stack ?? error.message}\n`);
    process.exit(1);
  },
);
