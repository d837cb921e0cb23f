import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { startEmbeddedBroker, type EmbeddedBroker } from "../sim/embedded-broker";

/** A broker the tests can stop and start again on the same loopback port. */
export interface TestBroker {
  readonly kind: "mosquitto" | "embedded";
  readonly host: string;
  readonly port: number;
  stop(): Promise<void>;
  /** Ends the broker without a chance to clean up (SIGKILL): what it did not save is gone. */
  kill(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

const HOST = "127.0.0.1";

export function mosquittoPath(): string | undefined {
  if (process.env.P1VSCP_E2E_BROKER === "embedded") return undefined; // to try the fallback on a machine with mosquitto
  for (const candidate of ["mosquitto", "/usr/sbin/mosquitto", "/usr/local/sbin/mosquitto"]) {
    const probe = spawnSync(candidate, ["-h"], { stdio: "ignore" });
    if (!probe.error) return candidate;
  }
  return undefined;
}

/** A port nobody listens on right now (the kernel picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: HOST, port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

async function waitUntilListening(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`mosquitto exited with code ${child.exitCode} before listening on ${port}`);
    if (await canConnect(port)) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`mosquitto did not listen on ${HOST}:${port} within ${timeoutMs} ms`);
}

class MosquittoBroker implements TestBroker {
  readonly kind = "mosquitto";
  readonly host = HOST;
  private child: ChildProcess | undefined;
  private readonly folder = mkdtempSync(join(tmpdir(), "p1vscp-mosquitto-"));
  log = "";

  constructor(
    private readonly binary: string,
    readonly port: number,
  ) {
    // Loopback only. Persistence keeps the subscribers' sessions across a restart, and queued QoS 0 messages
    // for a subscriber that is away, so a test subscriber misses nothing while the broker restarts.
    writeFileSync(
      join(this.folder, "mosquitto.conf"),
      [
        `listener ${port} ${HOST}`,
        "allow_anonymous true",
        "persistence true",
        `persistence_location ${this.folder}/`,
        // Started as root, mosquitto would switch to its own user and could not write the store here.
        `user ${userInfo().username}`,
        // Saved after every change (and every second), so that a killed broker comes back with the subscribers'
        // sessions and the messages it had already acknowledged: the fault tests measure the bridge, not the
        // broker's own durability.
        "autosave_interval 1",
        "autosave_on_changes true",
        "queue_qos0_messages true",
        "max_queued_messages 100000",
        "log_dest stdout",
        "log_type error",
        "log_type warning",
        "",
      ].join("\n"),
    );
  }

  async start(): Promise<void> {
    if (this.child) return;
    const child = spawn(this.binary, ["-c", join(this.folder, "mosquitto.conf")], { stdio: ["ignore", "pipe", "pipe"] });
    child.stdout?.on("data", (d: Buffer) => (this.log += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (this.log += d.toString()));
    this.child = child;
    try {
      await waitUntilListening(this.port, child, 10_000);
    } catch (error) {
      this.child = undefined;
      child.kill("SIGKILL");
      throw new Error(`${(error as Error).message}\n${this.log}`);
    }
  }

  stop(): Promise<void> {
    return this.end("SIGTERM");
  }

  kill(): Promise<void> {
    return this.end("SIGKILL");
  }

  private async end(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once("exit", () => resolve());
      child.kill(signal);
    });
  }

  async close(): Promise<void> {
    await this.stop();
    rmSync(this.folder, { recursive: true, force: true });
  }
}

/** Fallback without mosquitto. A restart loses what aedes held in memory, so the outage test is weaker here. */
class EmbeddedTestBroker implements TestBroker {
  readonly kind = "embedded";
  readonly host = HOST;
  private broker: EmbeddedBroker | undefined;

  constructor(readonly port: number) {}

  async start(): Promise<void> {
    if (this.broker) return;
    this.broker = await startEmbeddedBroker(this.port, HOST);
    if (this.broker.port !== this.port) throw new Error(`embedded broker got port ${this.broker.port}, wanted ${this.port}`);
  }

  async stop(): Promise<void> {
    const broker = this.broker;
    this.broker = undefined;
    await broker?.close();
  }

  kill(): Promise<void> {
    return this.stop(); // in-process: there is no harder way to end it
  }

  close(): Promise<void> {
    return this.stop();
  }
}

/**
 * Starts mosquitto on a free loopback port. Without mosquitto: fails under CI (it must be installed there),
 * elsewhere falls back to the embedded broker and says so.
 */
export async function startTestBroker(): Promise<TestBroker> {
  const port = await freePort();
  const binary = mosquittoPath();
  let broker: TestBroker;
  if (binary) broker = new MosquittoBroker(binary, port);
  else if (process.env.CI && process.env.P1VSCP_E2E_BROKER !== "embedded")
    throw new Error("mosquitto is not installed (CI is set, so the end-to-end tests do not fall back): apt-get install mosquitto");
  else {
    process.stderr.write("mosquitto not found: the end-to-end tests run against the embedded aedes broker instead\n");
    broker = new EmbeddedTestBroker(port);
  }
  await broker.start();
  return broker;
}
