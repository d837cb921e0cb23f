// The one module that takes the Moddable SDK's modules: it hands them to the device assembly and boots,
// and boot.ts decides between setup mode and the bridge.
import config from "mc/config";
import Instrumentation from "instrumentation";
import Client from "mqtt";
import Preference from "preference";
import SecureSocket from "securesocket";
import SNTP from "sntp";
import Time from "time";
import Timer from "timer";
import * as platform from "./platform";
import { assembleDevice } from "./assemble";
import { bootDevice } from "./boot";
import { setupServers } from "./setup-servers";

/** Assembles the device from the SDK's modules and the platform, then boots it. */
export function startFirmware(): void {
  const freeMemoryId = Instrumentation.map("System Free Memory");
  const log = (line: string) => trace(line, "\n");
  const device = assembleDevice({
    buildConfig: config,
    preferences: Preference,
    timer: Timer,
    time: Time,
    SNTP,
    MqttClient: Client,
    SecureSocket,
    platform,
    freeMemory: () => Instrumentation.get(freeMemoryId) ?? NaN,
    log,
  });
  log(`device ready on ${platform.PLATFORM}, firmware ${device.firmware}, board ${device.board?.name ?? "none"}, ` +
    `${device.problems.length} problem(s)`);
  bootDevice(device, setupServers(device, platform, log), log);
}
