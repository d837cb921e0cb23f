import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { BridgeOptions } from "../../modules/app/bridge";
import { HostBridge } from "../sim/host-bridge";
import { ScriptedMeterSource } from "../sim/scripted-source";
import type { TestBroker } from "./broker";
import { splitTelegrams } from "./expected-events";

export const MAC = "24:0A:C4:12:34:56";
export const DEVICE_ID = "240AC4123456";
export const NODE_GUID = "FF:FF:FF:FF:FF:FF:FF:FE:24:0A:C4:12:34:56:00:00";
export const STATUS_TOPIC = `p1vscp/${DEVICE_ID}/status`;
export const STATS_TOPIC = `p1vscp/${DEVICE_ID}/stats`;
export const TELEGRAM_TOPIC = `p1vscp/${DEVICE_ID}/telegram`;

/** The telegrams of a recording in hosttest/fixtures/sim, as text; throws naming the file if it holds none. */
export function recordedTelegrams(name: string): string[] {
  const path = fileURLToPath(new URL(`../fixtures/sim/${name}`, import.meta.url));
  const telegrams = splitTelegrams(readFileSync(path, "latin1"));
  if (telegrams.length === 0) throw new Error(`${path} holds no telegram (no line starting with "/")`);
  return telegrams;
}

/** The project's own stream of ten Swedish telegrams, 10 s apart in meter time. */
export function tenTelegrams(): string[] {
  return recordedTelegrams("ten-telegrams.txt");
}

/** Short timings so that heartbeats, stats, silence and reconnects happen within a test's seconds. */
export const FAST: Partial<Omit<BridgeOptions, "mqtt">> = {
  heartbeatS: 1,
  statsS: 0.5,
  // Well beyond any stall of a loaded machine: the meter must not fall silent mid-test. The silence test sets its own.
  meterSilentAfterS: 60,
  connectTimeoutS: 5,
  mqttBackoff: { initialMs: 100, maxMs: 400, jitter: 0.2, stableMs: 5_000 },
  publishRetryMs: 20,
  random: () => 0.5,
};

export interface RunningBridge {
  host: HostBridge;
  meter: ScriptedMeterSource;
  logs: string[];
  stop(): void;
}

export function startBridge(broker: TestBroker, bridge: Partial<Omit<BridgeOptions, "mqtt">> = FAST): RunningBridge {
  const meter = new ScriptedMeterSource();
  const logs: string[] = [];
  const host = new HostBridge({
    meter,
    broker: { host: broker.host, port: broker.port },
    mac: MAC,
    bridge,
    log: (line) => logs.push(line),
  });
  host.start();
  return { host, meter, logs, stop: () => host.stop() };
}

export async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
