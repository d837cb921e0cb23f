// Test rig: the setup handlers with an in-memory store, a fake clock and a tester the test answers.
import type { Settings } from "../../modules/config/schema";
import { SetupHandlers } from "../../modules/setup/handlers";
import { REQUEST_MARKER, type Network, type SetupResponse } from "../../modules/setup/http";
import { SafeApply, type SafeApplyOptions, type SettingsTester } from "../../modules/setup/safe-apply";
import { ScanList, type ScannedNetwork } from "../../modules/setup/scan";
import { FakeClock } from "../fakes/fake-clock";
import { MemoryStore } from "../sim/memory-store";
import { DEFAULT_PINS, sampleStatus } from "./host-setup";

/** Answers each test step when the test says so; records what it was asked. */
export class ScriptedTester implements SettingsTester {
  readonly calls: { step: "wifi" | "mqtt"; settings: Settings }[] = [];
  pending: ((error: string) => void) | undefined;
  cancelled = 0;
  /** When set, answers at once with this (""= pass). */
  auto: { wifi?: string; mqtt?: string } = {};

  joinWifi(settings: Settings, done: (error: string) => void): void {
    this.calls.push({ step: "wifi", settings });
    if (this.auto.wifi !== undefined) done(this.auto.wifi);
    else this.pending = done;
  }

  reachBroker(settings: Settings, done: (error: string) => void): void {
    this.calls.push({ step: "mqtt", settings });
    if (this.auto.mqtt !== undefined) done(this.auto.mqtt);
    else this.pending = done;
  }

  cancel(): void {
    this.cancelled++;
  }
}

export interface Rig {
  store: MemoryStore;
  clock: FakeClock;
  tester: ScriptedTester;
  apply: SafeApply;
  handlers: SetupHandlers;
  logs: string[];
  restarts: string[];
  scans: number;
  get(path: string, options?: RequestOptions): Reply;
  post(path: string, body?: unknown, options?: RequestOptions): Reply;
}

export interface RequestOptions {
  network?: Network;
  /** Admin password sent as HTTP Basic. */
  admin?: string;
  headers?: Record<string, string>;
  /** Raw body text instead of JSON. */
  raw?: string;
}

export interface Reply extends SetupResponse {
  json: any;
}

export function makeRig(
  initial: Record<string, string | number | boolean> = {},
  applyOptions?: SafeApplyOptions,
  networks: ScannedNetwork[] = [],
): Rig {
  const store = new MemoryStore(initial);
  const clock = new FakeClock();
  const tester = new ScriptedTester();
  const logs: string[] = [];
  const restarts: string[] = [];
  const apply = new SafeApply(store, tester, clock, (reason) => restarts.push(reason), applyOptions);
  const rig = { scans: 0 } as Rig;
  const scanner = {
    scan: (done: (n: readonly ScannedNetwork[]) => void) => {
      rig.scans++;
      done(networks);
    },
  };
  const handlers = new SetupHandlers({
    store,
    apply,
    clock,
    pins: DEFAULT_PINS,
    status: sampleStatus(0),
    portalUrl: "http://192.168.4.1/",
    scan: new ScanList(scanner, clock),
    log: (line) => logs.push(line),
  });
  const send = (method: string, path: string, body: string, options: RequestOptions = {}): Reply => {
    const headers: Record<string, string> = { ...options.headers };
    if (method === "POST" && !(REQUEST_MARKER in headers)) headers[REQUEST_MARKER] = "1";
    if (body && !("content-type" in headers)) headers["content-type"] = "application/json";
    if (options.admin !== undefined) headers.authorization = `Basic ${Buffer.from(`admin:${options.admin}`).toString("base64")}`;
    const response = handlers.handle({ method, path, headers, body, network: options.network ?? "ap" });
    let json: unknown;
    try {
      json = JSON.parse(response.body);
    } catch {
      json = undefined;
    }
    return { ...response, json };
  };
  Object.assign(rig, {
    store,
    clock,
    tester,
    apply,
    handlers,
    logs,
    restarts,
    get: (path: string, options?: RequestOptions) => send("GET", path, "", options),
    post: (path: string, body?: unknown, options: RequestOptions = {}) =>
      send("POST", path, options.raw ?? (body === undefined ? "" : JSON.stringify(body)), options),
  });
  return rig;
}
