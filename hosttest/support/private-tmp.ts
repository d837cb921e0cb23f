// Global setup of `npm test`: every temporary file of the run goes into one folder of its own, and the run
// fails if a test leaves anything there (it is removed either way). A folder per run, not a look at /tmp,
// so another `npm test` running beside this one cannot be mistaken for a leak.
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** tsx's compile cache: tsx keeps it on purpose between runs. */
const KEPT_BY_TOOLS = /^tsx-\d+$/;

export default function privateTemporaryFolder(): () => void {
  const before = process.env.TMPDIR;
  const folder = mkdtempSync(join(tmpdir(), "p1vscp-test-"));
  // Test workers and every process they start inherit it, and os.tmpdir() reads it at each call.
  process.env.TMPDIR = folder;
  return () => {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
    const left = readdirSync(folder).filter((name) => !KEPT_BY_TOOLS.test(name));
    rmSync(folder, { recursive: true, force: true });
    if (left.length === 0) return;
    process.exitCode = 1; // vitest reports an error thrown here but would still exit with 0
    throw new Error(`the tests left ${left.length} temporary file(s) behind: ${left.slice(0, 10).join(", ")}`);
  };
}
