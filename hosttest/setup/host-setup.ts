// The setup page on the host: the device's setup mode (startSetupMode: handlers, page, safe apply, idle exit,
// restart after a save), with the radio simulated and the broker test done by a real MQTT connection.
import { randomInt } from "node:crypto";
import { createHealthCounters, healthView } from "../../modules/app/health";
import type { KeyValueStore } from "../../modules/app/ports";
import type { Settings } from "../../modules/config/schema";
import type { PinChoices } from "../../modules/setup/form";
import type { SetupHandlers } from "../../modules/setup/handlers";
import type { AfterResponse, SetupRequest, SetupResponse } from "../../modules/setup/http";
import type { SafeApply, SafeApplyOptions } from "../../modules/setup/safe-apply";
import type { ScannedNetwork, WifiScanner } from "../../modules/setup/scan";
import { startSetupMode, type RunningSetup, type WifiJoinTester } from "../../modules/setup/setup-mode";
import type { DeviceStatus } from "../../modules/setup/status-view";
import { MqttJsLink } from "../sim/mqtt-link";
import { RealClock, RealScheduler } from "../sim/real-clock";

/** A network the simulated radio can see; joining passes only with this password ("" for open). */
export interface SimulatedNetwork extends ScannedNetwork {
  password: string;
}

export interface HostSetupOptions {
  store: KeyValueStore;
  networks?: readonly SimulatedNetwork[];
  status?: () => DeviceStatus;
  pins?: PinChoices;
  /** Diagnostic lines; never given a secret. */
  log?: (line: string) => void;
  /** Called after the simulated restart (the device would reboot and read its settings again). */
  onRestart?: (reason: string) => void;
  apply?: SafeApplyOptions;
  /** Station MAC: the access point's name and the broker test's client id. */
  mac?: string;
  /** Simulated scan duration. */
  scanMs?: number;
}

export const DEFAULT_NETWORKS: readonly SimulatedNetwork[] = Object.freeze([
  { ssid: "HomeNet", rssi: -48, secure: true, password: "correct horse battery" },
  { ssid: "Neighbour 5G", rssi: -71, secure: true, password: "not-yours-123" },
  { ssid: "Cafe guest", rssi: -80, secure: false, password: "" },
]);

/** A DevKitC's choice of meter pins (the firmware's board table gives the real list). */
export const DEFAULT_PINS: PinChoices = Object.freeze({
  rx: [16, 17, 18, 19, 21, 22, 23, 25, 26, 27, 32, 33],
  rts: [4, 5, 13, 14, 18, 19, 21, 22, 23, 25, 26, 27],
  boardRx: 16,
  boardRts: 4,
});

/** What the status page shows when no bridge runs beside the server (tests, screenshots). */
export function sampleStatus(startMs = Date.now(), store?: KeyValueStore): () => DeviceStatus {
  return () => {
    // Once a network and a broker are saved, show the device as running on them.
    const ssid = String(store?.get("ssid") ?? "");
    const broker = String(store?.get("broker") ?? "");
    const port = String(store?.get("port") ?? 1883);
    return {
      firmware: "0.1.0 (host)",
      board: "simulator",
      mode: ssid ? "normal" : "setup",
      uptimeS: Math.round((Date.now() - startMs) / 1000),
      meter: {
        header: "/LGF5E360",
        lastTelegram: "2024-03-11 14:22:30 (winter time)",
        lastTelegramAgeS: 4,
        values: [
          { code: "1-0:1.8.0", value: 12345.678, unit: "kWh" },
          { code: "1-0:1.7.0", value: 1.234, unit: "kW" },
          { code: "1-0:32.7.0", value: 231.4, unit: "V" },
          { code: "1-0:31.7.0", value: 5.2, unit: "A" },
        ],
      },
      wifi: ssid ? { ssid, rssi: -58, address: "192.168.1.50" } : { ssid: "", rssi: NaN, address: "192.168.4.1" },
      mqtt: broker
        ? { state: "connected", broker: `${broker}:${port}`, lastError: "" }
        : { state: "not configured", broker: "", lastError: "" },
      health: {
        ...healthView(createHealthCounters()),
        uptime: 3600,
        telegramsOk: 1024,
        crcErrors: 2,
        eventsPublished: 20480,
        mqttReconnects: 1,
        mqttConnected: Boolean(broker),
        networkUp: Boolean(ssid),
      },
    };
  };
}

class FixedScanner implements WifiScanner {
  constructor(
    private readonly networks: readonly ScannedNetwork[],
    private readonly delayMs: number,
  ) {}

  scan(done: (networks: readonly ScannedNetwork[]) => void): void {
    setTimeout(() => done(this.networks.map((n) => ({ ssid: n.ssid, rssi: n.rssi, secure: n.secure }))), this.delayMs);
  }
}

/** Joins simulated networks. */
class SimulatedJoin implements WifiJoinTester {
  private joining: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly networks: readonly SimulatedNetwork[]) {}

  join(settings: Settings, done: (error: string) => void): void {
    this.joining = setTimeout(() => {
      const network = this.networks.find((n) => n.ssid === settings.ssid);
      if (!network) done(`the network "${settings.ssid}" was not found`);
      else if (network.password !== settings.password) done("the access point rejected the password");
      else done("");
    }, 150);
  }

  cancel(): void {
    clearTimeout(this.joining);
  }
}

/**
 * The setup side of one simulated device. `restart()` does what a reboot does to it: the apply state,
 * the admin lockout and the scan list start afresh; the store keeps what was saved.
 */
export class HostSetup {
  restarts = 0;
  private running!: RunningSetup;
  private readonly scheduler = new RealScheduler();
  private readonly clock = new RealClock();
  private readonly options: HostSetupOptions;
  private readonly log: (line: string) => void;

  constructor(options: HostSetupOptions) {
    this.options = options;
    this.log = options.log ?? (() => {});
    this.boot();
  }

  get handlers(): SetupHandlers {
    return this.running.handlers;
  }

  get apply(): SafeApply {
    return this.running.apply;
  }

  /** Hands a request to setup mode (the HTTP server sets the network by the port it came in on). */
  handle(request: SetupRequest): SetupResponse {
    return this.running.endpoint.handle(request);
  }

  /** After the response went out: what the device does then (a restart after a save, a request from the page). */
  after(action: AfterResponse): void {
    this.running.endpoint.after(action);
  }

  private boot(): void {
    const o = this.options;
    const networks = o.networks ?? DEFAULT_NETWORKS;
    // A setup page with nothing to go back to: it stays until a save, as on a device's first start.
    this.running = startSetupMode(
      {
        store: o.store,
        clock: this.clock,
        scheduler: this.scheduler,
        mac: o.mac ?? "02:00:00:00:00:01",
        pins: o.pins ?? DEFAULT_PINS,
        status: o.status ?? sampleStatus(Date.now(), o.store),
        makeMqttLink: () => new MqttJsLink({ connectTimeoutMs: 5_000 }),
        restart: (reason) => this.restart(reason),
        log: this.log,
        random: () => randomInt(0x100000000), // unused: no access point on a PC
        apply: o.apply,
        adapters: {
          wifi: new SimulatedJoin(networks),
          scanner: new FixedScanner(networks, o.scanMs ?? 300),
          serve: () => ({ close() {} }), // the node:http servers are started beside it and call handle()
        },
      },
      "no-wifi",
    );
  }

  restart(reason: string): void {
    this.restarts++;
    this.log(`restart: ${reason}`);
    this.running.close();
    this.scheduler.cancelAll();
    this.boot();
    this.options.onRestart?.(reason);
  }

  /** Stops pending timers (an apply in progress, a scheduled restart). */
  close(): void {
    this.running.close();
    this.scheduler.cancelAll();
  }
}
