// Headless Chromium for the page tests: Debian's build, started so that it reaches nothing but the test's server.
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
