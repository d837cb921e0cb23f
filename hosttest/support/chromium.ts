// Headless Chromium for the page tests: Debian's build, started so that it reaches nothing but the test's server.
import { existsSync } from "node:fs";
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
/** A phone's viewport: the pages must fit it without horizontal scrolling. */
export const PHONE = { width: 390, height: 844 };

/** Whether Chromium is there; under CI its absence is an error, elsewhere the page test `what` is skipped with a word. */
export function chromiumPresent(what: string): boolean {
  if (existsSync(CHROMIUM)) return true;
  const message = `${what}: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`;
  if (process.env.CI) throw new Error(message);
  process.stderr.write(`skipped: ${message}\n`);
  return false;
}
