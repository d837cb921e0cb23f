// The setup page in headless Chromium against the host server: bad values, a broker that fails the
// test, good values, export and re-import, the status page behind the admin password, and no password
// ever coming back from the device.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHANNELS } from "../modules/app/channels";
import { HostSetup } from "./setup/host-setup";
import { startSetupServer, type SetupServer } from "./setup/http-server";
import { startEmbeddedBroker, type EmbeddedBroker } from "./sim/embedded-broker";
import { MemoryStore } from "./sim/memory-store";
import { CHROMIUM, CHROMIUM_ARGS, PHONE, chromiumPresent } from "./support/chromium";

/** `npm run screenshots:setup` keeps the pictures for the README; a normal run writes them to a temporary folder. */
const README_SHOTS = process.env.SETUP_SCREENSHOTS ? fileURLToPath(new URL("./setup/screenshots/", import.meta.url)) : undefined;
let SHOTS = "";

const WIFI_PASS = "correct horse battery";
const MQTT_PASS = "broker-pass-77";
const ADMIN_PASS = "admin-pass-55";
const SECRETS = [WIFI_PASS, MQTT_PASS, ADMIN_PASS];

const haveChromium = chromiumPresent("setup end-to-end test");

describe.skipIf(!haveChromium)("setup page in headless Chromium", () => {
  let broker: EmbeddedBroker;
  let store: MemoryStore;
  let setup: HostSetup;
  let ap: SetupServer;
  let station: SetupServer;
  const dirs: string[] = [];
  const contexts: BrowserContext[] = [];
  /** Every body the device sent to the browser. */
  const bodies: string[] = [];
  const logs: string[] = [];

  async function open(httpCredentials?: { username: string; password: string }): Promise<Page> {
    const dir = mkdtempSync(join(tmpdir(), "p1vscp-chromium-"));
    dirs.push(dir);
    const context = await chromium.launchPersistentContext(dir, {
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
      headless: true,
      viewport: PHONE,
      deviceScaleFactor: 1,
      isMobile: true,
      hasTouch: true,
      httpCredentials,
      acceptDownloads: true,
    });
    contexts.push(context);
    const page = context.pages()[0] ?? (await context.newPage());
    page.on("response", (response) => {
      response.text().then(
        (text) => bodies.push(text),
        () => {},
      );
    });
    return page;
  }

  beforeAll(async () => {
    SHOTS = README_SHOTS || mkdtempSync(join(tmpdir(), "p1vscp-shots-"));
    if (README_SHOTS) mkdirSync(SHOTS, { recursive: true });
    else dirs.push(SHOTS);
    broker = await startEmbeddedBroker(20000 + Math.floor(Math.random() * 20000));
    store = new MemoryStore();
    setup = new HostSetup({ store, log: (line) => logs.push(line), apply: { restartDelayMs: 1_500, mqttTimeoutMs: 8_000 }, scanMs: 100 });
    ap = await startSetupServer(setup, { network: "ap" });
    station = await startSetupServer(setup, { network: "station" });
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await ap?.close();
    await station?.close();
    setup?.close();
    await broker?.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it("shows the errors next to each bad field and stores nothing", async () => {
    const page = await open();
    await page.goto(ap.url);
    await page.waitForSelector("#ready:text('ready')", { state: "attached" });
    await page.locator("#networks button", { hasText: "HomeNet" }).waitFor();
    await page.screenshot({ path: join(SHOTS, "setup.png") });
    // Each group of settings is one section, whatever the order of the fields in the schema.
    expect(await page.locator("#fields h3").allTextContents()).toEqual([
      "Wi-Fi",
      "MQTT broker",
      "VSCP events",
      "Meter port",
      "Device",
      "VSCP mapping",
      "Alarms",
      "Capacity tariff",
    ]);

    await page.fill("#f-port", "70000");
    await page.fill("#f-topic", "vscp/#");
    await page.fill("#f-hostname", "bad host");
    await page.fill("#f-password", "short");
    await page.selectOption("#f-rxPin", "18");
    await page.selectOption("#f-rtsPin", "18");
    await page.click("#save");
    await expect.poll(() => page.textContent("#err-port"), { timeout: 15_000 }).toContain("above the maximum 65535");
    expect(await page.textContent("#err-topic")).toContain("wildcards");
    expect(await page.textContent("#err-hostname")).toContain("letters, digits");
    expect(await page.textContent("#err-password")).toContain("8 to 63 characters");
    expect(await page.textContent("#err-rtsPin")).toContain("already the RX pin");
    expect(await page.textContent("#form-msg")).toContain("5 fields need attention");
    expect(await page.getAttribute("#row-port", "class")).toContain("bad");
    await page.locator("#row-port").scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, "setup-errors.png") });
    expect(store.keys()).toEqual([]);
  });

  it("keeps the old settings when the broker does not answer, and says why next to the broker", async () => {
    const page = await open();
    await page.goto(ap.url);
    await page.waitForSelector("#ready:text('ready')", { state: "attached" });
    await page.locator("#networks button", { hasText: "HomeNet" }).click();
    expect(await page.inputValue("#f-ssid")).toBe("HomeNet");
    await page.fill("#f-password", WIFI_PASS);
    await page.fill("#f-broker", "127.0.0.1");
    await page.fill("#f-port", "1"); // nothing listens there
    await page.click("#save");
    await expect.poll(() => page.textContent("#apply"), { timeout: 15_000 }).toContain("The MQTT broker did not accept the connection");
    expect(await page.textContent("#apply")).toContain("the previous settings stay");
    expect(await page.textContent("#err-broker")).toContain("connection refused");
    expect(await page.inputValue("#f-password")).toBe(""); // sent once, never kept in the page
    expect(store.keys()).toEqual([]);
  });

  it("saves good values after testing them, restarts, and never shows a password again", async () => {
    const page = await open();
    await page.goto(ap.url);
    await page.waitForSelector("#ready:text('ready')", { state: "attached" });
    await page.fill("#f-ssid", "HomeNet");
    await page.fill("#f-password", WIFI_PASS);
    await page.fill("#f-hostname", "p1-meter");
    await page.fill("#f-broker", "127.0.0.1");
    await page.fill("#f-port", String(broker.port));
    await page.fill("#f-mqttUser", "meter");
    await page.fill("#f-mqttPass", MQTT_PASS);
    await page.fill("#f-zone", "3");
    await page.selectOption("#f-publish", "deadband");
    await page.fill("#f-adminPass", ADMIN_PASS);
    await page.check("#f-statusPage");
    await page.click("#save");
    await expect.poll(() => page.textContent("#apply"), { timeout: 15_000 }).toContain("Tested and saved");
    await expect.poll(() => setup.restarts, { timeout: 15_000 }).toBe(1);
    expect(store.get("ssid")).toBe("HomeNet");
    expect(store.get("password")).toBe(WIFI_PASS);
    expect(store.get("mqttPass")).toBe(MQTT_PASS);
    expect(store.get("port")).toBe(broker.port);
    expect(store.get("zone")).toBe(3);
    expect(store.get("statusPage")).toBe(true);

    await page.reload();
    await page.waitForSelector("#ready:text('ready')", { state: "attached" });
    expect(await page.inputValue("#f-zone")).toBe("3");
    for (const key of ["password", "mqttPass", "adminPass"]) {
      expect(await page.inputValue(`#f-${key}`)).toBe("");
      expect(await page.getAttribute(`#f-${key}`, "placeholder")).toContain("leave empty to keep");
    }
    const html = await page.content();
    for (const secret of SECRETS) expect(html).not.toContain(secret);
  });

  it("exports without passwords and re-imports (a bad file is refused per field)", async () => {
    const page = await open();
    await page.goto(ap.url);
    await page.waitForSelector("#ready:text('ready')", { state: "attached" });
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#export")]);
    const text = readFileSync((await download.path())!, "utf8");
    for (const secret of SECRETS) expect(text).not.toContain(secret);
    const file = JSON.parse(text);
    expect(file.values).toMatchObject({ ssid: "HomeNet", zone: 3, publish: "deadband" });
    expect("password" in file.values || "mqttPass" in file.values || "adminPass" in file.values).toBe(false);

    const bad = { ...file, values: { ...file.values, zone: 999 } };
    await page.setInputFiles("#import", { name: "bad.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(bad)) });
    await expect.poll(() => page.textContent("#err-zone"), { timeout: 15_000 }).toContain("above the maximum 255");
    expect(store.get("zone")).toBe(3);

    const changed = { ...file, values: { ...file.values, zone: 9, nodeName: "Imported meter", mqttPass: "imported-pass-1" } };
    await page.setInputFiles("#import", {
      name: "config.json",
      mimeType: "application/json",
      buffer: Buffer.from(JSON.stringify(changed)),
    });
    await expect.poll(() => store.get("zone"), { timeout: 15_000 }).toBe(9);
    // The browser may show the reply after the device has applied it (a busy machine): wait for the text.
    await expect
      .poll(() => page.textContent("#import-msg"), { timeout: 15_000 })
      .toContain("Passwords in the file were ignored (mqttPass)");
    expect(await page.textContent("#import-msg")).toContain("Imported");
    expect(store.get("nodeName")).toBe("Imported meter");
    expect(store.get("password")).toBe(WIFI_PASS);
    expect(store.get("mqttPass")).toBe(MQTT_PASS);
  });

  it("edits the mapping as one table: a refused row is named, a saved one is kept, only what differs is stored", async () => {
    const page = await open();
    await page.goto(ap.url);
    await page.waitForSelector("#ready:text('ready')", { state: "attached" });
    await page.click("#row-mapping");
    const row = (code: string) => page.locator("#map tr", { has: page.locator("td:first-child", { hasText: new RegExp(`^${code}`) }) });
    const cell = (code: string, column: "on" | "index" | "zone" | "subzone") =>
      row(code).locator("input").nth(["on", "index", "zone", "subzone"].indexOf(column));
    expect(await page.locator("#map tr").count()).toBe(1 + 70 + CHANNELS.length);
    // The sample meter's telegram is marked.
    expect(await row("1-0:1.8.0").getAttribute("class")).toBe("seen");
    expect(await cell("1-0:21.7.0", "index").inputValue()).toBe("8");
    expect(await cell("1-0:21.7.0", "zone").inputValue()).toBe("9"); // the zone setting is every row's default

    await cell("1-0:21.7.0", "index").fill("4");
    await page.click("#save");
    await expect
      .poll(() => page.textContent("#err-mapping"), { timeout: 15_000 })
      .toBe("row 1 (1-0:21.7.0): sensor index 4 is used by 1-0:1.7.0");
    expect(await page.textContent("#form-msg")).toContain("1 field needs attention");
    expect(store.get("mapping")).toBeUndefined();

    await cell("1-0:21.7.0", "index").fill("90");
    await cell("1-0:1.8.0", "zone").fill("4");
    await cell("netL1", "on").uncheck();
    await page.locator("#row-mapping").evaluate((summary) => summary.scrollIntoView());
    await page.screenshot({ path: join(SHOTS, "setup-mapping.png") });
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    const restarts = setup.restarts;
    await page.click("#save");
    await expect.poll(() => store.get("mapping"), { timeout: 15_000 }).toBe("1-0:1.8.0=,,4;1-0:21.7.0=,90;netL1=0");
    expect([store.get("mapping2"), store.get("mapping3")]).toEqual([undefined, undefined]);
    await expect.poll(() => setup.restarts, { timeout: 15_000 }).toBe(restarts + 1);

    await page.reload();
    await page.waitForSelector("#ready:text('ready')", { state: "attached" });
    await page.click("#row-mapping");
    expect(await cell("1-0:21.7.0", "index").inputValue()).toBe("90");
    expect(await cell("1-0:1.8.0", "zone").inputValue()).toBe("4");
    expect(await cell("netL1", "on").isChecked()).toBe(false);
    expect(await cell("netL2", "on").isChecked()).toBe(true);
    expect(await page.textContent("#err-mapping")).toBe("");
  });

  it("shows the status page on the home network only with the admin password", async () => {
    const anonymous = await fetch(`${station.url}api/status`);
    expect(anonymous.status).toBe(401);
    const page = await open({ username: "admin", password: ADMIN_PASS });
    await page.goto(station.url);
    await page.waitForSelector("#ready:text('ready')", { state: "attached" });
    await expect.poll(() => page.textContent("#status"), { timeout: 15_000 }).toContain("/LGF5E360");
    expect(await page.isVisible("#form")).toBe(false);
    expect(await page.isVisible("#enter-setup")).toBe(true);
    await page.screenshot({ path: join(SHOTS, "status.png") });
    await page.click("#enter-setup");
    await expect.poll(() => page.textContent("#action-msg"), { timeout: 15_000 }).toContain("setup mode");
  });

  it("never sent a password back, and never logged one", () => {
    expect(bodies.length).toBeGreaterThan(20);
    for (const body of bodies) for (const secret of SECRETS) expect(body).not.toContain(secret);
    for (const line of logs) for (const secret of SECRETS) expect(line).not.toContain(secret);
    expect(setup.handlers.redacted).toBe(0);
  });
});
