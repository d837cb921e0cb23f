import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["hosttest/**/*.test.ts"],
    globalSetup: ["hosttest/support/private-tmp.ts"],
    setupFiles: ["hosttest/support/vitest-setup.ts"],
    reporters: ["default", "./hosttest/support/count-reporter.ts"],
    // Margins for a loaded 2-core machine: waits inside tests are bounded well below these.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    expect: { poll: { timeout: 15_000 } },
  },
});
