// `npm start` as a user runs it: a real process tree under npm, its signals, --once and the settings file.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, test } from "vitest";
import { startSimSetup } from "../setup/sim-setup";
import { startEmbeddedBroker } from "./embedded-broker";
import { JsonFileStore } from "./file-store";
import { MemoryStore } from "./memory-store";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const TEN = "hosttest/fixtures/sim/ten-telegrams.txt";
const folder = mkdtempSync(join(tmpdir(), "p1vscp-start-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** A port nobody listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
      .once("error", reject)
      .listen(0, "127.0.0.1", () => {
        const port = (server.address() as { port: number }).port;
        server.close(() => resolve(port));
      });
  });
}

/** True when something can listen on the port (nobody holds it). */
function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
      .once("error", () => resolve(false))
      .listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/** Processes whose command line holds every one of `words` (the simulator's own arguments identify it). */
function processesWith(words: string[]): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    let command: string;
    try {
      command = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0").join(" ");
    } catch {
      continue;
    }
    if (command.includes("hosttest/sim/main.ts") && words.every((word) => command.includes(word))) found.push(Number(entry));
  }
  return found;
}

async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return condition();
}

interface Run {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function npmStart(args: string[]): Run {
  const child = spawn("npm", ["start", "--silent", "--", ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let text = "";
  child.stdout?.on("data", (chunk: Buffer) => (text += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal }));
  });
  return { child, output: () => text, exited };
}

describe("npm start as a process", () => {
  test("SIGTERM to npm stops every process of the simulator and frees the broker and setup ports", async () => {
    const brokerPort = await freePort();
    const setupPort = await freePort();
    const marker = ["--port", String(brokerPort)];
    const run = npmStart([...marker, "--setup-port", String(setupPort), "--speed", "100"]);
    try {
      // Running for real: a telegram went through the bridge (the machine may be busy: wait generously).
      expect(await until(() => / events \d+/.test(run.output()), 90_000)).toBe(true);
      expect(await portIsFree(brokerPort)).toBe(false);
      run.child.kill("SIGTERM");
      await run.exited;
      expect(await until(() => processesWith([`--port ${brokerPort}`]).length === 0, 20_000)).toBe(true);
      expect(await portIsFree(brokerPort)).toBe(true);
      expect(await portIsFree(setupPort)).toBe(true);
      expect(await portIsFree(setupPort + 1)).toBe(true);
    } finally {
      run.child.kill("SIGKILL");
      for (const pid of processesWith([`--port ${brokerPort}`])) process.kill(pid, "SIGKILL");
    }
  }, 150_000);

  test("--once plays the capture once, then exits by itself", async () => {
    const brokerPort = await freePort();
    const run = npmStart(["--port", String(brokerPort), "--replay", TEN, "--speed", "1000", "--once"]);
    try {
      const end = await Promise.race([run.exited, new Promise<"running">((resolve) => setTimeout(() => resolve("running"), 90_000))]);
      expect(end).toEqual({ code: 0, signal: null });
      expect(run.output()).toContain("replay finished (--once)");
      expect(run.output()).toMatch(/ok 10 /);
      expect(await portIsFree(brokerPort)).toBe(true);
    } finally {
      run.child.kill("SIGKILL");
      for (const pid of processesWith([`--port ${brokerPort}`])) process.kill(pid, "SIGKILL");
    }
  }, 150_000);

  test.each([
    [
      "invalid JSON",
      () => {
        writeFileSync(join(folder, "bad.json"), "{bad");
        return join(folder, "bad.json");
      },
      "is not valid JSON",
    ],
    [
      "a directory",
      () => {
        mkdirSync(join(folder, "a-folder"), { recursive: true });
        return join(folder, "a-folder");
      },
      "is a directory",
    ],
    ["a missing folder", () => join(folder, "missing", "settings.json"), "does not exist"],
  ])(
    "a settings file that is %s: a plain error before anything starts",
    async (_name, make, words) => {
      const brokerPort = await freePort();
      const run = npmStart(["--port", String(brokerPort), "--settings", make()]);
      try {
        const end = await Promise.race([run.exited, new Promise<"running">((resolve) => setTimeout(() => resolve("running"), 60_000))]);
        expect(end).toEqual({ code: 1, signal: null });
        const lines = run.output().trim().split("\n");
        expect(lines).toHaveLength(1);
        expect(lines[0]).toMatch(new RegExp(`^error: settings file .* ${words}`));
      } finally {
        run.child.kill("SIGKILL");
        for (const pid of processesWith([`--port ${brokerPort}`])) process.kill(pid, "SIGKILL");
      }
    },
    90_000,
  );

  test("setup page: MQTT state from the bridge, the broker in use in the form, the status page said to be off", async () => {
    const broker = await startEmbeddedBroker(await freePort());
    const setupPort = await freePort();
    const run = npmStart([
      "--broker",
      `mqtt://127.0.0.1:${broker.port}`,
      "--setup-port",
      String(setupPort),
      "--replay",
      TEN,
      "--speed",
      "10",
    ]);
    const api = async (path: string) => (await fetch(`http://127.0.0.1:${setupPort}${path}`)).json();
    try {
      expect(await until(() => run.output().includes("mqtt: connected"), 90_000)).toBe(true);
      expect(run.output()).toContain("settings: in memory only, lost when npm start stops (--settings FILE keeps them)");
      expect(await until(() => run.output().includes("status page"), 30_000)).toBe(true);
      expect(run.output()).toContain(`status page (as on the home network): http://127.0.0.1:${setupPort + 1}/ is off until`);
      expect((await api("/api/status")).mqtt).toMatchObject({ state: "connected", broker: `127.0.0.1:${broker.port}` });
      expect((await api("/api/config")).values).toMatchObject({ broker: "127.0.0.1", port: broker.port });

      await broker.close();
      let status: { mqtt: { state: string }; health: { mqttConnected: boolean } } | undefined;
      const disconnected = async () => {
        const now: { mqtt: { state: string }; health: { mqttConnected: boolean } } = await api("/api/status");
        status = now;
        return now.health.mqttConnected === false;
      };
      expect(await until(disconnected, 30_000)).toBe(true);
      expect(status?.mqtt.state).toBe("disconnected");
    } finally {
      run.child.kill("SIGKILL");
      for (const pid of processesWith([`--setup-port ${setupPort}`])) process.kill(pid, "SIGKILL");
      await broker.close().catch(() => {});
    }
  }, 150_000);
});

describe("saving on the simulator's setup page", () => {
  test.each([
    ["in memory", undefined, "setup: settings kept in memory only: the bridge of this run keeps its settings and a restart loses them"],
    ["to the --settings file", "saved.json", "setup: settings saved to "],
  ])(
    "says where the settings went: %s",
    async (_name, fileName, words) => {
      const settingsFile = fileName ? join(folder, fileName) : undefined;
      const store = settingsFile ? new JsonFileStore(settingsFile) : new MemoryStore();
      const logs: string[] = [];
      const pages = await startSimSetup({
        store,
        settingsFile,
        port: await freePort(),
        log: (line) => logs.push(line),
        health: () => ({}),
        picture: () => ({ telegrams: 0, rejected: 0, lastStatus: -1, meterTime: "", values: new Map() }),
        mqtt: () => ({ state: "connected", broker: "127.0.0.1:1883", lastError: "" }),
      });
      try {
        const reply = await fetch(`${pages.setupUrl}api/config`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-p1vscp": "1" },
          body: JSON.stringify({ values: { nodeName: "Hall" }, untested: true }),
        });
        expect(reply.status).toBe(202);
        expect(await until(() => logs.some((line) => line.startsWith("setup: settings")), 30_000)).toBe(true);
        expect(logs.find((line) => line.startsWith("setup: settings"))).toContain(words);
        if (settingsFile) expect(JSON.parse(readFileSync(settingsFile, "utf8")).nodeName).toBe("Hall");
      } finally {
        await pages.close();
      }
    },
    60_000,
  );
});
