// Ends every `npm test` with one plain line, `N passed, N failed`, for people and CI logs alike. A run that
// executed no test at all fails: a filter or a broken include must not pass as green.
import type { Reporter, SerializedError, TestModule } from "vitest/node";

export default class CountReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError>): void {
    let passed = 0;
    let failed = 0;
    for (const module of testModules) {
      let tests = 0;
      for (const test of module.children.allTests()) {
        tests++;
        const state = test.result().state;
        if (state === "passed") passed++;
        else if (state === "failed") failed++;
      }
      // A file that failed to load (syntax error, missing import) has no tests to count: count it as one failure.
      if (tests === 0 && module.state() === "failed") failed++;
    }
    failed += unhandledErrors.length;
    if (passed + failed === 0) {
      process.stdout.write("no test ran: check the include pattern and the filter\n");
      process.exitCode = 1;
    }
    process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
  }
}
