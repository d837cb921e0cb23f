// The firmware update page in headless Chromium against the host server: behind the admin password, a
// file chosen, uploaded with a progress bar, checked by the same update core as the device; a refused
// image says why and switches nothing.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KEY_TO, UpdateState } from "../modules/update/probation";
import { UpdateService } from "../modules/update/service";
import { HostSetup } from "./setup/host-setup";
import { startSetupServer, type SetupServer } from "./setup/http-server";
import { MemoryStore } from "./sim/memory-store";
import { RealClock, RealScheduler } from "./sim/real-clock";
import { buildImage } from "./update/image-builder";
import { HostUpdatePlatform } from "./update/host-update";
import { CHROMIUM, CHROMIUM_ARGS, chromiumPresent } from "./support/chromium";

const ADMIN_PASS = "admin-pass-55";

const haveChromium = chromiumPresent("update page end-to-end test");

describe.skipIf(!haveChromium)("update page in headless Chromium", () => {
  const dir = mkdtempSync(join(tmpdir(), "p1vscp-update-page-"));
  const store = new MemoryStore({ ssid: "HomeNet", statusPage: true, adminPass: ADMIN_PASS });
  const restarts: string[] = [];
  const platform = new HostUpdatePlatform(dir, "0.1.0", (reason) => restarts.push(reason));
  let setup: HostSetup;
  let station: SetupServer;
  const contexts: BrowserContext[] = [];

  async function open(password = ADMIN_PASS): Promise<Page> {
    const profile = mkdtempSync(join(dir, "chromium-"));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
      headless: true,
      httpCredentials: { username: "admin", password },
    });
    contexts.push(context);
    return context.pages()[0] ?? (await context.newPage());
  }

  beforeAll(async () => {
    setup = new HostSetup({ store });
    const updates = new UpdateService({
      platform,
      chip: "esp32",
      store,
      clock: new RealClock(),
      scheduler: new RealScheduler(),
      admin: setup.handlers.admin,
      readiness: () => "",
      outcome: () => ({ state: UpdateState.None, text: "", version: "" }),
      log: () => {},
    });
    station = await startSetupServer(setup, { network: "station", updates });
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await station?.close();
    setup?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("uploads a chosen image with a progress bar; the device checks it and restarts into it", async () => {
    const image = buildImage({ chip: "esp32", version: "0.2.0", payloadBytes: 600_000 });
    const file = join(dir, "p1vscp-0.2.0.bin");
    writeFileSync(file, image);
    const page = await open();
    await page.goto(`${station.url}update`);
    await expect.poll(() => page.textContent("#running")).toBe("0.1.0");
    expect(await page.textContent("#ready")).toBe("yes");
    await page.setInputFiles("#file", file);
    // The page computes the SHA-256 itself: crypto.subtle is missing on plain HTTP.
    await expect.poll(() => page.textContent("#msg")).toContain(`${image.length} bytes, SHA-256`);
    await page.click("#send");
    await expect.poll(() => page.textContent("#msg"), { timeout: 20_000 }).toBe("Restarting into 0.2.0 on probation.");
    expect(await page.getAttribute("#msg", "class")).toBe("ok");
    expect(await page.evaluate(() => (document.getElementById("bar") as HTMLProgressElement).value)).toBe(1);
    expect(readFileSync(platform.slotPort.path).equals(image)).toBe(true);
    expect(store.get(KEY_TO)).toBe("0.2.0");
    await expect.poll(() => restarts, { timeout: 5_000 }).toEqual(["restart into 0.2.0"]);
  });

  it("says why an image for another chip is refused, and switches nothing", async () => {
    store.delete(KEY_TO);
    platform.slotPort.activated = "";
    const file = join(dir, "c3.bin");
    writeFileSync(file, buildImage({ chip: "esp32c3", version: "0.3.0", payloadBytes: 50_000 }));
    const page = await open();
    await page.goto(`${station.url}update`);
    await page.setInputFiles("#file", file);
    await expect.poll(() => page.textContent("#msg")).toContain("SHA-256");
    await page.click("#send");
    await expect
      .poll(() => page.textContent("#msg"), { timeout: 20_000 })
      .toBe("update refused: the image is built for esp32c3; this device is esp32");
    expect(await page.getAttribute("#msg", "class")).toBe("error");
    expect(platform.slotPort.activated).toBe("");
    expect(store.get(KEY_TO)).toBeUndefined();
  });

  it("a wrong admin password gets no page", async () => {
    const page = await open("wrong-password");
    const response = await page.goto(`${station.url}update`);
    expect(response?.status()).toBe(401);
  });
});
