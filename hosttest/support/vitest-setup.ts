// Runs before every test file (vitest.config.ts setupFiles). A test that times out is abandoned by vitest, so
// the `finally` that would close its xsnap worker never runs: these hooks end such workers instead, after
// each test and when the file is done.
import { afterAll, afterEach, beforeEach } from "vitest";
import { endAbandoned, endAll, mark } from "./live-workers";

let since = 0;
beforeEach(() => {
  since = mark();
});
afterEach(async () => {
  await endAbandoned(since);
});
afterAll(async () => {
  await endAll();
});
