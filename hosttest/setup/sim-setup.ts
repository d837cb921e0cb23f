// `npm start -- --setup`: the simulator serves the setup page from the same handlers as the device.
import type { KeyValueStore } from "../../modules/app/ports";
import type { DeviceStatus, MeterValue } from "../../modules/setup/status-view";
import type { MeterPicture } from "../sim/meter-tap";
import { HostSetup } from "./host-setup";
import { startSetupServer, type SetupServer } from "./http-server";

export interface SimSetupOptions {
  store: KeyValueStore;
  /** The `--settings` file the store writes to; undefined when the settings live in memory only. */
  settingsFile?: string;
  /** Port of the setup page (as on the access point); the status page (home network) is on the next one. */
  port: number;
  picture(): MeterPicture;
  health(): object;
  mqtt(): DeviceStatus["mqtt"];
  /** The bridge's power chart, when it keeps one. */
  chart?(): DeviceStatus["chart"];
  log(line: string): void;
}

export interface SimSetup {
  setupUrl: string;
  statusUrl: string;
  close(): Promise<void>;
}

/** Canonical unit of a value in the tap's picture, from the OBIS code's quantity and kind. */
function unitOf(code: string): string {
  const match = /^\d+-\d+:(\d+)\.(\d+)\./.exec(code);
  if (!match) return "";
  const quantity = Number(match[1]);
  const kind = Number(match[2]);
  const reactive = quantity % 20 === 3 || quantity % 20 === 4;
  if (kind === 8) return reactive ? "kvarh" : "kWh";
  if (kind !== 7) return "";
  if (quantity === 32 || quantity === 52 || quantity === 72) return "V";
  if (quantity === 31 || quantity === 51 || quantity === 71) return "A";
  return reactive ? "var" : "W";
}

export async function startSimSetup(options: SimSetupOptions): Promise<SimSetup> {
  const started = Date.now();
  let lastTelegramMs = 0;
  let lastCount = 0;
  const status = (): DeviceStatus => {
    const picture = options.picture();
    if (picture.telegrams !== lastCount) {
      lastCount = picture.telegrams;
      lastTelegramMs = Date.now();
    }
    const values: MeterValue[] = [];
    for (const [code, value] of picture.values) if (!code.startsWith("0-0:")) values.push({ code, value, unit: unitOf(code) });
    return {
      firmware: `${process.env.npm_package_version ?? "dev"} (simulator)`,
      board: "host",
      mode: "setup",
      uptimeS: Math.round((Date.now() - started) / 1000),
      meter: {
        header: picture.telegrams ? "replayed meter" : "",
        lastTelegram: picture.meterTime,
        lastTelegramAgeS: lastTelegramMs ? (Date.now() - lastTelegramMs) / 1000 : 0,
        values,
      },
      wifi: { ssid: "simulated", rssi: -55, address: "127.0.0.1" },
      mqtt: options.mqtt(),
      health: options.health(),
      chart: options.chart?.(),
    };
  };
  const setup = new HostSetup({
    store: options.store,
    status,
    log: options.log,
    // The bridge of this run keeps the settings it started with (a device restarts to take new ones).
    onRestart: () =>
      options.log(
        options.settingsFile
          ? `setup: settings saved to ${options.settingsFile}; restart npm start to run the bridge with them`
          : "setup: settings kept in memory only: the bridge of this run keeps its settings and a restart loses them " +
              "(npm start -- --settings FILE keeps them)",
      ),
  });
  let servers: SetupServer[] = [];
  try {
    servers.push(await startSetupServer(setup, { port: options.port, network: "ap" }));
    servers.push(await startSetupServer(setup, { port: options.port + 1, network: "station" }));
  } catch (error) {
    for (const server of servers) await server.close();
    setup.close();
    throw error;
  }
  return {
    setupUrl: servers[0].url,
    statusUrl: servers[1].url,
    close: async () => {
      for (const server of servers) await server.close();
      servers = [];
      setup.close();
    },
  };
}
