import type { Device } from "./assemble";
import type { SetupServers } from "./boot";
import { startRadio } from "./setup-access-point";
import { startSetupMode, startStatusServer } from "./setup-mode";
import { normalizeMac } from "./wifi-link";

/** The platform facts setup mode needs. */
export interface SetupPlatform {
  /** Whether the radio can open an access point (not on lin). */
  ACCESS_POINT: boolean;
  STATUS_PORT: number;
  random(): number;
}

/** The setup and status servers on the SDK's classic Wi-Fi, DNS and HTTP modules, for this device. */
export function setupServers(device: Device, platform: SetupPlatform, log: (line: string) => void): SetupServers {
  const restart = (reason: string) => device.system.restart(reason);
  return {
    setupMode: platform.ACCESS_POINT
      ? (reason, status) => {
          const mac = normalizeMac(startRadio());
          return startSetupMode({
            store: device.store, clock: device.clock, scheduler: device.scheduler, mac, pins: device.pins, status,
            makeMqttLink: device.makeMqttLink, restart, log, random: platform.random,
          }, reason);
        }
      : undefined,
    statusServer: (status, updates) =>
      startStatusServer({ store: device.store, clock: device.clock, scheduler: device.scheduler, pins: device.pins, status, restart, log, port: platform.STATUS_PORT, updates }),
  };
}
