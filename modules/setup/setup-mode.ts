import type { Clock, MqttLink, Scheduler } from "../app/ports";
import type { KeyValueStore } from "../config/key-value-store";
import type { Settings } from "../config/schema";
import type { AdminGate } from "./admin";
import { accessPointName, accessPointPassword, showPasswordInLog } from "./access-point";
import { SetupSession, type SetupReason } from "./boot-mode";
import { BrokerProbe } from "./broker-probe";
import type { PinChoices } from "./form";
import { SetupHandlers } from "./handlers";
import { networkOf, type AfterResponse, type Network, type SetupRequest, type SetupResponse, type StreamRoute } from "./http";
import { SafeApply, type SafeApplyOptions, type SettingsTester } from "./safe-apply";
import { ScanList, type WifiScanner } from "./scan";
import type { DeviceStatus } from "./status-view";

/** What an HTTP server in front of the setup handlers calls. */
export interface SetupEndpoint {
  handle(request: SetupRequest): SetupResponse;
  /** Tells the access point from the home network by the client's address. */
  networkOf(remoteAddress: string | undefined): Network;
  /** Runs once the response has gone out (a restart must not cut the answer off). */
  after(action: AfterResponse): void;
  /** Routes whose body is streamed (the firmware update), answered at the headers. */
  stream?: StreamRoute;
}

export interface AccessPoint {
  /** The device's address on its own network, e.g. "192.168.4.1". */
  readonly address: string;
  close(): void;
}

/** Joins a network with candidate settings while the access point stays up. */
export interface WifiJoinTester {
  join(settings: Settings, done: (error: string) => void): void;
  cancel(): void;
}

/** The platform's side of setup mode: the radio and the HTTP server (the SDK's on the device, simulated on a PC). */
export interface SetupAdapters {
  /**
   * Opens the access point and whatever makes a phone land on the page (a DNS that answers every name).
   * Absent where there is no radio (the simulator): no access point name or password is made.
   */
  openAccessPoint?(ssid: string, password: string): AccessPoint;
  wifi: WifiJoinTester;
  scanner: WifiScanner;
  /** Starts an HTTP server (port 80 unless given) that hands every request to `endpoint`. */
  serve(endpoint: SetupEndpoint, port?: number): { close(): void };
}

export interface SetupModeOptions {
  store: KeyValueStore;
  clock: Clock;
  scheduler: Scheduler;
  /** Station MAC: the access point is named after it, and the broker test's client id uses it. */
  mac: string;
  /** Board's meter pin choices for the form. */
  pins: PinChoices;
  status(): DeviceStatus;
  /** A fresh MQTT link for the broker test. */
  makeMqttLink(): MqttLink;
  restart(reason: string): void;
  /** Diagnostic output; never given a secret except the access point password as the README says. */
  log(line: string): void;
  /** Fresh unsigned 32-bit random values (the ESP32's hardware generator). */
  random(): number;
  adapters: SetupAdapters;
  /** Timings of the safe apply (tests shorten them). */
  apply?: SafeApplyOptions;
}

export interface RunningSetup {
  readonly handlers: SetupHandlers;
  readonly apply: SafeApply;
  /** What the HTTP server calls (also for a server started outside, as the simulator's two ports). */
  readonly endpoint: SetupEndpoint;
  close(): void;
}

/** Time without a page request after which a fallback setup session goes back to the home network. */
export const SETUP_IDLE_S = 600;
/** How often setup mode checks whether it has been idle long enough. */
export const IDLE_CHECK_MS = 30_000;
/** A restart waits this long after the response that asked for it. */
export const RESTART_DELAY_MS = 200;

/**
 * Setup mode: the access point, the setup page, and the decisions around them: the access point's name
 * and password (logged only when made or when the button is held), leaving after SETUP_IDLE_S without a
 * request when setup was a fallback, and a restart after a save or a request from the page. The bridge
 * does not run; on the device the radio belongs to the classic Wi-Fi driver until that restart.
 */
export function startSetupMode(options: SetupModeOptions, reason: SetupReason): RunningSetup {
  const { adapters, clock, scheduler } = options;
  let ap: AccessPoint = NO_ACCESS_POINT;
  if (adapters.openAccessPoint) {
    const name = accessPointName(options.mac);
    const password = accessPointPassword(options.store, options.random);
    ap = adapters.openAccessPoint(name, password.password);
    options.log(`setup: access point ${name} at http://${ap.address}/ (${reason})`);
    if (showPasswordInLog(password, reason)) options.log(`setup: access point password ${password.password}`);
  }

  const probe = new BrokerProbe(options.makeMqttLink, options.mac.toUpperCase());
  const tester: SettingsTester = {
    joinWifi: (settings: Settings, done) => adapters.wifi.join(settings, done),
    reachBroker: (settings: Settings, done) => probe.reach(settings, done),
    cancel: () => {
      adapters.wifi.cancel();
      probe.cancel();
    },
  };
  const apply = new SafeApply(options.store, tester, scheduler, options.restart, options.apply);
  const session = new SetupSession(reason, SETUP_IDLE_S, clock.monotonicMs());
  const handlers = new SetupHandlers({
    store: options.store,
    apply,
    pins: options.pins,
    clock,
    status: options.status,
    scan: new ScanList(adapters.scanner, clock),
    portalUrl: ap.address ? `http://${ap.address}/` : "/",
    log: options.log,
  });
  const endpoint: SetupEndpoint = {
    handle: (request) => {
      session.request(clock.monotonicMs());
      return handlers.handle(request);
    },
    networkOf: (remote) => networkOf(remote, ap.address),
    after: () => {
      scheduler.once(() => options.restart("requested from the setup page"), RESTART_DELAY_MS);
    },
  };
  let server: { close(): void };
  try {
    server = adapters.serve(endpoint);
  } catch (error) {
    ap.close();
    throw error;
  }
  const idle = scheduler.repeat(() => {
    if (session.shouldLeave(clock.monotonicMs(), apply.busy())) options.restart("setup idle; trying the home network again");
  }, IDLE_CHECK_MS);
  return {
    handlers,
    apply,
    endpoint,
    close() {
      scheduler.cancel(idle);
      server.close();
      ap.close();
      tester.cancel();
    },
  };
}

// Frozen, so the preloaded objects stay in flash.
const NO_ACCESS_POINT: AccessPoint = Object.freeze({ address: "", close: () => {} });
const NO_SCAN: WifiScanner = Object.freeze({ scan: (done: (networks: readonly never[]) => void) => done([]) });
const NO_TESTS: SettingsTester = Object.freeze({
  joinWifi: (_settings: Settings, done: (error: string) => void) => done("settings are changed in setup mode"),
  reachBroker: (_settings: Settings, done: (error: string) => void) => done("settings are changed in setup mode"),
  cancel: () => {},
});

export type StatusServerOptions = Omit<SetupModeOptions, "mac" | "makeMqttLink" | "random" | "adapters"> & {
  serve: SetupAdapters["serve"];
  port?: number;
  /** The streamed routes (firmware update), given the status page's admin gate so they share its lockout. */
  streamRoutes?: (admin: AdminGate) => StreamRoute;
};

/**
 * The status page on the home network (when `statusPage` is on): status, export, restart and
 * re-enter setup, behind the admin password. The handlers refuse every change outside setup mode.
 */
export function startStatusServer(options: StatusServerOptions): RunningSetup {
  const apply = new SafeApply(options.store, NO_TESTS, options.scheduler, options.restart);
  const handlers = new SetupHandlers({
    store: options.store,
    apply,
    pins: options.pins,
    clock: options.clock,
    status: options.status,
    scan: new ScanList(NO_SCAN, options.clock),
    portalUrl: "/",
    log: options.log,
  });
  const endpoint: SetupEndpoint = {
    handle: (request) => handlers.handle(request),
    networkOf: () => "station",
    after: () => {
      options.scheduler.once(() => options.restart("requested from the status page"), RESTART_DELAY_MS);
    },
    stream: options.streamRoutes?.(handlers.admin),
  };
  const server = options.serve(endpoint, options.port);
  return { handlers, apply, endpoint, close: () => server.close() };
}
