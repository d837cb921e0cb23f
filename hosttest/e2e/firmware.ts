// `npm run e2e:firmware`: the real firmware, built with the Moddable SDK for its Linux simulator and run headless,
// reads telegrams from a pty and publishes to mosquitto; end-to-end checks 1 (exact events) and 3 (corrupted
// telegrams) run against it. Skipped, with a message, when $MODDABLE is not set. XSBUG_LOG=<xsbug-log folder>
// runs the debug build instead and prints its trace output on failure.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startTestBroker } from "./broker";
import { expectedEvents, meterTimeToUtc } from "./expected-events";
import { tenTelegrams } from "./harness";
import { PtyMeter } from "./pty-meter";
import { Subscriber, type Received } from "./subscriber";
import { decodeMeasurement } from "./vscp-check";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
/** The simulator's station MAC (modules/device/lin/platform.ts). */
const SIM_GUID_PREFIX = "FF:FF:FF:FF:FF:FF:FF:FE:02:00:00:00:00:01";
const SIM_DEVICE_ID = "020000000001";

/** A copy of the SDK's tools/xsbug-log with its npm dependencies installed: run the debug build and show its log. */
const xsbugLog = process.env.XSBUG_LOG;

function say(line: string): void {
  process.stdout.write(`e2e:firmware: ${line}\n`);
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

function check(condition: boolean, message: string, failures: string[]): void {
  if (!condition) failures.push(message);
}

async function main(): Promise<number> {
  const moddable = process.env.MODDABLE;
  if (!moddable) {
    say("skipped: $MODDABLE is not set (point it at a Moddable SDK checkout with build/bin/lin/release/mcconfig)");
    return 0;
  }
  const bin = join(moddable, "build", "bin", "lin", "release");
  for (const tool of ["mcconfig", "mcsim"]) {
    if (!existsSync(join(bin, tool))) throw new Error(`${join(bin, tool)} is missing: build the SDK's Linux tools first`);
  }
  if (spawnSync("xvfb-run", ["--help"], { stdio: "ignore" }).error) throw new Error("xvfb-run is missing (apt-get install xvfb)");

  const broker = await startTestBroker();
  const buildDir = mkdtempSync(join(tmpdir(), "p1vscp-firmware-"));
  // Each run gets its own meter path (instead of the lin board's /tmp/p1-meter), so two runs never meet: a
  // manifest in the build folder includes the project's and overrides the board's device.
  const meterDevice = join(buildDir, "meter");
  const manifest = join(buildDir, "manifest.json");
  writeFileSync(manifest, JSON.stringify({ include: [join(ROOT, "manifest.json")], config: { board: { device: meterDevice } } }));
  const env = { ...process.env, PATH: [join(ROOT, "node_modules", ".bin"), bin, process.env.PATH].join(delimiter) };
  let sim: ChildProcess | undefined;
  let meter: PtyMeter | undefined;
  let subscriber: Subscriber | undefined;
  try {
    say(`building the lin simulator firmware (broker 127.0.0.1:${broker.port})`);
    const build = spawnSync(join(bin, "mcconfig"), [...(xsbugLog ? ["-d"] : []), "-m", "-p", "lin", "-t", "build", "-o", buildDir, manifest,
      "broker=127.0.0.1", `port=${broker.port}`, "statsInterval=10", "heartbeat=10"], { cwd: ROOT, env, encoding: "utf8" });
    if (build.status !== 0) throw new Error(`mcconfig failed (${build.status}):\n${build.stdout}\n${build.stderr}`);
    const library = findFile(buildDir, "mc.so");
    if (!library) throw new Error(`mcconfig built no mc.so under ${buildDir}`);

    meter = await PtyMeter.open();
    symlinkSync(meter.path, meterDevice);
    subscriber = await Subscriber.connect(broker.host, broker.port, { topics: ["vscp/#", "p1vscp/#"] });

    say(`running ${library} under xvfb-run, meter on ${meterDevice} → ${meter.path}`);
    let output = "";
    // A release build prints nothing; with XSBUG_LOG the debug build's trace() lines come through xsbug-log.
    sim = xsbugLog
      ? spawn("xvfb-run", ["-a", "node", join(xsbugLog, "xsbug-log.js"), join(bin, "mcsim"), library], { cwd: xsbugLog, env: { ...env, XSBUG_PROJECT: ROOT }, stdio: ["ignore", "pipe", "pipe"], detached: true })
      : spawn("xvfb-run", ["-a", join(bin, "mcsim"), library], { cwd: buildDir, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    sim.stdout?.on("data", (d: Buffer) => (output += d.toString()));
    sim.stderr?.on("data", (d: Buffer) => (output += d.toString()));
    const statusTopic = `p1vscp/${SIM_DEVICE_ID}/status`;
    await subscriber.waitFor((m) => m.some((x) => x.topic === statusTopic && x.payload.toString() === "online"), "the firmware's status online", 60_000)
      .catch((error) => { throw new Error(`${error.message}\n${output}`); });

    const telegrams = tenTelegrams();
    const failures: string[] = [];
    const measurement = (m: Received[]) => m.filter((x) => x.topic.split("/")[2] === "1040");

    // Check 1: a stream of good telegrams gives exactly the expected events.
    for (const telegram of telegrams.slice(0, 5)) {
      meter.write(Buffer.from(telegram, "latin1"));
      await new Promise((r) => setTimeout(r, 300));
    }
    await subscriber.waitFor((m) => measurement(m).length >= 130, "130 events from 5 telegrams", 30_000).catch((e) => failures.push(e.message));
    await new Promise((r) => setTimeout(r, 1000));
    const first = measurement(subscriber.messages).map(decodeMeasurement);
    const expectedFirst = telegrams.slice(0, 5).flatMap(expectedEvents);
    check(first.length === expectedFirst.length, `check 1: ${first.length} events, expected ${expectedFirst.length}`, failures);
    for (let i = 0; i < Math.min(first.length, expectedFirst.length); i++) {
      const got = first[i];
      const want = expectedFirst[i];
      const idx = want.sensorIndex.toString(16).toUpperCase().padStart(2, "0");
      const topic = `vscp/${SIM_GUID_PREFIX}:00:${idx}/1040/${want.type}/${want.sensorIndex}/${want.sensorIndex}`;
      check(got.topic === topic && got.text === want.text && got.dateTime === want.dateTime && got.unit === want.unit,
        `check 1: event ${i} is ${got.topic} ${got.text} ${got.dateTime}, expected ${topic} ${want.text} ${want.dateTime}`, failures);
    }
    // The lin board turns the snapshot off: the SDK's lin socket buffers 1 KiB per write, less than one snapshot.
    check(!subscriber.messages.some((m) => m.topic === `p1vscp/${SIM_DEVICE_ID}/telegram`), "check 1: a telegram snapshot although the lin board turns it off", failures);

    // Check 3: corrupted telegrams interleaved with good ones publish nothing of theirs.
    subscriber.clear();
    const t = telegrams;
    const valueChanged = t[5].replace(/1-0:32\.7\.0\((\d)/, (_, d: string) => `1-0:32.7.0(${(Number(d) + 1) % 10}`);
    const truncated = `${t[7].slice(0, Math.floor(t[7].length / 2))}\r\n`;
    for (const part of [valueChanged, t[6], truncated, t[8]]) {
      meter.write(Buffer.from(part, "latin1"));
      await new Promise((r) => setTimeout(r, 300));
    }
    await subscriber.waitFor((m) => measurement(m).length >= 52, "events of the 2 good telegrams", 30_000).catch((e) => failures.push(e.message));
    await new Promise((r) => setTimeout(r, 1000));
    const second = measurement(subscriber.messages).map(decodeMeasurement);
    check(second.length === 52, `check 3: ${second.length} events, expected 52`, failures);
    const badTimes = [t[5], t[7]].map((x) => meterTimeToUtc(/0-0:1\.0\.0\((\d{12}[WS])\)/.exec(x)![1]));
    check(!second.some((e) => badTimes.includes(e.dateTime)), "check 3: an event of a corrupted telegram was published", failures);
    const stats = await subscriber.waitFor((m) => m.some((x) => x.topic === `p1vscp/${SIM_DEVICE_ID}/stats`), "a stats message", 15_000)
      .then(() => JSON.parse(subscriber!.messages.filter((x) => x.topic.endsWith("/stats")).at(-1)!.payload.toString()))
      .catch((e) => failures.push(e.message));
    if (stats && typeof stats === "object") {
      check(stats.crcErrors === 1 && stats.truncated === 1 && stats.telegramsOk === 7,
        `check 3: stats say telegramsOk ${stats.telegramsOk}, crcErrors ${stats.crcErrors}, truncated ${stats.truncated}; expected 7, 1, 1`, failures);
    }

    if (failures.length) {
      const lastStats = subscriber.messages.filter((x) => x.topic.endsWith("/stats")).at(-1)?.payload.toString() ?? "none";
      say(`FAILED:\n  ${failures.join("\n  ")}\n--- last stats ---\n${lastStats}\n--- simulator output ---\n${output}`);
      return 1;
    }
    say(`passed: ${first.length} events from 5 telegrams exactly as expected; 2 corrupted telegrams published nothing, counted in the stats`);
    return 0;
  } finally {
    if (sim?.pid) {
      try {
        process.kill(-sim.pid, "SIGTERM"); // xvfb-run, Xvfb and mcsim share the group started here
      } catch {
        // already gone
      }
    }
    meter?.close();
    await subscriber?.close();
    await broker.close();
    rmSync(buildDir, { recursive: true, force: true });
  }
}

main().then((code) => process.exit(code), (error) => {
  say(`error: ${(error as Error).message}`);
  process.exit(1);
});
