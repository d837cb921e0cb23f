// The status page's live dashboard in headless Chromium, served as `npm start -- --setup` serves it: a real
// bridge core with a scripted meter, the page polling /api/live. A new telegram changes the values and adds a
// chart point without a reload; a phone-sized viewport has no horizontal scroll.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PowerHistory } from "../modules/app/power-history";
import { ObisCatalog } from "../modules/p1/obis-catalog";
import { TelegramParser } from "../modules/p1/parser";
import { Reading } from "../modules/p1/reading";
import { splitTelegrams } from "./e2e/expected-events";
import { FAST, MAC, tenTelegrams } from "./e2e/harness";
import { withValue } from "./fakes/telegrams";
import { startSimSetup, type SimSetup } from "./setup/sim-setup";
import { startEmbeddedBroker, type EmbeddedBroker } from "./sim/embedded-broker";
import { HostBridge } from "./sim/host-bridge";
import { MemoryStore } from "./sim/memory-store";
import { MeterTap } from "./sim/meter-tap";
import { ScriptedMeterSource } from "./sim/scripted-source";
import { CHROMIUM, CHROMIUM_ARGS, PHONE, chromiumPresent } from "./support/chromium";

/** The README's screenshots with SETUP_SCREENSHOTS set; otherwise a temporary folder, removed afterwards. */
const KEEP_SHOTS = Boolean(process.env.SETUP_SCREENSHOTS);
let SHOTS = "";
const ADMIN_PASS = "admin-pass-55";

const haveChromium = chromiumPresent("dashboard end-to-end test");

describe.skipIf(!haveChromium)("live dashboard in headless Chromium", () => {
  let broker: EmbeddedBroker;
  let host: HostBridge;
  let meter: ScriptedMeterSource;
  let pages: SimSetup;
  let context: BrowserContext;
  let dir: string;
  let chartSource: PowerHistory | undefined;
  const telegrams = tenTelegrams();

  beforeAll(async () => {
    SHOTS = KEEP_SHOTS ? fileURLToPath(new URL("./setup/screenshots/", import.meta.url)) : mkdtempSync(join(tmpdir(), "p1vscp-shots-"));
    mkdirSync(SHOTS, { recursive: true });
    broker = await startEmbeddedBroker(20000 + Math.floor(Math.random() * 20000));
    const store = new MemoryStore();
    store.set("statusPage", true);
    store.set("adminPass", ADMIN_PASS);
    meter = new ScriptedMeterSource();
    const tap = new MeterTap(meter, () => {});
    // Chart points 50 ms apart instead of 10 s, so that each telegram of the test gets its own point.
    host = new HostBridge({
      meter: tap,
      broker: { host: "127.0.0.1", port: broker.port },
      mac: MAC,
      store,
      bridge: { ...FAST, historyPoints: 360, historyStepS: 0.05 },
      log: () => {},
    });
    host.start();
    pages = await startSimSetup({
      store,
      port: 30000 + Math.floor(Math.random() * 20000),
      picture: () => tap.picture,
      health: () => host.health,
      chart: () => ({ nowS: performance.now() / 1000, source: chartSource ?? host.bridge.history! }),
      mqtt: () => ({ state: host.health.mqttConnected ? "connected" : "disconnected", broker: `127.0.0.1:${broker.port}`, lastError: "" }),
      log: () => {},
    });
    dir = mkdtempSync(join(tmpdir(), "p1vscp-chromium-"));
    context = await chromium.launchPersistentContext(dir, {
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
      headless: true,
      viewport: PHONE,
      deviceScaleFactor: 1,
      isMobile: true,
      hasTouch: true,
      httpCredentials: { username: "admin", password: ADMIN_PASS },
    });
  });

  afterAll(async () => {
    await context?.close().catch(() => {});
    await pages?.close();
    host?.stop();
    await broker?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (SHOTS && !KEEP_SHOTS) rmSync(SHOTS, { recursive: true, force: true });
  });

  const points = (page: Page) => page.getAttribute("#chart", "data-points").then(Number);

  it("updates values and the chart on a new telegram without a reload, and fits a phone", async () => {
    meter.feed(telegrams[0]);
    const page = context.pages()[0] ?? (await context.newPage());
    let loads = 0;
    page.on("load", () => loads++);
    await page.goto(pages.statusUrl);
    await expect.poll(() => page.textContent("#flow"), { timeout: 10_000 }).toMatch(/^(Importing|Exporting) \d+\.\d{3} kW$/);
    await expect.poll(() => points(page), { timeout: 10_000 }).toBe(1);
    const before = await page.textContent("#phases");
    expect(before).toContain("Voltage V");
    expect(await page.textContent("#totals")).toContain("Energy import");
    expect(await page.textContent("#links")).toContain("% full");
    expect(await page.textContent("#links")).toContain("Alarmsnone"); // label and value cells, no alarm active

    // A telegram with another import power on L1 and in total, and no export.
    let next: Buffer = Buffer.from(telegrams[1], "latin1");
    for (const [obis, group] of [
      ["1-0:21.7.0", "04.321*kW"],
      ["1-0:1.7.0", "05.432*kW"],
      ["1-0:2.7.0", "00.000*kW"],
    ])
      next = withValue(next, obis, group);
    await new Promise((r) => setTimeout(r, 100));
    meter.feed(next);
    await expect.poll(() => page.textContent("#flow"), { timeout: 10_000 }).toBe("Importing 5.432 kW");
    expect(await page.textContent("#phases")).toContain("4.321");
    await expect.poll(() => points(page), { timeout: 10_000 }).toBe(2);
    expect(loads).toBe(1);

    const scroll = await page.evaluate(() => ({ width: document.documentElement.scrollWidth, view: document.documentElement.clientWidth }));
    expect(scroll.width).toBeLessThanOrEqual(scroll.view);
  });

  it("draws an hour of the replayed day (the README's picture)", async () => {
    // The chart's own ring, filled with the day fixture's telegrams 10 s apart and ending now.
    const catalog = new ObisCatalog();
    const parser = new TelegramParser(catalog);
    const reading = new Reading(catalog);
    const day = splitTelegrams(readFileSync(fileURLToPath(new URL("./fixtures/sim/day.txt", import.meta.url)), "latin1"));
    const history = new PowerHistory(catalog, 360, 10);
    const now = performance.now();
    day.forEach((telegram, i) => {
      const bytes = Buffer.from(telegram, "latin1");
      history.record(parser.parse(bytes, bytes.length, reading), now - (day.length - 1 - i) * 10_000);
    });
    chartSource = history;
    const page = await context.newPage();
    await page.goto(pages.statusUrl);
    expect(history.count).toBeGreaterThan(250);
    await expect.poll(() => points(page), { timeout: 10_000 }).toBe(history.count);
    const box = await page.locator("#chart .line").boundingBox();
    expect(box!.width).toBeGreaterThan(200); // spread over most of the hour, not bunched at the end
    await page.locator("#live").scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, "dashboard.png") });
  });
});
