import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

export interface SimOptions {
  /** External broker; undefined starts the embedded one. */
  broker?: { host: string; port: number; tls: boolean };
  /** Port the embedded broker tries first. */
  brokerPort: number;
  user?: string;
  password?: string;
  ca?: string;
  serial?: string;
  baud: number;
  replay?: string;
  speed: number;
  /** Replay the capture once, then stop (default: loop). */
  once: boolean;
  mac: string;
  settings?: string;
  /** Port of the setup page (`--setup`); undefined when off. */
  setupPort?: number;
  help: boolean;
}

export const USAGE = `Usage: npm start -- [options]

With no options: an embedded MQTT broker on 127.0.0.1:1883 (or the next free port), a meter replaying
the project's Swedish telegrams every 10 s, and the bridge between them, with a live view.

  --broker URL        use this broker instead: mqtt://host:port or mqtts://host:port
  --user NAME         MQTT user name
  --password TEXT     MQTT password (or set P1VSCP_MQTT_PASSWORD; never printed)
  --tls               use TLS (implied by mqtts://)
  --ca FILE           CA certificate (PEM) to verify the broker with
  --serial PATH       read a real meter through a USB-serial adapter (115200 8N1, RX inverted)
  --baud N            serial speed (default 115200)
  --replay FILE       replay a capture (raw bytes or telegram text) instead of the built-in day
  --speed N           replay N times faster than the meter's 10 s cadence (0.001 to 10000)
  --once              replay the capture once, then stop (exits once its events are published)
  --mac XX:XX:XX:XX:XX:XX   MAC address for the GUID and device id (default 02:00:00:00:00:01)
  --settings FILE     keep the settings in this JSON file, readable by you only (default: in memory,
                      lost when npm start stops); the file's folder must exist
  --port N            first port the embedded broker tries (default 1883)
  --setup             also serve the device's setup page on http://127.0.0.1:8080/ (the status page,
                      as on the home network, on the next port)
  --setup-port N      port of the setup page (implies --setup)
  -h, --help          this text`;

export class UsageError extends Error {}

export const MIN_SPEED = 0.001;
export const MAX_SPEED = 10_000;

const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i;

function whole(name: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be a whole number ${min}..${max}, not "${text}"`);
  return n;
}

export function parseBrokerUrl(text: string): { host: string; port: number; tls: boolean } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--broker must look like mqtt://host:port, not "${text}"`);
  }
  const tls = url.protocol === "mqtts:";
  if (!tls && url.protocol !== "mqtt:") throw new UsageError(`--broker must start with mqtt:// or mqtts://, not "${url.protocol}//"`);
  if (url.username || url.password) throw new UsageError("put the broker's user and password in --user and --password, not in the URL");
  if (!url.hostname) throw new UsageError(`--broker "${text}" has no host`);
  const port = url.port ? whole("broker port", url.port, 1, 65535) : tls ? 8883 : 1883;
  return { host: url.hostname.replace(/^\[|\]$/g, ""), port, tls };
}

export function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): SimOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        broker: { type: "string" },
        user: { type: "string" },
        password: { type: "string" },
        tls: { type: "boolean", default: false },
        ca: { type: "string" },
        serial: { type: "string" },
        baud: { type: "string" },
        replay: { type: "string" },
        speed: { type: "string" },
        once: { type: "boolean", default: false },
        mac: { type: "string" },
        settings: { type: "string" },
        port: { type: "string" },
        setup: { type: "boolean", default: false },
        "setup-port": { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const v = parsed.values;
  if (v.serial && v.replay) throw new UsageError("choose either --serial or --replay, not both");
  const speed = v.speed === undefined ? 1 : Number(v.speed);
  // Slower than 0.001 (one telegram in 2.8 hours) is no replay anyone waits for, and far enough from
  // where the interval outgrows a Node timer (about 24.8 days) that every accepted speed is honoured.
  if (!(speed >= MIN_SPEED && speed <= MAX_SPEED)) {
    throw new UsageError(`--speed must be a number from ${MIN_SPEED} to ${MAX_SPEED}, not "${v.speed}"`);
  }
  const mac = v.mac ?? "02:00:00:00:00:01";
  if (!MAC.test(mac)) throw new UsageError(`--mac must be six hex bytes like 24:0A:C4:12:34:56, not "${mac}"`);
  const broker = v.broker === undefined ? undefined : parseBrokerUrl(v.broker);
  const tls = Boolean(v.tls) || Boolean(broker?.tls);
  if (tls && !broker) throw new UsageError("--tls needs --broker (the embedded broker speaks plain MQTT)");
  if (broker) broker.tls = tls;
  let ca: string | undefined;
  if (v.ca !== undefined) {
    if (!tls) throw new UsageError("--ca only makes sense with TLS (--tls or mqtts://)");
    try {
      ca = readFileSync(v.ca, "utf8");
    } catch (error) {
      throw new UsageError(`cannot read CA certificate ${v.ca}: ${(error as Error).message}`);
    }
    if (!ca.includes("-----BEGIN CERTIFICATE-----")) throw new UsageError(`${v.ca} is not a PEM certificate`);
  }
  const password = v.password ?? env.P1VSCP_MQTT_PASSWORD;
  if ((v.user || password) && !broker) throw new UsageError("--user/--password need --broker (the embedded broker takes anyone)");
  return {
    broker,
    brokerPort: v.port === undefined ? 1883 : whole("port", v.port, 1, 65535),
    user: v.user,
    password: password || undefined,
    ca,
    serial: v.serial,
    baud: v.baud === undefined ? 115200 : whole("baud", v.baud, 1200, 921600),
    replay: v.replay,
    speed,
    once: Boolean(v.once),
    mac: mac.toUpperCase(),
    settings: v.settings,
    setupPort: v["setup-port"] !== undefined ? whole("setup-port", v["setup-port"], 1, 65534) : v.setup ? 8080 : undefined,
    help: Boolean(v.help),
  };
}
