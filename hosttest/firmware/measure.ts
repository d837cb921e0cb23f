// npm run bench:firmware [-- --json]: what the firmware uses, read from the Moddable SDK's own instrumentation.
// Builds the Linux simulator firmware with instrumentation (mcconfig -d: the same JavaScript as the ESP32
// builds), runs it headless against a pty meter and mosquitto, and splits the SDK's once-a-second samples
// (chunk and slot heap used and allocated, stack peak, garbage collections, sockets) into phases: boot, first
// telegram, steady state, a status page client, a broker outage until the outbox is full, an hour of telegrams
// (sent faster than real time: the framer takes them at any pace), then a second start over TLS to a local
// mosquitto with a test CA made at run time, last with a status page client as well. Run it under the meter lock:
//   flock /tmp/p1vscp-e2e.lock npm run bench:firmware
// Settings reach the firmware through the simulator's Preferences file (restored afterwards), so one build
// serves every phase. FIRMWARE_OUT=<dir> keeps the build (incremental next time; after a manifest change that maps a
// module name to another SDK file, e.g. ssl/session, start from an empty folder: make keeps an old build of a module
// whose new source file is older than it, and TLS then fails inside the SDK's session code).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join, resolve } from "node:path";
import { startTestBroker } from "../e2e/broker";
import { PtyMeter } from "../e2e/pty-meter";
import { Subscriber } from "../e2e/subscriber";
import { makeTestCa, startTlsBroker } from "../e2e/tls-broker";
import { MonthMeter } from "../soak/month-meter";
import { FIRMWARE_COMMAND, PHASES, formatFirmware, type FirmwareFigures, type Phase, type PhaseFigures } from "./figures";

const ROOT = resolve(import.meta.dirname, "../..");
const METER_DEVICE = "/tmp/p1-meter";
const DEVICE_ID = "020000000001";
/** The lin board's Preferences file (the SDK keeps it in the system temp folder). */
const PREFERENCES = join(tmpdir(), "modpreferences.json");
const STATUS_PORT = 8080;
const ADMIN_PASSWORD = "memory-bench-1";
/**
 * Build values: heartbeat and stats every 10 s so that each phase sees them; the telegram snapshot, which the lin
 * board turns off but an ESP32 board runs with, and Home Assistant discovery, which a user may switch on, so that
 * the figures are for the most the firmware keeps. (Build values are stored over Preferences at the first start.)
 */
/** The engine's stack while measuring, in slots (32 bytes each here). */
const MEASURING_STACK_SLOTS = 2048;
const BUILD_VALUES = ["heartbeat=10", "statsInterval=10", "snapshot=true", "haDiscovery=true"];

function say(line: string): void {
  process.stderr.write(`bench:firmware: ${line}\n`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function findFile(folder: string, name: string): string | undefined {
  if (!existsSync(folder)) return undefined;
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) {
      const found = findFile(path, name);
      if (found) return found;
    } else if (entry.name === name) return path;
  }
  return undefined;
}

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/** Reads the simulator's "instruments key:" and "instruments:" lines and files each sample under the current phase. */
class InstrumentLog {
  phase: Phase | null = "boot";
  output = "";
  private names: string[] = [];
  private pending = "";
  readonly samples = new Map<Phase, number[][]>();

  feed(text: string): void {
    this.output += text;
    this.pending += text;
    const lines = this.pending.split("\n");
    this.pending = lines.pop() ?? "";
    for (const line of lines) {
      if (line.startsWith("instruments key: ")) this.names = line.slice(17).split(",");
      else if (line.startsWith("instruments: ") && this.phase) {
        const values = line.slice(13).split(",").map(Number);
        const list = this.samples.get(this.phase) ?? [];
        list.push(values);
        this.samples.set(this.phase, list);
      }
    }
  }

  figures(phase: Phase): PhaseFigures | null {
    const list = this.samples.get(phase);
    if (!list?.length) return null;
    const column = (name: string) => {
      const at = this.names.indexOf(name);
      if (at < 0) throw new Error(`the simulator's instruments have no "${name}" (key: ${this.names.join(", ")})`);
      return list.map((v) => v[at]);
    };
    const max = (name: string) => Math.max(...column(name));
    return {
      samples: list.length,
      chunkUsedPeak: max("Chunk used"),
      chunkAllocated: max("Chunk available"),
      slotUsedPeak: max("Slot used"),
      slotAllocated: max("Slot available"),
      stackPeak: max("Stack used"),
      garbageCollections: column("Garbage collections").reduce((a, b) => a + b, 0),
      socketsPeak: max("Network sockets"),
      keysUsed: max("Keys used"),
    };
  }
}

function writePreferences(values: Record<string, string | number | boolean>): void {
  writeFileSync(PREFERENCES, JSON.stringify({ p1vscp: values }));
}

function startSimulator(mcsim: string, library: string, cwd: string, env: NodeJS.ProcessEnv, log: InstrumentLog): ChildProcess {
  // stdbuf: the simulator's stdout is a pipe here, and the samples must arrive when they are taken.
  const sim = spawn("xvfb-run", ["-a", "stdbuf", "-oL", mcsim, library], { cwd, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  sim.stdout?.on("data", (d: Buffer) => log.feed(d.toString()));
  sim.stderr?.on("data", (d: Buffer) => log.feed(d.toString()));
  return sim;
}

async function stopSimulator(sim: ChildProcess | undefined): Promise<void> {
  if (!sim?.pid || sim.exitCode !== null) return;
  try {
    process.kill(-sim.pid, "SIGTERM"); // xvfb-run, Xvfb and mcsim share the group started here
  } catch {
    return;
  }
  await Promise.race([new Promise((r) => sim.once("exit", r)), sleep(5000)]);
}

/** `seconds` of samples under `phase` (at least two samples land in it). */
async function hold(log: InstrumentLog, phase: Phase, seconds: number): Promise<void> {
  log.phase = phase;
  await sleep(seconds * 1000);
}

/** Asks for the page, the configuration and the status again and again; counts whole answers and failed ones. */
async function statusPageClient(seconds: number): Promise<{ answered: number; failed: number }> {
  const auth = `Basic ${Buffer.from(`admin:${ADMIN_PASSWORD}`).toString("base64")}`;
  const until = Date.now() + seconds * 1000;
  let answered = 0;
  let failed = 0;
  while (Date.now() < until) {
    for (const path of ["/", "/api/config", "/api/status"]) {
      try {
        const response = await fetch(`http://127.0.0.1:${STATUS_PORT}${path}`, { headers: { authorization: auth } });
        await response.arrayBuffer(); // the whole body, or it throws
        if (response.ok) answered++;
        else failed++;
      } catch {
        failed++;
      }
    }
    await sleep(300);
  }
  return { answered, failed };
}

export async function measureFirmware(): Promise<FirmwareFigures | { skipped: string; command: string }> {
  const moddable = process.env.MODDABLE;
  if (!moddable)
    return { skipped: "$MODDABLE is not set (point it at a Moddable SDK with its Linux tools built)", command: FIRMWARE_COMMAND };
  const bin = join(moddable, "build", "bin", "lin", "release");
  for (const tool of ["mcconfig", "mcsim"]) {
    if (!existsSync(join(bin, tool)))
      return { skipped: `${join(bin, tool)} is missing: build the SDK's Linux tools first`, command: FIRMWARE_COMMAND };
  }
  if (spawnSync("xvfb-run", ["--help"], { stdio: "ignore" }).error) throw new Error("xvfb-run is missing (apt-get install xvfb)");

  const out = resolve(process.env.FIRMWARE_OUT ?? join(tmpdir(), "p1vscp-firmware"), "memory-lin");
  mkdirSync(out, { recursive: true });
  const env = { ...process.env, PATH: [join(ROOT, "node_modules", ".bin"), bin, process.env.PATH].join(delimiter) };
  say(`building the instrumented lin firmware in ${out}`);
  // Everything but the build values comes from Preferences. A manifest in the build folder includes the project's
  // and gives the engine a stack far larger than any board's (the simulator's default is 384 slots, near the
  // peak): the stack figure is then a high-water mark that no stack size caps.
  const manifestDir = join(out, "p1vscp-memory");
  mkdirSync(manifestDir, { recursive: true });
  const manifest = join(manifestDir, "manifest.json");
  writeFileSync(manifest, JSON.stringify({ include: [join(ROOT, "manifest.json")], creation: { stack: MEASURING_STACK_SLOTS } }));
  const build = spawnSync(join(bin, "mcconfig"), ["-d", "-m", "-p", "lin", "-t", "build", "-o", out, manifest, ...BUILD_VALUES], {
    cwd: ROOT,
    env,
    encoding: "utf8",
    maxBuffer: 64 << 20,
  });
  if (build.status !== 0) throw new Error(`mcconfig failed (${build.status}):\n${build.stdout}\n${build.stderr}`);
  const library = findFile(join(out, "bin"), "mc.so");
  if (!library) throw new Error(`mcconfig built no mc.so under ${out}`);

  const scratch = mkdtempSync(join(tmpdir(), "p1vscp-memory-"));
  const savedPreferences = existsSync(PREFERENCES) ? readFileSync(PREFERENCES) : null;
  const broker = await startTestBroker();
  let meter: PtyMeter | undefined;
  let subscriber: Subscriber | undefined;
  let sim: ChildProcess | undefined;
  let tls: { child: ChildProcess } | undefined;
  let linked = false;
  const log = new InstrumentLog();
  const checks: Record<string, number | string | boolean> = {};
  try {
    meter = await PtyMeter.open();
    if (existsSync(METER_DEVICE) || isLink(METER_DEVICE))
      throw new Error(`${METER_DEVICE} already exists: another simulator run? (run under flock /tmp/p1vscp-e2e.lock)`);
    symlinkSync(meter.path, METER_DEVICE);
    linked = true;
    subscriber = await Subscriber.connect(broker.host, broker.port, { topics: [`p1vscp/${DEVICE_ID}/#`], persistent: true });
    const statusTopic = `p1vscp/${DEVICE_ID}/status`;
    const statsTopic = `p1vscp/${DEVICE_ID}/stats`;
    const lastStats = () => {
      const m = subscriber!.messages.filter((x) => x.topic === statsTopic).at(-1);
      return m ? (JSON.parse(m.payload.toString()) as Record<string, number>) : null;
    };
    const telegrams = new MonthMeter(Math.floor(Date.now() / 1000 / 10) * 10, 100_000);
    const send = async (count: number, gapMs: number) => {
      for (let i = 0; i < count; i++) {
        telegrams.next();
        meter!.write(Buffer.from(telegrams.buffer.subarray(0, telegrams.length)));
        await sleep(gapMs);
      }
    };

    writePreferences({ broker: "127.0.0.1", port: broker.port, statusPage: true, adminPass: ADMIN_PASSWORD });
    say(`running the firmware (broker 127.0.0.1:${broker.port}), meter on ${METER_DEVICE}`);
    sim = startSimulator(join(bin, "mcsim"), library, out, env, log);
    await subscriber
      .waitFor((m) => m.some((x) => x.topic === statusTopic && x.payload.toString() === "online"), "status online", 90_000)
      .catch((e: Error) => {
        throw new Error(`${e.message}\n${log.output.slice(-4000)}`);
      });
    await hold(log, "boot", 3);

    say("first telegram, steady state");
    log.phase = "firstTelegram";
    await send(1, 3000);
    log.phase = "steady";
    await send(60, 500);

    say("a status page client");
    log.phase = "statusPage";
    const page = await statusPageClient(10);
    checks.statusPageAnswers = page.answered;
    checks.statusPageFailures = page.failed;
    await send(10, 300);

    say("broker outage until the outbox is full");
    log.phase = "outageOutboxFull";
    await broker.stop();
    await send(150, 200);
    await sleep(3000);
    log.phase = "reconnectDrain";
    await broker.start();
    await subscriber
      .waitFor(() => (lastStats()?.queueDrops ?? 0) > 0 && lastStats()?.queueDepth === 0, "stats after the outage, outbox drained", 120_000)
      .catch((e: Error) => {
        checks.outageProblem = e.message;
      });
    checks.outageQueueDrops = lastStats()?.queueDrops ?? -1;
    checks.outageDroppedTelegrams = lastStats()?.queueDroppedTelegrams ?? -1;

    say("an hour of telegrams (360, sent every 100 ms)");
    log.phase = "hourOfTelegrams";
    await send(360, 100);
    await sleep(12_000);
    const stats = lastStats();
    checks.telegramsOk = stats?.telegramsOk ?? -1;
    checks.eventsPublished = stats?.eventsPublished ?? -1;
    checks.internalErrors = stats?.internalErrors ?? -1;
    log.phase = null;
    await stopSimulator(sim);
    sim = undefined;

    say("TLS: a test CA, mosquitto with TLS, the firmware again");
    const files = makeTestCa(scratch);
    const tlsBroker = await startTlsBroker(scratch, files);
    tls = tlsBroker;
    const tlsPort = tlsBroker.port;
    writePreferences({
      broker: "127.0.0.1",
      port: tlsPort,
      tls: true,
      caCert: readFileSync(files.ca, "utf8"),
      statusPage: true,
      adminPass: ADMIN_PASSWORD,
    });
    log.phase = "tlsHandshake";
    const logStart = log.output.length;
    sim = startSimulator(join(bin, "mcsim"), library, out, env, log);
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline && !/mqtt: connected/.test(log.output.slice(logStart))) await sleep(250);
    checks.tlsConnected = /mqtt: connected/.test(log.output.slice(logStart));
    if (!checks.tlsConnected) {
      // The firmware's last lines (not the samples; the configuration line masks passwords), and whether it still runs.
      checks.tlsLog = log.output
        .slice(logStart)
        .split("\n")
        .filter((l) => !l.startsWith("instruments"))
        .slice(-12)
        .join(" | ");
      checks.tlsFirmwareExit = sim.exitCode === null ? "running" : `exited with ${sim.exitCode}`;
    }
    await sleep(2000);
    log.phase = "tlsSteady";
    await send(20, 500);
    await sleep(3000);
    // The most at once: TLS, telegrams and a status page client.
    log.phase = "tlsStatusPage";
    const [tlsPage] = await Promise.all([statusPageClient(10), send(20, 500)]);
    checks.tlsStatusPageAnswers = tlsPage.answered;
    checks.tlsStatusPageFailures = tlsPage.failed;
    log.phase = null;
    if (sim.exitCode !== null || !log.samples.get("tlsStatusPage")?.length) {
      checks.tlsFirmwareExit = sim.exitCode === null ? "running" : `exited with ${sim.exitCode}`;
      checks.tlsLastLines = log.output
        .slice(logStart)
        .split("\n")
        .filter((l) => !l.startsWith("instruments"))
        .slice(-15)
        .join(" | ");
    }
  } finally {
    await stopSimulator(sim);
    tls?.child.kill("SIGTERM");
    meter?.close();
    if (linked) unlinkSync(METER_DEVICE);
    await subscriber?.close();
    await broker.close();
    if (savedPreferences) writeFileSync(PREFERENCES, savedPreferences);
    else rmSync(PREFERENCES, { force: true });
    rmSync(scratch, { recursive: true, force: true });
  }

  const phases = Object.fromEntries(PHASES.map((p) => [p, log.figures(p)])) as Record<Phase, PhaseFigures | null>;
  const present = Object.values(phases).filter((p): p is PhaseFigures => p !== null);
  const overall = {} as PhaseFigures;
  for (const key of Object.keys(present[0] ?? {}) as (keyof PhaseFigures)[]) {
    overall[key] =
      key === "samples" || key === "garbageCollections" ? present.reduce((n, p) => n + p[key], 0) : Math.max(...present.map((p) => p[key]));
  }
  return {
    command: FIRMWARE_COMMAND,
    build: "Moddable lin simulator, mcconfig -d (instrumented), 64-bit host; samples once a second",
    units: "bytes, except samples, garbageCollections, socketsPeak, keysUsed (counts). A slot is 32 bytes here and 16 on the ESP32.",
    phases,
    overall,
    checks,
  };
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.dirname, "measure.ts")) {
  measureFirmware().then(
    (result) => {
      if (process.argv.includes("--json")) process.stdout.write(`${JSON.stringify(result)}\n`);
      else process.stdout.write(formatFirmware(result));
      process.exit(0);
    },
    (error: Error) => {
      say(`error: ${error.stack ?? error.message}`);
      process.exit(1);
    },
  );
}
