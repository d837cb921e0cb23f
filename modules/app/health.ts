import { ByteWriter } from "../vscp/writer";

/**
 * Every health figure of the running bridge, named once. The name is the counters' field, the stats JSON key
 * and the status page's label; the README's stats table is checked against this list. The stats JSON writes
 * the rows in this order: the VSCP profile's (§7) first, then the others, new ones always at the end.
 *
 * kind: "count" cumulative since start (starts at 0); "level" a current figure that starts at 0 (queue depth, update
 * state); "gauge" a current figure, NaN while unknown (null in the
 * JSON); "flag" a boolean (0/1 in the JSON); "text" a short string, "" while none (null in the JSON).
 * `stats: false` rows are only shown on the status page (while the stats message flows they are always 1).
 */
export const HEALTH_FIELDS = frozenRows([
  { key: "uptime", kind: "count", about: "seconds since start" },
  { key: "telegramsOk", kind: "count", about: "telegrams accepted (CRC verified, or without CRC when `noCrc` allows it)" },
  { key: "crcErrors", kind: "count", about: "frames whose CRC did not match" },
  { key: "overflows", kind: "count", about: "frames longer than the frame buffer" },
  { key: "truncated", kind: "count", about: "frames cut short by the start of the next one" },
  { key: "hdlcFrames", kind: "count", about: "binary DLMS/HDLC frames seen (a meter in the wrong mode)" },
  { key: "unknownLines", kind: "count", about: "lines with an OBIS code outside the catalog" },
  { key: "bytesReceived", kind: "count", about: "bytes received from the meter" },
  { key: "uartOverruns", kind: "count", about: "UART receive overruns reported by the meter port" },
  { key: "mqttReconnects", kind: "count", about: "MQTT sessions opened after the first one" },
  { key: "queueDepth", kind: "level", about: "events waiting in the outbox" },
  { key: "queueDrops", kind: "count", about: "events dropped from a full outbox" },
  { key: "eventsPublished", kind: "count", about: "VSCP events published" },
  { key: "timeFromDevice", kind: "count", about: "telegrams timed by the device clock (meter clock missing or a placeholder)" },
  { key: "timeUnknown", kind: "count", about: "telegrams with neither a valid meter clock nor a set device clock" },
  { key: "freeMemory", kind: "gauge", about: "free heap in bytes" },
  { key: "rssi", kind: "gauge", about: "Wi-Fi signal in dBm" },
  { key: "lastTelegramAge", kind: "gauge", about: "seconds since the last accepted telegram" },
  { key: "meterSilent", kind: "flag", about: "1 while no valid telegram arrived for `silentAfter` seconds" },
  { key: "meterSilences", kind: "count", about: "times the meter went silent" },
  { key: "noCrcRejected", kind: "count", about: "telegrams without CRC refused (`noCrc` off)" },
  { key: "queueDroppedTelegrams", kind: "count", about: "whole telegrams dropped from a full outbox (their events are in `queueDrops`)" },
  { key: "eventsSkipped", kind: "count", about: "events held back by a publish policy (interval, deadband)" },
  { key: "publishRetries", kind: "count", about: "publishes the link could not take at once (kept and retried)" },
  { key: "mqttConnectFailures", kind: "count", about: "MQTT connects that failed" },
  { key: "networkDrops", kind: "count", about: "times the network went down" },
  { key: "restartRequests", kind: "count", about: "restarts asked for after a long network outage" },
  { key: "portErrors", kind: "count", about: "exceptions from a port call (publish, connect, …), caught and retried" },
  { key: "internalErrors", kind: "count", about: "exceptions inside the core (a bug): caught, the telegram or event given up" },
  { key: "malformedLines", kind: "count", about: "lines of an accepted telegram that could not be read" },
  { key: "unitRejected", kind: "count", about: "values whose unit does not fit their OBIS code" },
  { key: "valueRejected", kind: "count", about: "values that are not a number the catalog allows" },
  { key: "duplicateLines", kind: "count", about: "OBIS codes sent twice in one telegram (the last wins)" },
  { key: "uartFramingErrors", kind: "count", about: "UART framing errors reported by the meter port" },
  { key: "noCrcTelegrams", kind: "count", about: "frames without CRC digits (accepted or not)" },
  { key: "valuesUnencodable", kind: "count", about: "values the encoder skipped: their digits do not fit an event" },
  { key: "garbageBytes", kind: "count", about: "bytes outside any telegram (noise, a partial telegram at start-up)" },
  { key: "eventsQueued", kind: "count", about: "events put into the outbox" },
  { key: "queueBytes", kind: "level", about: "outbox bytes in use" },
  { key: "queueCapacity", kind: "level", about: "outbox size in bytes" },
  { key: "mqttDisconnects", kind: "count", about: "MQTT sessions that ended" },
  { key: "networkConnectAttempts", kind: "count", about: "network joins started" },
  {
    key: "redelivered",
    kind: "count",
    about: "QoS 1 events sent again after a drop because no acknowledgement had come (possible duplicates)",
  },
  { key: "update", kind: "level", about: "firmware update in this run: 0 none, 1 on probation, 2 kept, 3 rolled back" },
  {
    key: "lastInternalError",
    kind: "text",
    about: "where the last internal error happened and its message (≤ 120 characters, secrets masked)",
  },
  {
    key: "alarms",
    kind: "level",
    about: "active alarms as a bit mask: bit n is the nth row of the alarm table (0: none)",
  },
  { key: "mqttConnected", kind: "flag", stats: false, about: "an MQTT session is up" },
  { key: "networkUp", kind: "flag", stats: false, about: "the network is up" },
] as const);

type Field = (typeof HEALTH_FIELDS)[number];

/** Frozen, so the preloaded table stays in flash. */
function frozenRows<T extends readonly object[]>(rows: T): T {
  for (const row of rows) Object.freeze(row);
  return Object.freeze(rows);
}
type ValueOf<F extends Field> = F["kind"] extends "flag" ? boolean : F["kind"] extends "text" ? string : number;
export type HealthKey = Field["key"];

/** The one counters object of the running bridge: every stage counts what it accepts and rejects here. */
export type HealthCounters = { [F in Field as F["key"]]: ValueOf<F> };

export function createHealthCounters(): HealthCounters {
  const counters: Record<string, number | boolean | string> = {};
  for (const field of HEALTH_FIELDS) {
    counters[field.key] = field.kind === "flag" ? false : field.kind === "text" ? "" : field.kind === "gauge" ? Number.NaN : 0;
  }
  return counters as HealthCounters;
}

/** The rows the stats message carries, in order. */
export const STATS_FIELDS: readonly Field[] = Object.freeze(HEALTH_FIELDS.filter((field) => !("stats" in field)));

/** Longest `lastInternalError` kept. */
export const ERROR_TEXT_MAX = 120;

/**
 * Keeps where an internal error happened and its message, bounded and as printable ASCII without quotes or
 * backslashes (so the stats writer copies it as it is), each secret replaced by `***`. Runs only on errors.
 */
export function recordInternalError(h: HealthCounters, where: string, error: unknown, secrets: readonly string[]): void {
  h.internalErrors++;
  let message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  for (const secret of secrets) if (secret) message = message.split(secret).join("***");
  let text = "";
  const whole = `${where}: ${message}`;
  for (let i = 0; i < whole.length && text.length < ERROR_TEXT_MAX; i++) {
    const c = whole.charCodeAt(i);
    text += c === 0x22 ? "'" : c === 0x5c ? "/" : c >= 0x20 && c < 0x7f ? whole[i] : "?";
  }
  h.lastInternalError = text;
}

/** A plain copy for the status page, in table order: gauges without a value and empty texts become null. */
export function healthView(h: HealthCounters): Record<string, number | boolean | string | null> {
  const view: Record<string, number | boolean | string | null> = {};
  const source = h as Record<string, number | boolean | string>;
  for (const field of HEALTH_FIELDS) {
    const value = source[field.key];
    view[field.key] = typeof value === "number" ? (Number.isFinite(value) ? value : null) : value === "" ? null : value;
  }
  return view;
}

/** Writes the stats JSON from the counters into one buffer, without allocating. */
export class StatsWriter {
  readonly buffer: Uint8Array;
  private readonly writer: ByteWriter;
  /** `{"key":` / `,"key":` per stats row. */
  private readonly prefixes: Uint8Array[];
  private readonly keys: string[];
  private readonly kinds: Uint8Array;

  constructor() {
    this.keys = STATS_FIELDS.map((field) => field.key);
    this.kinds = Uint8Array.from(STATS_FIELDS.map((field) => (field.kind === "flag" ? 1 : field.kind === "text" ? 2 : 0)));
    this.prefixes = this.keys.map((key, i) => asciiBytes(`${i === 0 ? "{" : ","}"${key}":`));
    // 17 characters hold any safe integer and null; a text adds its quotes.
    const size = this.prefixes.reduce((sum, p) => sum + p.length + 17, 1) + ERROR_TEXT_MAX + 2;
    this.writer = new ByteWriter(size);
    this.buffer = this.writer.buffer;
  }

  /** The stats JSON of `h`; returns its length. Keys in STATS_FIELDS order; fractions rounded down. */
  write(h: HealthCounters): number {
    const w = this.writer;
    const source = h as Record<string, number | boolean | string>;
    w.pos = 0;
    for (let i = 0; i < this.keys.length; i++) {
      w.bytes(this.prefixes[i]);
      const value = source[this.keys[i]];
      const kind = this.kinds[i];
      if (kind === 1) w.byte(value ? 0x31 : 0x30);
      else if (kind === 2) {
        const text = value as string;
        if (typeof text !== "string" || text.length === 0) writeNull(w);
        else {
          w.byte(0x22);
          for (let c = 0; c < text.length && c < ERROR_TEXT_MAX; c++) w.byte(text.charCodeAt(c));
          w.byte(0x22);
        }
      } else if (typeof value !== "number" || !Number.isFinite(value) || Math.abs(value) > 9007199254740991) writeNull(w);
      else w.int(Math.floor(value));
    }
    w.byte(0x7d);
    return w.pos;
  }
}

function writeNull(w: ByteWriter): void {
  w.byte(0x6e);
  w.byte(0x75);
  w.byte(0x6c);
  w.byte(0x6c);
}

function asciiBytes(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}
