// Wiring only: hands the SDK's modules to the device assembly; boot.ts decides between setup and normal mode.
/// <reference path="./modules/device/typings/tls-socket.d.ts" />
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
import * as platform from "./modules/device/platform";
import { assembleDevice } from "./modules/device/assemble";
import { bootDevice } from "./modules/device/boot";
import type { MqttClient419Class } from "./modules/device/mqtt-link";
import { setupServers } from "./modules/device/setup-servers";

const freeMemoryId = Instrumentation.map("System Free Memory");
const log = (line: string) => trace(line, "\n");

const device = assembleDevice({
  buildConfig: config,
  preferences: Preference,
  timer: Timer,
  time: Time,
  SNTP,
  mqtt: { Client: MQTTClient as unknown as MqttClient419Class, TCP, TLSSocket, resolve: (host, callback) => Net.resolve(host, callback) },
  platform,
  freeMemory: () => Instrumentation.get(freeMemoryId) ?? NaN,
  log,
});

trace(`device ready on ${platform.PLATFORM}, firmware ${device.firmware}, board ${device.board?.name ?? "none"}, ${device.problems.length} problem(s)\n`);
bootDevice(device, setupServers(device, platform, log), log);
