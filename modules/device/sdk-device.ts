// The one module that takes the Moddable SDK's modules: it hands them to the device assembly and boots,
// and boot.ts decides between setup mode and the bridge.
/// <reference path="./typings/tls-socket.d.ts" />
import config from "mc/config";
import Instrumentation from "instrumentation";
import TCP from "embedded:io/socket/tcp";
import TLSSocket from "embedded:io/socket/tcp/tls";
import MQTTClient from "embedded:network/mqtt/client";
import Net from "net";
import Preference from "preference";
import SNTP from "sntp";
import Time from "time";
import Timer from "timer";
import * as platform from "./platform";
import { assembleDevice } from "./assemble";
import { bootDevice } from "./boot";
import type { MqttClient419Class } from "./mqtt-link";
import { setupServers } from "./setup-servers";
import { openUpdatePlatform } from "./update-platform";

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
    mqtt: {
      Client: MQTTClient as unknown as MqttClient419Class,
      TCP,
      TLSSocket,
      resolve: (host, callback) => Net.resolve(host, callback),
      defer: (callback) => void Timer.set(callback),
    },
    platform,
    freeMemory: () => Instrumentation.get(freeMemoryId) ?? NaN,
    log,
    updates: openUpdatePlatform(typeof config.firmware === "string" ? config.firmware : "unknown"),
  });
  log(
    `device ready on ${platform.PLATFORM}, firmware ${device.firmware}, board ${device.board?.name ?? "none"}, ` +
      `${device.problems.length} problem(s)`,
  );
  bootDevice(device, setupServers(device, platform, log), log);
}
