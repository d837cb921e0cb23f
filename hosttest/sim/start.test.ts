// `npm start` as a user runs it: a real process tree under npm, its signals, --once and the settings file.
import { spawn, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** A port nobody listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().once("error", reject).listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

/** True when something can listen on the port (nobody holds it). */
function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer().once("error", () => resolve(false)).listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
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
  test("SIGTERM to npm stops tsx and node and frees the broker and setup ports", async () => {
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
});
