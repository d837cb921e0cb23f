import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["hosttest/**/*.test.ts"],
    globalSetup: ["hosttest/support/private-tmp.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
