// Boot on the device: setup or normal mode, the station watch's fallback into setup mode, the status page,
// and the status it reports, all on fakes (no Moddable module is loaded).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadSettings } from "../modules/config/settings";
import type { Settings } from "../modules/config/schema";
import type { Device, DevicePorts } from "../modules/device/assemble";
import { bootDevice, SETUP_REASON_KEY, STATION_CHECK_MS, type SetupServers } from "../modules/device/boot";
import { meterPinChoices, selectBoard } from "../modules/device/board";
import type { Station } from "../modules/device/wifi-link";
import { requestSetup, SETUP_REQUEST_KEY, type SetupReason } from "../modules/setup/boot-mode";
import type { DeviceStatus } from "../modules/setup/status-view";
import { FakeClock } from "./fakes/fake-clock";
import { FakeMeter, FakeSystem } from "./fakes/fake-meter";
import { FakeMqttLink } from "./fakes/fake-mqtt";
import { FakeNetwork } from "./fakes/fake-network";
import { stamp, swedishTelegrams } from "./fakes/telegrams";
import { MemoryStore } from "./sim/memory-store";

class FakeStation extends FakeNetwork implements Station {
  mac(): string {
    return "240AC4123456";
  }
  address(): string {
    return this.isJoined ? "192.168.1.50" : "";
  }
}

interface Rig {
  device: Device;
  clock: FakeClock;
  store: MemoryStore;
  system: FakeSystem;
  network: FakeStation;
  mqtt: FakeMqttLink;
  meter: FakeMeter;
  /** How many times the station, UART and RTS were opened. */
  portsOpened: number;
  servers: SetupServers;
  setups: SetupReason[];
  statusServers: number;
  setupStatus?: () => DeviceStatus;
  pageStatus?: () => DeviceStatus;
  log: string[];
}

const DEVKITC = selectBoard({
  name: "ESP32 DevKitC",
  chip: "esp32",
  uartPort: 2,
  rxPin: 16,
  rts: { pin: 4, activeLow: false },
  led: { pin: 2, activeLow: false, kind: "gpio" },
  button: { pin: 0, activeLow: true },
}).board!;

function rig(values: Record<string, string | number | boolean>, options: { button?: boolean; accessPoint?: boolean } = {}): Rig {
  const clock = new FakeClock();
  const store = new MemoryStore(values);
  const settings: Settings = loadSettings(store).settings;
  const system = new FakeSystem(() => clock.now);
  const network = new FakeStation(clock);
  const mqtt = new FakeMqttLink(clock);
  const meter = new FakeMeter();
  const r = { clock, store, system, network, mqtt, meter, portsOpened: 0, setups: [], statusServers: 0, log: [] } as unknown as Rig;
  r.device = {
    settings,
    firmware: "0.1.0",
    board: DEVKITC,
    pins: meterPinChoices(DEVKITC),
    problems: [],
    store,
    clock,
    scheduler: clock,
    system,
    buttonHeld: () => options.button === true,
    openPorts(): DevicePorts {
      r.portsOpened++;
      return { network, mqtt, meter, dataRequest: meter };
    },
    makeMqttLink: () => new FakeMqttLink(clock),
    syncClock: (done) => done(true, "set"),
  };
  r.servers = {
    setupMode:
      options.accessPoint === false
        ? undefined
        : (reason, status) => {
            r.setups.push(reason);
            r.setupStatus = status;
            return { close() {} };
          },
    statusServer: (status) => {
      r.statusServers++;
      r.pageStatus = status;
      return { close() {} };
    },
  };
  return r;
}

function boot(r: Rig) {
  return bootDevice(r.device, r.servers, (line) => r.log.push(line));
}

const HOME = { ssid: "HomeNet", password: "correct horse battery", broker: "10.0.0.2" };

describe("boot mode", () => {
  it("a configured device runs the bridge on the station and opens no setup", () => {
    const r = rig(HOME);
    const booted = boot(r);
    expect(booted.mode).toBe("normal");
    expect(booted.bridge).toBeDefined();
    expect(r.setups).toEqual([]);
    expect(r.portsOpened).toBe(1);
    r.clock.advance(1_000);
    expect(r.network.isJoined).toBe(true);
    expect(r.mqtt.connected).toBe(true);
  });

  it("the setup button held at boot opens setup mode; the station, UART and bridge stay closed", () => {
    const r = rig(HOME, { button: true });
    const booted = boot(r);
    expect(booted).toMatchObject({ mode: "setup", reason: "button" });
    expect(booted.bridge).toBeUndefined();
    expect(r.setups).toEqual(["button"]);
    expect(r.portsOpened).toBe(0);
    expect(r.network.joinAttempts).toEqual([]);
  });

  it("no Wi-Fi configured opens setup mode", () => {
    const r = rig({ broker: "10.0.0.2" });
    expect(boot(r)).toMatchObject({ mode: "setup", reason: "no-wifi" });
    expect(r.portsOpened).toBe(0);
  });

  it("re-enter setup from the page opens it once, on the next start only", () => {
    const r = rig(HOME);
    requestSetup(r.store);
    expect(boot(r)).toMatchObject({ mode: "setup", reason: "requested" });
    expect(r.store.get(SETUP_REQUEST_KEY)).toBeUndefined();
    expect(boot(r).mode).toBe("normal");
  });

  it("without an access point (lin) the decision is logged and the bridge runs", () => {
    const r = rig({ broker: "10.0.0.2" }, { accessPoint: false });
    const booted = boot(r);
    expect(booted.mode).toBe("normal");
    expect(r.log).toContain("boot: setup mode (no-wifi) is not available on this platform (no access point); starting the bridge");
    expect(r.portsOpened).toBe(1);
  });

  it("a setup mode that fails to start falls back to the bridge instead of a boot loop", () => {
    const r = rig(HOME, { button: true });
    r.servers.setupMode = () => {
      throw new Error("esp_wifi_set_config failed");
    };
    expect(boot(r).mode).toBe("normal");
    expect(r.log).toContain("problem: setup mode did not start (esp_wifi_set_config failed); starting the bridge");
  });
});

describe("station watch in normal mode", () => {
  it("a station down for setupAfter seconds stops the bridge and restarts into setup mode (station-failed)", () => {
    const r = rig({ ...HOME, setupAfter: 60 });
    r.network.apUp = false;
    const booted = boot(r);
    r.clock.advance(55_000);
    expect(r.system.restarts).toEqual([]);
    r.clock.advance(10_000);
    expect(r.system.restarts.map((x) => x.reason)).toEqual(["station failed; restarting into setup mode"]);
    expect(r.system.restarts[0].atMs).toBeLessThanOrEqual(60_000 + STATION_CHECK_MS);
    expect(r.meter.started).toBe(false); // the bridge stopped
    expect(r.store.get(SETUP_REASON_KEY)).toBe("station-failed");

    // The next start opens setup mode under that reason, once.
    const after = rig({ ...HOME, setupAfter: 60 });
    for (const key of r.store.keys()) after.store.set(key, r.store.get(key)!);
    expect(boot(after)).toMatchObject({ mode: "setup", reason: "station-failed" });
    expect(after.store.get(SETUP_REASON_KEY)).toBeUndefined();
    expect(booted.mode).toBe("normal");
  });

  it("a station that comes back in time keeps normal mode", () => {
    const r = rig({ ...HOME, setupAfter: 60 });
    r.network.apUp = false;
    boot(r);
    // Back after 10 s: the rejoin backoff (1, 2, 4, 8 s, each up to half shorter) retries by 15 s at the
    // latest, well inside setupAfter whatever the jitter.
    r.clock.advance(10_000);
    r.network.restore();
    r.clock.advance(120_000);
    expect(r.network.isJoined).toBe(true);
    expect(r.system.restarts).toEqual([]);
  });

  it("setupAfter 0 never falls back, and neither does a platform without an access point", () => {
    for (const r of [rig({ ...HOME, setupAfter: 0 }), rig({ ...HOME, setupAfter: 60 }, { accessPoint: false })]) {
      r.network.apUp = false;
      boot(r);
      r.clock.advance(600_000);
      expect(r.system.restarts.filter((x) => x.reason.includes("setup"))).toEqual([]);
    }
  });
});

describe("status page", () => {
  it("statusPage on starts the status server on the home network; off does not", () => {
    const on = rig({ ...HOME, statusPage: true, adminPass: "admin-pass-1" });
    expect(boot(on).statusServer).toBe(true);
    expect(on.statusServers).toBe(1);
    const off = rig(HOME);
    expect(boot(off).statusServer).toBe(false);
    expect(off.statusServers).toBe(0);
  });

  it("reports firmware, board, meter header and values, health, RSSI and MQTT state from the running bridge", () => {
    const r = rig({ ...HOME, statusPage: true, adminPass: "admin-pass-1" });
    boot(r);
    r.clock.advance(1_000);
    const telegram = stamp(swedishTelegrams()[0].bytes, Date.UTC(2024, 11, 12, 19, 0, 0));
    r.meter.feed(telegram);
    r.clock.advance(2_000);
    const status = r.pageStatus!();
    expect(status).toMatchObject({ firmware: "0.1.0", board: "ESP32 DevKitC", mode: "normal" });
    expect(status.meter.header.startsWith("/")).toBe(true);
    expect(telegram.toString("latin1")).toContain(status.meter.header);
    expect(status.meter.lastTelegram).toBe("2024-12-12 20:00:00 (winter time)");
    expect(status.meter.lastTelegramAgeS).toBe(2);
    const energy = status.meter.values.find((v) => v.code === "1-0:1.8.0");
    expect(energy?.unit).toBe("kWh");
    expect(status.meter.values.length).toBeGreaterThan(5);
    expect(status.wifi).toEqual({ ssid: "HomeNet", rssi: -61, address: "192.168.1.50" });
    expect(status.mqtt).toEqual({ state: "connected", broker: "10.0.0.2:1883", lastError: "" });
    expect((status.health as { telegramsOk: number }).telegramsOk).toBe(1);
    expect(JSON.stringify(status)).not.toContain("correct horse battery");
  });

  it("shows the broker's last error while disconnected", () => {
    const r = rig({ ...HOME, statusPage: true, adminPass: "admin-pass-1" });
    r.mqtt.brokerUp = false;
    boot(r);
    r.clock.advance(1_000);
    expect(r.pageStatus!().mqtt).toEqual({ state: "disconnected", broker: "10.0.0.2:1883", lastError: "connection refused" });
  });

  it("setup mode's status says setup and has no meter yet", () => {
    const r = rig({}, { button: true });
    boot(r);
    const status = r.setupStatus!();
    expect(status.mode).toBe("setup");
    expect(status.meter.header).toBe("");
    expect(status.mqtt.state).toBe("not configured");
  });
});

describe("firmware version", () => {
  it("the manifest's config.firmware is the package version", () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
    const manifest = JSON.parse(readFileSync(new URL("../manifest.json", import.meta.url), "utf8"));
    expect(manifest.config.firmware).toBe(pkg.version);
  });
});
