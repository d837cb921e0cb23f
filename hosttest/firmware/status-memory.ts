// `npm run memory:status`: what the status page costs in the Linux firmware build. Builds the lin debug firmware
// with the status page on, runs it under xsbug-log (which receives the XS heap instruments once a second), feeds
// telegrams through a pty and compares the XS heap without a client and while a client polls /api/live as the
// page does (every 2 s). Needs $MODDABLE and XSBUG_LOG=<a copy of $MODDABLE/tools/xsbug-log with `npm install`
// run in it>. `-- --build` only builds (no lock needed); the run reuses that build and, as the meter pty is a
// fixed path, runs under `flock /tmp/p1vscp-e2e.lock`.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";
import { SETUP_PAGE } from "../../modules/setup/page";
import { freePort } from "../e2e/broker";
import { startEmbeddedBroker } from "../sim/embedded-broker";
import { tenTelegrams } from "../e2e/harness";
import { PtyMeter } from "../e2e/pty-meter";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const METER_DEVICE = "/tmp/p1-meter";
const STATUS_URL = "http://127.0.0.1:8080"; // modules/device/lin/platform.ts STATUS_PORT
const ADMIN_PASS = "status-memory-1";
const PHASE_MS = 30_000;

function say(line: string): void {
  process.stdout.write(`memory:status: ${line}\n`);
}

function findFile(folder: string, name: string): string | undefined {
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) {
      const found = findFile(path, name);
      if (found) return found;
    } else if (entry.name === name) return path;
  }
  return undefined;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function summary(samples: number[]): string {
  if (!samples.length) return "no samples";
  const sorted = [...samples].sort((a, b) => a - b);
  return `median ${sorted[Math.floor(sorted.length / 2)]}, max ${sorted[sorted.length - 1]} (${samples.length} samples)`;
}

async function main(): Promise<number> {
  const moddable = process.env.MODDABLE;
  const xsbugLog = process.env.XSBUG_LOG;
  if (!moddable || !xsbugLog) {
    say("skipped: set MODDABLE and XSBUG_LOG (a copy of $MODDABLE/tools/xsbug-log with `npm install` run in it)");
    return 0;
  }
  const bin = join(moddable, "build", "bin", "lin", "release");
  const buildDir = join(process.env.FIRMWARE_OUT ?? join(tmpdir(), "p1vscp-firmware"), "status-memory");
  mkdirSync(buildDir, { recursive: true });
  const env = { ...process.env, PATH: [join(ROOT, "node_modules", ".bin"), bin, process.env.PATH].join(delimiter) };
  // The broker's port is built in: the build picks one and keeps it beside the binary for the run.
  const portFile = join(buildDir, "broker-port");
  let sim: ChildProcess | undefined;
  let meter: PtyMeter | undefined;
  let broker: { close(): Promise<void> } | undefined;
  let linked = false;
  let feeder: ReturnType<typeof setInterval> | undefined;
  try {
    const buildOnly = process.argv.includes("--build");
    if (buildOnly || !findFile(buildDir, "mc.so") || !existsSync(portFile)) {
      say("building the lin debug firmware with the status page on");
      writeFileSync(portFile, String(await freePort()));
      const build = spawnSync(join(bin, "mcconfig"), ["-d", "-m", "-p", "lin", "-t", "build", "-o", buildDir, "./manifest.json",
      "broker=127.0.0.1", `port=${readFileSync(portFile, "utf8")}`, "statusPage=true", `adminPass=${ADMIN_PASS}`], { cwd: ROOT, env, encoding: "utf8" });
      if (build.status !== 0) throw new Error(`mcconfig failed (${build.status}):\n${build.stdout}\n${build.stderr}`);
      if (buildOnly) return 0;
    }
    broker = await startEmbeddedBroker(Number(readFileSync(portFile, "utf8")), "127.0.0.1");
    const library = findFile(buildDir, "mc.so");
    const archive = findFile(buildDir, "mc.xs.c");
    if (!library || !archive) throw new Error(`mcconfig built no mc.so / mc.xs.c under ${buildDir}`);
    // The page is one preloaded string: XS keeps such a string in the read-only image (flash on the ESP32).
    const inImage = readFileSync(archive, "latin1").includes("XS_STRING_X_KIND}, .value = { .string = \"<!doctype html>");
    say(`page: ${SETUP_PAGE.length} bytes, ${inImage ? "a read-only string of the preloaded image (flash on the ESP32)" : "NOT found in the preloaded image"}`);

    meter = await PtyMeter.open();
    if (existsSync(METER_DEVICE) || isLink(METER_DEVICE)) throw new Error(`${METER_DEVICE} already exists: another simulator run?`);
    symlinkSync(meter.path, METER_DEVICE);
    linked = true;

    const slots: number[] = [];
    const chunks: number[] = [];
    let output = "";
    sim = spawn("xvfb-run", ["-a", "node", join(xsbugLog, "xsbug-log.js"), join(bin, "mcsim"), library], {
      cwd: xsbugLog, env: { ...env, XSBUG_PROJECT: ROOT, XSBUG_LOGMACHINE: join(ROOT, "hosttest/firmware/heap-machine.cjs") },
      stdio: ["ignore", "pipe", "pipe"], detached: true,
    });
    sim.stdout?.on("data", (d: Buffer) => {
      output += d.toString();
      for (const m of d.toString().matchAll(/#heap slot=(\d+) chunk=(\d+)/g)) {
        slots.push(Number(m[1]));
        chunks.push(Number(m[2]));
      }
    });
    sim.stderr?.on("data", (d: Buffer) => (output += d.toString()));

    const telegrams = tenTelegrams();
    let n = 0;
    feeder = setInterval(() => meter!.write(Buffer.from(telegrams[n++ % telegrams.length], "latin1")), 1000);
    const auth = { authorization: `Basic ${Buffer.from(`admin:${ADMIN_PASS}`).toString("base64")}` };
    const deadline = Date.now() + 60_000;
    for (;;) {
      const ok = await fetch(`${STATUS_URL}/api/status`, { headers: auth }).then((r) => r.ok, () => false);
      if (ok) break;
      if (Date.now() > deadline) throw new Error(`the status page did not answer within 60 s\n${output}`);
      await sleep(500);
    }
    await sleep(5_000); // settle: session up, telegrams flowing

    const idle = slots.length;
    await sleep(PHASE_MS);
    const idleSlots = slots.slice(idle);
    const idleChunks = chunks.slice(idle);

    const page = await fetch(`${STATUS_URL}/`, { headers: auth });
    const pageBytes = (await page.text()).length;
    let since = 0;
    let polls = 0;
    let largest = 0;
    const busy = slots.length;
    const end = Date.now() + PHASE_MS;
    while (Date.now() < end) {
      const r = await fetch(`${STATUS_URL}/api/live/${since}`, { headers: auth });
      const text = await r.text();
      if (r.status !== 200) throw new Error(`/api/live answered ${r.status}: ${text}`);
      const body = JSON.parse(text);
      if (body.chart && body.chart.last >= 0) since = body.chart.last;
      largest = Math.max(largest, text.length);
      polls++;
      await sleep(2_000);
    }
    const busySlots = slots.slice(busy);
    const busyChunks = chunks.slice(busy);
    say(`GET / sent ${pageBytes} bytes; ${polls} polls of /api/live, largest answer ${largest} bytes`);
    say(`XS slot heap used, no client: ${summary(idleSlots)}; client polling: ${summary(busySlots)}`);
    say(`XS chunk heap used, no client: ${summary(idleChunks)}; client polling: ${summary(busyChunks)}`);
    return idleSlots.length && busySlots.length ? 0 : 1;
  } finally {
    if (feeder) clearInterval(feeder);
    if (sim?.pid) {
      try {
        process.kill(-sim.pid, "SIGTERM");
      } catch {
        // already gone
      }
    }
    meter?.close();
    if (linked) unlinkSync(METER_DEVICE);
    await broker?.close();
  }
}

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

main().then((code) => process.exit(code), (error) => {
  say(`error: ${(error as Error).message}`);
  process.exit(1);
});
