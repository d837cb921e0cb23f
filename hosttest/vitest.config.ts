import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["hosttest/**/*.test.ts"],
    setupFiles: ["hosttest/support/vitest-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
