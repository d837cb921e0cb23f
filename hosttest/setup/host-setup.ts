// The setup page on the host: the same handlers, page and safe-apply logic as the device, with the
// radio simulated and the broker test done by a real MQTT connection.
import type { KeyValueStore } from "../../modules/app/ports";
import type { Settings } from "../../modules/config/schema";
import { BrokerProbe } from "../../modules/setup/broker-probe";
import type { PinChoices } from "../../modules/setup/form";
import { SetupHandlers } from "../../modules/setup/handlers";
import { SafeApply, type SafeApplyOptions, type SettingsTester } from "../../modules/setup/safe-apply";
import { ScanList, type ScannedNetwork, type WifiScanner } from "../../modules/setup/scan";
import type { DeviceStatus } from "../../modules/setup/status";
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
  /** Station MAC for the device id of the broker test's client id. */
  deviceId?: string;
  /** Simulated scan duration. */
  scanMs?: number;
}

export const DEFAULT_NETWORKS: readonly SimulatedNetwork[] = Object.freeze([
  { ssid: "HomeNet", rssi: -48, secure: true, password: "correct horse battery" },
  { ssid: "Neighbour 5G", rssi: -71, secure: true, password: "not-yours-123" },
  { ssid: "Cafe guest", rssi: -80, secure: false, password: "" },
]);

/** A DevKitC's choice of meter pins (the firmware's board table gives the real list). */
export const DEFAULT_PINS: PinChoices = Object.freeze({ rx: [16, 17, 18, 19, 21, 22, 23, 25, 26, 27, 32, 33], rts: [4, 5, 13, 14, 18, 19, 21, 22, 23, 25, 26, 27], boardRx: 16, boardRts: 4 });

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
      mqtt: broker ? { state: "connected", broker: `${broker}:${port}`, lastError: "" } : { state: "not configured", broker: "", lastError: "" },
      health: { telegramsOk: 1024, crcErrors: 2, eventsPublished: 20480, mqttReconnects: 1, wifiReconnects: 0 },
    };
  };
}

class FixedScanner implements WifiScanner {
  constructor(private readonly networks: readonly ScannedNetwork[], private readonly delayMs: number) {}

  scan(done: (networks: readonly ScannedNetwork[]) => void): void {
    setTimeout(() => done(this.networks.map((n) => ({ ssid: n.ssid, rssi: n.rssi, secure: n.secure }))), this.delayMs);
  }
}

/** Joins simulated networks; reaches the broker with a real MQTT session through the `mqtt` package. */
class HostTester implements SettingsTester {
  private joining: ReturnType<typeof setTimeout> | undefined;
  private readonly probe: BrokerProbe;

  constructor(private readonly networks: readonly SimulatedNetwork[], deviceId: string) {
    this.probe = new BrokerProbe(() => new MqttJsLink({ connectTimeoutMs: 5_000 }), deviceId);
  }

  joinWifi(settings: Settings, done: (error: string) => void): void {
    this.joining = setTimeout(() => {
      const network = this.networks.find((n) => n.ssid === settings.ssid);
      if (!network) done(`the network "${settings.ssid}" was not found`);
      else if (network.password !== settings.password) done("the access point rejected the password");
      else done("");
    }, 150);
  }

  reachBroker(settings: Settings, done: (error: string) => void): void {
    this.probe.reach(settings, done);
  }

  cancel(): void {
    clearTimeout(this.joining);
    this.probe.cancel();
  }
}

/**
 * The setup side of one simulated device. `restart()` does what a reboot does to it: the apply state,
 * the admin lockout and the scan list start afresh; the store keeps what was saved.
 */
export class HostSetup {
  handlers!: SetupHandlers;
  apply!: SafeApply;
  restarts = 0;
  private readonly scheduler = new RealScheduler();
  private readonly clock = new RealClock();
  private readonly options: HostSetupOptions;
  private readonly log: (line: string) => void;

  constructor(options: HostSetupOptions) {
    this.options = options;
    this.log = options.log ?? (() => {});
    this.boot();
  }

  private boot(): void {
    const o = this.options;
    const networks = o.networks ?? DEFAULT_NETWORKS;
    const tester = new HostTester(networks, o.deviceId ?? "020000000001");
    this.apply = new SafeApply(o.store, tester, this.scheduler, (reason) => this.restart(reason), o.apply);
    this.handlers = new SetupHandlers({
      store: o.store,
      apply: this.apply,
      scan: new ScanList(new FixedScanner(networks, o.scanMs ?? 300), this.clock),
      pins: o.pins ?? DEFAULT_PINS,
      clock: this.clock,
      status: o.status ?? sampleStatus(Date.now(), o.store),
      portalUrl: "/",
      log: this.log,
    });
  }

  restart(reason: string): void {
    this.restarts++;
    this.log(`restart: ${reason}`);
    this.scheduler.cancelAll();
    this.boot();
    this.options.onRestart?.(reason);
  }

  /** Stops pending timers (an apply in progress, a scheduled restart). */
  close(): void {
    this.scheduler.cancelAll();
  }
}
