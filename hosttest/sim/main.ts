// `npm start`: the bridge core on this PC, between a meter (replayed or real) and an MQTT broker.
import { fileURLToPath } from "node:url";
import { relative } from "node:path";
import type { MeterSource } from "../../modules/app/ports";
import { loadSettings } from "../../modules/config/settings";
import { parseOptions, USAGE, UsageError, type SimOptions } from "./cli-options";
import { startEmbeddedBroker, type EmbeddedBroker } from "./embedded-broker";
import { JsonFileStore } from "./file-store";
import { HostBridge } from "./host-bridge";
import { MemoryStore } from "./memory-store";
import { MeterTap } from "./meter-tap";
import { describeReplay, ReplayMeterSource } from "./replay-source";
import { SerialMeterSource } from "./serial-source";
import { loadCapture } from "./telegram-file";
import { TerminalView } from "./terminal-view";
import { startSimSetup } from "../setup/sim-setup";
import { healthView } from "../../modules/app/health";

const DEFAULT_REPLAY = fileURLToPath(new URL("../fixtures/sim/day.txt", import.meta.url));
/** How long `--once` waits for queued messages to reach the broker before it gives up. */
const ONCE_DRAIN_MS = 30_000;

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

  // The settings file first, then the meter: a bad file or a missing port fails before anything starts listening.
  let store: MemoryStore;
  try {
    store = options.settings ? new JsonFileStore(options.settings) : new MemoryStore();
  } catch (error) {
    fail((error as Error).message);
  }
  const acceptNoCrc = loadSettings(store).settings.noCrc;

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
      capture = loadCapture(path, { acceptNoCrc });
    } catch (error) {
      fail((error as Error).message);
    }
    source = new ReplayMeterSource(capture, {
      speed: options.speed,
      loop: !options.once,
      onEnd: () => void finishOnce(),
    });
    meterDescription = describeReplay(relative(process.cwd(), path) || path, capture, options.speed);
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

  let view: TerminalView | undefined = new TerminalView({
    meterDescription,
    brokerDescription,
    watchCommand: watchCommand(host, port, options),
  });
  view.intro();
  let eventsPublished = 0;
  let messagesPublished = 0;
  let bridge: HostBridge | undefined;
  const tap = new MeterTap(
    source,
    (picture) => {
      // Drawn on the next turn, after the bridge handled the same bytes.
      setImmediate(() => view?.update({ picture, eventsPublished, messagesPublished, health: bridge?.health, energy: bridge?.energy }));
    },
    acceptNoCrc,
  );

  // The setup page's broker fields show the broker this run uses, unless the settings name one.
  store.setFallback({ broker: host, port, tls: options.broker?.tls ?? false, mqttUser: options.user ?? "" });
  view.log(
    options.settings
      ? `settings: ${relative(process.cwd(), options.settings) || options.settings} (kept across restarts)`
      : "settings: in memory only, lost when npm start stops (--settings FILE keeps them)",
  );
  let connectedOnce = false;
  let lastMqttError = "";
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
      lastMqttError = reason;
      // A broker that refuses the very first connection is a wrong address or a broker that is down: stop
      // with a plain error. Later outages are the bridge's business (it queues and reconnects).
      if (!connectedOnce) {
        bridge?.stop();
        fail(`cannot connect to the broker ${brokerDescription}: ${reason}`);
      }
    },
  });

  let stoppingSinceMs = 0;
  const stop = async (code = 0) => {
    // Ctrl-C reaches this process twice under npm (from the terminal and forwarded by npm): only a
    // second request a moment later means "quit now".
    if (stoppingSinceMs) {
      if (Date.now() - stoppingSinceMs > 1000) process.exit(130);
      return;
    }
    stoppingSinceMs = Date.now();
    bridge?.stop();
    await embedded?.close();
    view = undefined;
    process.stdout.write("\nstopped\n");
    process.exit(code);
  };
  process.on("SIGINT", () => void stop());
  process.on("SIGTERM", () => void stop());

  // --once: the capture has been sent; stop once the bridge has published what it queued.
  const finishOnce = async () => {
    const deadline = Date.now() + ONCE_DRAIN_MS;
    while ((bridge?.health.queueDepth ?? 0) > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    const left = bridge?.health.queueDepth ?? 0;
    // One more turn so the last publish reaches the socket before the session closes.
    await new Promise((resolve) => setTimeout(resolve, 200));
    view?.log(left ? `replay finished (--once); ${left} messages could not be published` : "replay finished (--once)");
    await stop(left ? 1 : 0);
  };

  bridge.start();

  // --setup: the device's setup and status pages, from the same handlers as the firmware.
  if (options.setupPort !== undefined) {
    const pages = await startSimSetup({
      store,
      settingsFile: options.settings,
      port: options.setupPort,
      picture: () => tap.picture,
      health: () => (bridge ? healthView(bridge.health) : {}),
      chart: () => (bridge?.bridge.history ? { nowS: performance.now() / 1000, source: bridge.bridge.history } : undefined),
      // The bridge's own health is the one source of the connection state.
      mqtt: () => ({
        state: bridge?.health.mqttConnected ? "connected" : "disconnected",
        broker: `${host}:${port}`,
        lastError: bridge?.health.mqttConnected ? "" : lastMqttError,
      }),
      log: (line) => view?.log(line),
    }).catch((error: Error) => fail(`cannot serve the setup page: ${error.message}`));
    view?.log(`setup page: ${pages.setupUrl}`);
    view?.log(
      loadSettings(store).settings.statusPage
        ? `status page (as on the home network): ${pages.statusUrl}`
        : `status page (as on the home network): ${pages.statusUrl} is off until "Status page on the home network" is on ` +
            "and an admin password is set (setup page, Device section)",
    );
  }
}

main().catch((error) => fail((error as Error).stack ?? String(error)));
