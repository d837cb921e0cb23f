import type { Bridge } from "../app/bridge";
import type { KeyValueStore, NetworkLinkEvents } from "../app/ports";
import { decideBootMode, requestSetup, StationWatch, takeSetupRequest, type SetupReason } from "../setup/boot-mode";
import type { DeviceStatus } from "../setup/status-view";
import type { Device } from "./assemble";
import { MqttErrorTap, StatusReport } from "./status-report";
import { startBridge } from "./startup";
import { startUpdates, type Updates } from "./update-wiring";
import type { Station } from "./wifi-link";
import { errorMessage } from "../config/error-message";

/** What the platform can serve; each is absent where the platform cannot (no access point on lin). */
export interface SetupServers {
  /** Opens the access point, captive DNS and setup page. */
  setupMode?(reason: SetupReason, status: () => DeviceStatus): { close(): void };
  /** The status page on the home network, with the update routes when the platform has update slots. */
  statusServer?(status: () => DeviceStatus, updates?: Updates): { close(): void };
}

export interface Booted {
  mode: "setup" | "normal";
  reason?: SetupReason;
  /** The running bridge in normal mode. */
  bridge?: Bridge;
  statusServer: boolean;
  status(): DeviceStatus;
}

/** Preferences key (outside the schema) saying why the next start opens setup mode. */
export const SETUP_REASON_KEY = "setupWhy";
/** How often normal mode asks the station watch whether to fall back to setup mode. */
export const STATION_CHECK_MS = 5_000;

/** Passes the station's up/down to the bridge and to the watch that opens setup mode when Wi-Fi stays down. */
export class WatchedStation implements Station {
  constructor(
    private readonly inner: Station,
    private readonly watch: StationWatch,
    private readonly now: () => number,
  ) {}

  connect(events: NetworkLinkEvents): void {
    this.inner.connect({
      onNetworkUp: () => {
        this.watch.networkUp();
        events.onNetworkUp();
      },
      onNetworkDown: (reason) => {
        this.watch.networkDown(this.now());
        events.onNetworkDown(reason);
      },
    });
  }

  disconnect(): void {
    this.inner.disconnect();
  }

  rssi(): number {
    return this.inner.rssi();
  }

  mac(): string {
    return this.inner.mac();
  }

  address(): string {
    return this.inner.address();
  }
}

/** Reads and clears the stored reason, so a restart for "station-failed" opens setup under that reason once. */
function takeSetupReason(store: KeyValueStore): string {
  try {
    const reason = store.get(SETUP_REASON_KEY);
    if (reason !== undefined) store.delete(SETUP_REASON_KEY);
    return typeof reason === "string" ? reason : "";
  } catch {
    return "";
  }
}

/**
 * Starts the device in setup or normal mode. Setup mode: first boot without Wi-Fi, the setup button
 * held, or asked for before the restart; the bridge and the station stay closed (the access point's
 * driver owns the radio). Normal mode: the bridge on the station; when the station stays down for
 * `setupAfter` seconds the device restarts into setup mode (the station's driver cannot hand the radio
 * to the access point's driver without a restart). Where setup mode is unavailable the bridge runs.
 */
export function bootDevice(device: Device, servers: SetupServers, log: (line: string) => void): Booted {
  const settings = device.settings;
  const report = new StatusReport({ firmware: device.firmware, boardName: device.board?.name ?? "none", settings, clock: device.clock });
  const buttonHeld = device.buttonHeld();
  const setupRequested = takeSetupRequest(device.store);
  const storedReason = takeSetupReason(device.store);
  const boot = decideBootMode({ ssid: settings.ssid, buttonHeld, setupRequested });

  if (boot.setup) {
    const reason: SetupReason =
      boot.reason === "requested" && storedReason === "station-failed" ? "station-failed" : (boot.reason ?? "requested");
    if (servers.setupMode) {
      log(`boot: setup mode (${reason})`);
      try {
        servers.setupMode(reason, () => report.read("setup"));
        startUpdates(device, () => undefined, log);
        return { mode: "setup", reason, statusServer: false, status: () => report.read("setup") };
      } catch (error) {
        // Never a boot loop: the bridge runs, and the station watch tries setup mode again later.
        log(`problem: setup mode did not start (${errorMessage(error)}); starting the bridge`);
      }
    } else {
      log(`boot: setup mode (${reason}) is not available on this platform (no access point); starting the bridge`);
    }
  }

  log("boot: normal mode");
  const ports = device.openPorts();
  const clock = device.clock;
  const watch = new StationWatch(servers.setupMode ? settings.setupAfter : 0, clock.monotonicMs());
  const network = new WatchedStation(ports.network, watch, () => clock.monotonicMs());
  const mqtt = new MqttErrorTap(ports.mqtt);
  const bridge = startBridge(device, { ...ports, network, mqtt }, log);
  const updates = startUpdates(device, () => bridge, log);
  report.bridge = bridge;
  report.network = network;
  report.mqtt = mqtt;

  if (servers.setupMode && settings.setupAfter > 0) {
    const check = device.scheduler.repeat(() => {
      if (!watch.shouldOpenSetup(clock.monotonicMs())) return;
      device.scheduler.cancel(check);
      log(`boot: no Wi-Fi connection for ${settings.setupAfter} s; opening setup mode`);
      bridge.stop();
      try {
        requestSetup(device.store);
        device.store.set(SETUP_REASON_KEY, "station-failed");
      } catch (error) {
        log(`problem: setup request not stored (${errorMessage(error)})`);
      }
      device.system.restart("station failed; restarting into setup mode");
    }, STATION_CHECK_MS);
  }

  let statusServer = false;
  if (settings.statusPage) {
    if (!servers.statusServer) log("boot: the status page is not available on this platform");
    else {
      try {
        servers.statusServer(() => report.read("normal"), updates);
        statusServer = true;
        log("boot: status page on the home network");
      } catch (error) {
        log(`problem: status page not started (${errorMessage(error)})`);
      }
    }
  }
  return { mode: "normal", bridge, statusServer, status: () => report.read("normal") };
}
