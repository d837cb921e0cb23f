// Wiring only: hands the SDK's modules to the device assembly; boot.ts decides between setup and normal mode.
import config from "mc/config";
import Instrumentation from "instrumentation";
import Client from "mqtt";
import Preference from "preference";
import SecureSocket from "securesocket";
import SNTP from "sntp";
import Time from "time";
import Timer from "timer";
import * as platform from "./modules/device/platform";
import { assembleDevice } from "./modules/device/assemble";
import { bootDevice } from "./modules/device/boot";
import { setupServers } from "./modules/device/setup-servers";
import { openUpdatePlatform } from "./modules/device/update-platform";

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
  updates: openUpdatePlatform(typeof config.firmware === "string" ? config.firmware : "unknown"),
});

trace(`device ready on ${platform.PLATFORM}, firmware ${device.firmware}, board ${device.board?.name ?? "none"}, ${device.problems.length} problem(s)\n`);
bootDevice(device, setupServers(device, platform, log), log);
