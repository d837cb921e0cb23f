// `npm start`: the bridge core on this PC, between a meter (replayed or real) and an MQTT broker.
import { fileURLToPath } from "node:url";
import { relative } from "node:path";
import type { MeterSource } from "../../modules/app/ports";
import { parseOptions, USAGE, UsageError, type SimOptions } from "./cli-options";
import { startEmbeddedBroker, type EmbeddedBroker } from "./embedded-broker";
import { JsonFileStore } from "./file-store";
import { HostBridge } from "./host-bridge";
import { MemoryStore } from "./memory-store";
import { MeterTap } from "./meter-tap";
import { ReplayMeterSource } from "./replay-source";
import { SerialMeterSource } from "./serial-source";
import { loadCapture } from "./telegram-file";
import { TerminalView } from "./terminal-view";
import { startSimSetup } from "../setup/sim-setup";

const DEFAULT_REPLAY = fileURLToPath(new URL("../fixtures/sim/day.txt", import.meta.url));

function fail(message: string, code = 1): never {
  process.stderr.write(`error: ${message}\n`);
  process.exit(code);
}

function watchCommand(host: string, port: number, options: SimOptions): string {
  const parts = ["mosquitto_sub", "-h", host, "-p", String(port), "-v", "-t", "'vscp/#'", "-t", "'p1vscp/#'"];
  if (options.user) parts.push("-u", options.user, "-P", "'…'");
  if (options.broker?.tls) parts.push(options.ca ? "--cafile CA.pem" : "--capath /etc/ssl/certs");
  return parts.join(" ");
}

async function main(): Promise<void> {
  let options: SimOptions;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError) fail(`${error.message}\n\n${USAGE}`, 2);
    throw error;
  }
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }

  // The meter first: a bad file or a missing port should fail before anything starts listening.
  let source: MeterSource;
  let meterDescription: string;
  let serial: SerialMeterSource | undefined;
  if (options.serial) {
    serial = new SerialMeterSource({ path: options.serial, baudRate: options.baud, onError: (m) => view?.log(m) });
    try {
      await serial.open();
    } catch (error) {
      fail((error as Error).message);
    }
    source = serial;
    meterDescription = `serial ${options.serial} (${options.baud} 8N1)`;
  } else {
    const path = options.replay ?? DEFAULT_REPLAY;
    let capture;
    try {
      capture = loadCapture(path);
    } catch (error) {
      fail((error as Error).message);
    }
    source = new ReplayMeterSource(capture, {
      speed: options.speed,
      loop: !options.once,
      onEnd: () => view?.log("replay finished (--once); Ctrl-C to quit"),
    });
    const shown = relative(process.cwd(), path) || path;
    meterDescription = `replaying ${shown} (${capture.good} telegrams${capture.rejected ? `, ${capture.rejected} damaged` : ""}), ` +
      `every ${(10 / options.speed).toPrecision(3).replace(/\.?0+$/, "")} s${options.speed !== 1 ? ` (×${options.speed})` : ""}`;
  }

  let embedded: EmbeddedBroker | undefined;
  let host: string;
  let port: number;
  let brokerDescription: string;
  if (options.broker) {
    ({ host, port } = options.broker);
    brokerDescription = `${options.broker.tls ? "mqtts" : "mqtt"}://${host}:${port}${options.user ? ` as ${options.user}` : ""}`;
  } else {
    try {
      embedded = await startEmbeddedBroker(options.brokerPort);
    } catch (error) {
      fail(`cannot start the embedded broker: ${(error as Error).message}`);
    }
    host = embedded.host;
    port = embedded.port;
    brokerDescription = `embedded broker on mqtt://${host}:${port}${port !== options.brokerPort ? ` (${options.brokerPort} was busy)` : ""}`;
  }

  let view: TerminalView | undefined = new TerminalView({ meterDescription, brokerDescription, watchCommand: watchCommand(host, port, options) });
  view.intro();
  let eventsPublished = 0;
  let messagesPublished = 0;
  let bridge: HostBridge | undefined;
  const tap = new MeterTap(source, (picture) => {
    // Drawn on the next turn, after the bridge handled the same bytes.
    setImmediate(() => view?.update({ picture, eventsPublished, messagesPublished, health: bridge?.health }));
  });

  const store = options.settings ? new JsonFileStore(options.settings) : new MemoryStore();
  let connectedOnce = false;
  bridge = new HostBridge({
    meter: tap,
    broker: { host, port, tls: options.broker?.tls ?? false, ca: options.ca, username: options.user, password: options.password },
    mac: options.mac,
    store,
    // The status page's power chart, as the device keeps it when its status page is on.
    bridge: options.setupPort !== undefined ? { historyPoints: 360 } : undefined,
    log: (line) => view?.log(line),
    observer: (topic) => {
      messagesPublished++;
      if (topic.startsWith("vscp/")) eventsPublished++;
    },
    onConnected: () => {
      connectedOnce = true;
    },
    onDisconnected: (reason) => {
      // A broker that refuses the very first connection is a wrong address or a broker that is down: stop
      // with a plain error. Later outages are the bridge's business (it queues and reconnects).
      if (!connectedOnce) {
        bridge?.stop();
        fail(`cannot connect to the broker ${brokerDescription}: ${reason}`);
      }
    },
  });

  let stopping = false;
  const stop = async () => {
    if (stopping) process.exit(130);
    stopping = true;
    bridge?.stop();
    await embedded?.close();
    view = undefined;
    process.stdout.write("\nstopped\n");
    process.exit(0);
  };
  process.on("SIGINT", () => void stop());
  process.on("SIGTERM", () => void stop());

  bridge.start();

  // --setup: the device's setup and status pages, from the same handlers as the firmware.
  if (options.setupPort !== undefined) {
    const pages = await startSimSetup({
      store,
      port: options.setupPort,
      picture: () => tap.picture,
      health: () => bridge?.health ?? {},
      chart: () => (bridge?.bridge.history ? { nowS: performance.now() / 1000, source: bridge.bridge.history } : undefined),
      mqtt: () => ({ state: connectedOnce ? "connected" : "disconnected", broker: brokerDescription, lastError: "" }),
      log: (line) => view?.log(line),
    }).catch((error: Error) => fail(`cannot serve the setup page: ${error.message}`));
    view?.log(`setup page: ${pages.setupUrl} (the status page as on the home network: ${pages.statusUrl})`);
  }
}

main().catch((error) => fail((error as Error).stack ?? String(error)));
