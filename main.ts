// Wiring only: hands the SDK's modules to the device assembly, then the ports to the bridge core.
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
import { startBridge } from "./modules/device/startup";

const freeMemoryId = Instrumentation.map("System Free Memory");

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
  log: (line) => trace(line, "\n"),
});

trace(`device ready on ${platform.PLATFORM}, board ${device.board?.name ?? "none"}, ${device.problems.length} problem(s)\n`);
startBridge(device, (line) => trace(line, "\n"));
