import type { Device } from "./assemble";
import type { SetupServers } from "./boot";
import { startSetupMode, startStatusServer, type SetupAdapters } from "../setup/setup-mode";
import type { StreamRoute } from "../setup/http";
import { UpdateService } from "../update/service";
import { SetupHttpServer } from "./setup-http";
import { RadioScanner, WifiJoinTest, openAccessPoint, startRadio } from "./setup-radio";
import { normalizeMac } from "./wifi-link";

/** The platform facts setup mode needs. */
export interface SetupPlatform {
  /** Whether the radio can open an access point (not on lin). */
  ACCESS_POINT: boolean;
  STATUS_PORT: number;
  random(): number;
}

const serve: SetupAdapters["serve"] = (endpoint, port) =>
  new SetupHttpServer({ port, handle: endpoint.handle, networkOf: endpoint.networkOf, after: endpoint.after, stream: endpoint.stream });

/** The update service's routes; every other request goes to the status page's handlers. */
function updateRoutes(service: UpdateService): StreamRoute {
  return (method, path, headers) => (UpdateService.owns(path) ? service.open(method, path, headers) : undefined);
}

/** The setup and status servers on the SDK's classic Wi-Fi, DNS and HTTP modules, for this device. */
export function setupServers(device: Device, platform: SetupPlatform, log: (line: string) => void): SetupServers {
  const restart = (reason: string) => device.system.restart(reason);
  return {
    setupMode: platform.ACCESS_POINT
      ? (reason, status) => {
          const mac = normalizeMac(startRadio());
          const adapters: SetupAdapters = { openAccessPoint, wifi: new WifiJoinTest(), scanner: new RadioScanner(), serve };
          return startSetupMode(
            {
              store: device.store,
              clock: device.clock,
              scheduler: device.scheduler,
              mac,
              pins: device.pins,
              status,
              makeMqttLink: device.makeMqttLink,
              restart,
              log,
              random: platform.random,
              adapters,
            },
            reason,
          );
        }
      : undefined,
    statusServer: (status, updates) =>
      startStatusServer({
        store: device.store,
        clock: device.clock,
        scheduler: device.scheduler,
        pins: device.pins,
        status,
        restart,
        log,
        serve,
        port: platform.STATUS_PORT,
        streamRoutes: updates ? (admin) => updateRoutes(updates.service(admin)) : undefined,
      }),
  };
}
