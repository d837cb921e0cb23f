import type { Clock, KeyValueStore, MqttLink, Scheduler } from "../app/ports";
import type { Settings } from "../config/schema";
import { accessPointName, accessPointPassword, showPasswordInLog } from "../setup/access-point";
import { SetupSession, type SetupReason } from "../setup/boot-mode";
import { BrokerProbe } from "../setup/broker-probe";
import type { PinChoices } from "../setup/form";
import { SetupHandlers } from "../setup/handlers";
import { networkOf } from "../setup/http";
import { SafeApply, type SettingsTester } from "../setup/safe-apply";
import { ScanList, type WifiScanner } from "../setup/scan";
import type { DeviceStatus } from "../setup/status";
import { openAccessPoint } from "./setup-access-point";
import { SetupHttpServer } from "./setup-http";
import { UpdateService } from "../update/service";
import type { Updates } from "./update-wiring";
import { RadioScanner, WifiJoinTest } from "./setup-radio";

export interface SetupDeviceOptions {
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
}

/** Time without a page request after which a fallback setup session goes back to the home network. */
const SETUP_IDLE_S = 600;

/**
 * Setup mode: the access point, the captive DNS, and the setup page. The bridge does not run; the
 * radio belongs to the classic Wi-Fi driver until the restart that follows a save.
 */
export function startSetupMode(options: SetupDeviceOptions, reason: SetupReason): { close(): void } {
  const name = accessPointName(options.mac);
  const password = accessPointPassword(options.store, options.random);
  const ap = openAccessPoint(name, password.password);
  options.log(`setup: access point ${name} at http://${ap.address}/ (${reason})`);
  if (showPasswordInLog(password, reason)) options.log(`setup: access point password ${password.password}`);

  const wifi = new WifiJoinTest();
  const probe = new BrokerProbe(options.makeMqttLink, options.mac.toUpperCase());
  const tester: SettingsTester = {
    joinWifi: (settings: Settings, done) => wifi.join(settings, done),
    reachBroker: (settings: Settings, done) => probe.reach(settings, done),
    cancel: () => {
      wifi.cancel();
      probe.cancel();
    },
  };
  const apply = new SafeApply(options.store, tester, options.scheduler, options.restart);
  const session = new SetupSession(reason, SETUP_IDLE_S, options.clock.monotonicMs());
  const handlers = new SetupHandlers({
    store: options.store, apply, pins: options.pins, clock: options.clock, status: options.status,
    scan: new ScanList(new RadioScanner(), options.clock), portalUrl: `http://${ap.address}/`, log: options.log,
  });
  const server = new SetupHttpServer({
    handle: (request) => {
      session.request(options.clock.monotonicMs());
      return handlers.handle(request);
    },
    networkOf: (remote) => networkOf(remote, ap.address),
    after: () => options.scheduler.once(() => options.restart("requested from the setup page"), 200),
  });
  const idle = options.scheduler.repeat(() => {
    if (session.shouldLeave(options.clock.monotonicMs(), apply.busy())) options.restart("setup idle; trying the home network again");
  }, 30_000);
  return {
    close() {
      options.scheduler.cancel(idle);
      server.close();
      ap.close();
      tester.cancel();
    },
  };
}

// Frozen, so the preloaded objects stay in flash.
const NO_SCAN: WifiScanner = Object.freeze({ scan: (done: (networks: readonly never[]) => void) => done([]) });
const NO_TESTS: SettingsTester = Object.freeze({
  joinWifi: (_settings: Settings, done: (error: string) => void) => done("settings are changed in setup mode"),
  reachBroker: (_settings: Settings, done: (error: string) => void) => done("settings are changed in setup mode"),
  cancel: () => {},
});

/**
 * The status page on the home network (when `statusPage` is on): status, export, restart and
 * re-enter setup, behind the admin password. The handlers refuse every change outside setup mode.
 */
export function startStatusServer(options: Omit<SetupDeviceOptions, "mac" | "makeMqttLink" | "random"> & { port?: number; updates?: Updates }): { close(): void } {
  const apply = new SafeApply(options.store, NO_TESTS, options.scheduler, options.restart);
  const handlers = new SetupHandlers({
    store: options.store, apply, pins: options.pins, clock: options.clock, status: options.status,
    scan: new ScanList(NO_SCAN, options.clock), portalUrl: "/", log: options.log,
  });
  const updates = options.updates?.service(handlers.admin);
  const server = new SetupHttpServer({
    port: options.port,
    stream: updates ? (method, path, headers) => (UpdateService.owns(path) ? updates.open(method, path, headers) : undefined) : undefined,
    handle: (request) => handlers.handle(request),
    networkOf: () => "station",
    after: () => options.scheduler.once(() => options.restart("requested from the status page"), 200),
  });
  return { close: () => server.close() };
}
