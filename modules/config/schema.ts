/**
 * The one configuration schema. Each field is a Preferences key (<= 15 characters, the ESP32 NVS
 * limit), an `mcconfig key=value` build argument of the same name, and a row of the setup page.
 * Values are strings, whole numbers or booleans only: Preferences on the ESP32 stores no floats.
 */

/**
 * QoS 1 events sent and not yet acknowledged, at most, and their payload bytes (about 330 per event,
 * plus a topic of about 70 in the packet). The bytes sit in the TCP send buffer until the broker has them: 4 KiB is half of the 8 KiB lwIP send
 * buffer of the SDK's ESP32 build (CONFIG_LWIP_TCP_SND_BUF_DEFAULT), so presence messages still fit beside a full
 * window, and no PSRAM is needed. About 10 events per round trip drain a 10-minute backlog in seconds.
 */
export const DEFAULT_INFLIGHT_EVENTS = 16;
export const DEFAULT_INFLIGHT_BYTES = 4096;

/** Preferences domain (NVS namespace, <= 15 characters). */
export const CONFIG_DOMAIN = "p1vscp";

/** Longest Preferences key or domain the ESP32 accepts. */
export const MAX_KEY_LENGTH = 15;

/** Named checks for string fields, beyond length and allowed values. */
export type StringFormat =
  | "text" // any printable text
  | "host" // DNS name or IPv4 address
  | "hostname" // one DNS label: letters, digits, hyphen
  | "segment" // one MQTT topic level: no '/', '+', '#'
  | "topic" // topic template with {escapes}, no wildcards
  | "guid" // empty, or 16 hex bytes separated by ':'
  | "wpa" // empty (open network) or 8..63 characters
  | "pem" // empty, or one PEM certificate
  | "password" // empty (not set), or 8 or more characters
  | "mapping"; // mapping rows: letters, digits and - : . = , ; only (the rows are read in modules/vscp/mapping-setting.ts)

export type Group = "wifi" | "mqtt" | "vscp" | "meter" | "device" | "mapping" | "tariff" | "alarms";

interface FieldBase {
  /** Preferences key and build argument name. */
  readonly key: keyof Settings;
  readonly group: Group;
  /** Short label for the setup page. */
  readonly label: string;
  /** Never logged, published or shown; the setup page shows whether it is set. */
  readonly secret: boolean;
}

export interface StringField extends FieldBase {
  readonly type: "string";
  readonly default: string;
  readonly maxLength: number;
  readonly format: StringFormat;
  /** When present the value must be one of these. */
  readonly values?: readonly string[];
}

export interface IntField extends FieldBase {
  readonly type: "int";
  readonly default: number;
  readonly min: number;
  readonly max: number;
  /** When present the value must be one of these (min/max still bound them). */
  readonly values?: readonly number[];
  /** Unit shown on the setup page. */
  readonly unit?: string;
}

export interface BoolField extends FieldBase {
  readonly type: "bool";
  readonly default: boolean;
}

export type Field = StringField | IntField | BoolField;

/** The validated configuration handed to the core. */
export interface Settings {
  ssid: string;
  password: string;
  hostname: string;
  broker: string;
  port: number;
  mqttUser: string;
  mqttPass: string;
  clientId: string;
  tls: boolean;
  caCert: string;
  keepAlive: number;
  qos: number;
  inflightEvents: number;
  inflightBytes: number;
  prefix: string;
  topic: string;
  sntp: string;
  haDiscovery: boolean;
  haPrefix: string;
  guid: string;
  zone: number;
  subzone: number;
  nodeName: string;
  heartbeat: number;
  statsInterval: number;
  snapshot: boolean;
  utcOffset: number;
  baud: number;
  uartFormat: string;
  invertRx: boolean;
  noCrc: boolean;
  silentAfter: number;
  outboxKiB: number;
  restartAfter: number;
  rxPin: number;
  rtsPin: number;
  publish: string;
  pubInterval: number;
  pubDeadband: number;
  apPass: string;
  adminPass: string;
  statusPage: boolean;
  setupAfter: number;
  probation: number;
  mapping: string;
  mapping2: string;
  mapping3: string;
  // Alarms (modules/alarm): thresholds in whole units; 0 switches a condition off.
  fuseA: number;
  fuseWarnPct: number;
  voltNominal: number;
  voltBandPct: number;
  importMaxW: number;
  exportMaxW: number;
  guardPct: number;
  alarmMinS: number;
  alarmHystPct: number;
  // Capacity tariff (group "tariff")
  tariffPeaks: number;
  tariffPerDay: boolean;
  tariffDays: string;
  tariffFrom: number;
  tariffTo: number;
  nightWeight: number;
  nightFrom: number;
  nightTo: number;
}

/**
 * The mapping text is kept under several keys so no Preferences string comes near the ESP32 NVS size limit
 * (about 1,900 bytes a value here); the setup page shows them as one table and splits at row boundaries.
 * Three parts hold every row of today's catalog and channels changed at once.
 */
export const MAPPING_KEYS = Object.freeze(["mapping", "mapping2", "mapping3"] as const);
export const MAPPING_PART_CHARS = 1800;

/** The whole mapping text of the settings (its parts joined). */
export function mappingText(settings: Settings): string {
  return MAPPING_KEYS.map((key) => settings[key])
    .filter((part) => part !== "")
    .join(";");
}

export const UART_FORMATS = ["8N1", "7E1"] as const;
export const BAUD_RATES = [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200] as const;
export const PUBLISH_MODES = ["every", "interval", "deadband"] as const;
export const TARIFF_DAYS = ["all", "weekdays"] as const;

export const FIELDS: readonly Field[] = [
  { key: "ssid", group: "wifi", label: "Wi-Fi network (SSID)", type: "string", default: "", maxLength: 32, format: "text", secret: false },
  { key: "password", group: "wifi", label: "Wi-Fi password", type: "string", default: "", maxLength: 63, format: "wpa", secret: true },
  {
    key: "hostname",
    group: "wifi",
    label: "Host name",
    type: "string",
    default: "p1vscp",
    maxLength: 32,
    format: "hostname",
    secret: false,
  },

  {
    key: "broker",
    group: "mqtt",
    label: "MQTT broker (name or IP address)",
    type: "string",
    default: "",
    maxLength: 64,
    format: "host",
    secret: false,
  },
  { key: "port", group: "mqtt", label: "MQTT port", type: "int", default: 1883, min: 1, max: 65535, secret: false },
  { key: "mqttUser", group: "mqtt", label: "MQTT user", type: "string", default: "", maxLength: 64, format: "text", secret: false },
  { key: "mqttPass", group: "mqtt", label: "MQTT password", type: "string", default: "", maxLength: 64, format: "text", secret: true },
  {
    key: "clientId",
    group: "mqtt",
    label: "MQTT client id (empty: from the MAC)",
    type: "string",
    default: "",
    maxLength: 23,
    format: "segment",
    secret: false,
  },
  { key: "tls", group: "mqtt", label: "Use TLS", type: "bool", default: false, secret: false },
  {
    key: "caCert",
    group: "mqtt",
    label: "CA certificate (PEM) for TLS",
    type: "string",
    default: "",
    maxLength: 3800,
    format: "pem",
    secret: false,
  },
  { key: "keepAlive", group: "mqtt", label: "MQTT keep alive", type: "int", default: 30, min: 0, max: 3600, unit: "s", secret: false },
  // 1: an event leaves the queue when the broker acknowledged it; 0: what is in flight at a drop may be lost.
  { key: "qos", group: "mqtt", label: "MQTT QoS for events", type: "int", default: 1, min: 0, max: 1, values: [0, 1], secret: false },
  // The defaults fit an ESP32 without PSRAM (see modules/app/defaults.ts).
  {
    key: "inflightEvents",
    group: "mqtt",
    label: "Events sent and not yet acknowledged, at most",
    type: "int",
    default: DEFAULT_INFLIGHT_EVENTS,
    min: 1,
    max: 256,
    secret: false,
  },
  {
    key: "inflightBytes",
    group: "mqtt",
    label: "Bytes sent and not yet acknowledged, at most",
    type: "int",
    default: DEFAULT_INFLIGHT_BYTES,
    min: 512,
    max: 65536,
    unit: "B",
    secret: false,
  },
  {
    key: "prefix",
    group: "mqtt",
    label: "Topic prefix for status and stats",
    type: "string",
    default: "p1vscp",
    maxLength: 32,
    format: "segment",
    secret: false,
  },
  {
    key: "topic",
    group: "mqtt",
    label: "VSCP event topic template",
    type: "string",
    default: "vscp/{guid}/{class}/{type}/{nickname}/{sensorindex}",
    maxLength: 128,
    format: "topic",
    secret: false,
  },
  {
    key: "sntp",
    group: "mqtt",
    label: "Time server (SNTP)",
    type: "string",
    default: "pool.ntp.org",
    maxLength: 64,
    format: "host",
    secret: false,
  },
  { key: "haDiscovery", group: "mqtt", label: "Home Assistant discovery", type: "bool", default: false, secret: false },
  {
    key: "haPrefix",
    group: "mqtt",
    label: "Home Assistant discovery prefix",
    type: "string",
    default: "homeassistant",
    maxLength: 32,
    format: "segment",
    secret: false,
  },

  {
    key: "guid",
    group: "vscp",
    label: "Base GUID (empty: from the MAC)",
    type: "string",
    default: "",
    maxLength: 47,
    format: "guid",
    secret: false,
  },
  { key: "zone", group: "vscp", label: "VSCP zone", type: "int", default: 0, min: 0, max: 255, secret: false },
  { key: "subzone", group: "vscp", label: "VSCP subzone", type: "int", default: 0, min: 0, max: 255, secret: false },
  { key: "nodeName", group: "vscp", label: "Node name", type: "string", default: "P1 meter", maxLength: 64, format: "text", secret: false },
  { key: "heartbeat", group: "vscp", label: "Heartbeat interval", type: "int", default: 60, min: 10, max: 3600, unit: "s", secret: false },
  { key: "statsInterval", group: "vscp", label: "Stats interval", type: "int", default: 60, min: 10, max: 3600, unit: "s", secret: false },
  { key: "snapshot", group: "vscp", label: "Publish a JSON snapshot of every telegram", type: "bool", default: true, secret: false },
  {
    key: "utcOffset",
    group: "vscp",
    label: "Meter clock offset from UTC when the telegram has no DST flag",
    type: "int",
    default: 60,
    min: -720,
    max: 840,
    unit: "min",
    secret: false,
  },

  {
    key: "baud",
    group: "meter",
    label: "Meter baud rate",
    type: "int",
    default: 115200,
    min: 1200,
    max: 115200,
    values: BAUD_RATES,
    secret: false,
  },
  {
    key: "uartFormat",
    group: "meter",
    label: "Meter frame format",
    type: "string",
    default: "8N1",
    maxLength: 3,
    format: "text",
    values: UART_FORMATS,
    secret: false,
  },
  {
    key: "invertRx",
    group: "meter",
    label: "Invert RX (direct wiring: on; transistor circuit: off)",
    type: "bool",
    default: true,
    secret: false,
  },
  { key: "noCrc", group: "meter", label: "Accept telegrams without CRC (DSMR 2.2/3 meters)", type: "bool", default: false, secret: false },
  {
    key: "silentAfter",
    group: "meter",
    label: "Meter silent after no valid telegram for",
    type: "int",
    default: 60,
    min: 15,
    max: 3600,
    unit: "s",
    secret: false,
  },
  {
    key: "outboxKiB",
    group: "mqtt",
    label: "Queue for broker outages (0: the board's default)",
    type: "int",
    default: 0,
    min: 0,
    max: 8192,
    unit: "KiB",
    secret: false,
  },
  {
    key: "restartAfter",
    group: "device",
    label: "Restart after no network for (0: never)",
    type: "int",
    default: 15,
    min: 0,
    max: 1440,
    unit: "min",
    secret: false,
  },
  { key: "rxPin", group: "meter", label: "RX pin (-1: as the board is wired)", type: "int", default: -1, min: -1, max: 48, secret: false },
  {
    key: "rtsPin",
    group: "meter",
    label: "RTS pin (-1: as the board is wired)",
    type: "int",
    default: -1,
    min: -1,
    max: 48,
    secret: false,
  },
  {
    key: "publish",
    group: "vscp",
    label: "Publish values",
    type: "string",
    default: "every",
    maxLength: 8,
    format: "text",
    values: PUBLISH_MODES,
    secret: false,
  },
  {
    key: "pubInterval",
    group: "vscp",
    label: "Publish interval (mode interval)",
    type: "int",
    default: 60,
    min: 10,
    max: 3600,
    unit: "s",
    secret: false,
  },
  {
    key: "pubDeadband",
    group: "vscp",
    label: "Power change that publishes (mode deadband)",
    type: "int",
    default: 50,
    min: 1,
    max: 100000,
    unit: "W",
    secret: false,
  },

  {
    key: "apPass",
    group: "device",
    label: "Setup access point password (empty: generated)",
    type: "string",
    default: "",
    maxLength: 63,
    format: "password",
    secret: true,
  },
  {
    key: "adminPass",
    group: "device",
    label: "Admin password for the status page",
    type: "string",
    default: "",
    maxLength: 64,
    format: "password",
    secret: true,
  },
  { key: "statusPage", group: "device", label: "Status page on the home network", type: "bool", default: false, secret: false },
  {
    key: "setupAfter",
    group: "device",
    label: "Open the setup access point after Wi-Fi fails this long (0: never)",
    type: "int",
    default: 300,
    min: 0,
    max: 86400,
    unit: "s",
    secret: false,
  },
  {
    key: "probation",
    group: "device",
    label: "A new firmware image must prove itself within",
    type: "int",
    default: 600,
    min: 60,
    max: 86400,
    unit: "s",
    secret: false,
  },

  // The per-value mapping: the rows that differ from the defaults, over up to three keys (MAPPING_KEYS).
  ...MAPPING_KEYS.map(
    (key, i): StringField => ({
      key,
      group: "mapping",
      label: i === 0 ? "Per-value mapping (rows that differ from the defaults)" : "Per-value mapping, continued",
      type: "string",
      default: "",
      maxLength: MAPPING_PART_CHARS,
      format: "mapping",
      secret: false,
    }),
  ),
  // Alarms (modules/alarm). The main fuse is off by default: only the grid contract knows it (16, 20, 25 A are common).
  {
    key: "fuseA",
    group: "alarms",
    label: "Main fuse size (0: no fuse alarms)",
    type: "int",
    default: 0,
    min: 0,
    max: 250,
    unit: "A",
    secret: false,
  },
  {
    key: "fuseWarnPct",
    group: "alarms",
    label: "Warn when a phase's current reaches this share of the fuse",
    type: "int",
    default: 90,
    min: 50,
    max: 100,
    unit: "%",
    secret: false,
  },
  {
    key: "voltNominal",
    group: "alarms",
    label: "Nominal voltage",
    type: "int",
    default: 230,
    min: 100,
    max: 400,
    unit: "V",
    secret: false,
  },
  {
    key: "voltBandPct",
    group: "alarms",
    label: "Alarm when a phase's voltage leaves nominal ± this share (EN 50160: 10; 0: off)",
    type: "int",
    default: 10,
    min: 0,
    max: 50,
    unit: "%",
    secret: false,
  },
  {
    key: "importMaxW",
    group: "alarms",
    label: "Warn when net import reaches (0: off)",
    type: "int",
    default: 0,
    min: 0,
    max: 1000000,
    unit: "W",
    secret: false,
  },
  {
    key: "exportMaxW",
    group: "alarms",
    label: "Warn when export reaches (0: off)",
    type: "int",
    default: 0,
    min: 0,
    max: 1000000,
    unit: "W",
    secret: false,
  },
  {
    key: "guardPct",
    group: "alarms",
    label: "Warn when the hour's projection reaches this share of the month's counted peak (0: off)",
    type: "int",
    default: 100,
    min: 0,
    max: 200,
    unit: "%",
    secret: false,
  },
  {
    key: "alarmMinS",
    group: "alarms",
    label: "A condition must last this long to start or to end",
    type: "int",
    default: 30,
    min: 0,
    max: 3600,
    unit: "s",
    secret: false,
  },
  {
    key: "alarmHystPct",
    group: "alarms",
    label: "A condition ends once its value is back inside the threshold by this share of it",
    type: "int",
    default: 2,
    min: 0,
    max: 20,
    unit: "%",
    secret: false,
  },
  // Capacity tariff: which hours count and how (README "Derived values and the capacity tariff").
  {
    key: "tariffPeaks",
    group: "tariff",
    label: "Hourly peaks the capacity charge averages",
    type: "int",
    default: 3,
    min: 1,
    max: 10,
    secret: false,
  },
  { key: "tariffPerDay", group: "tariff", label: "At most one peak per day", type: "bool", default: true, secret: false },
  {
    key: "tariffDays",
    group: "tariff",
    label: "Days that count",
    type: "string",
    default: "all",
    maxLength: 8,
    format: "text",
    values: TARIFF_DAYS,
    secret: false,
  },
  {
    key: "tariffFrom",
    group: "tariff",
    label: "Counted hours from (local time)",
    type: "int",
    default: 0,
    min: 0,
    max: 23,
    unit: "h",
    secret: false,
  },
  {
    key: "tariffTo",
    group: "tariff",
    label: "Counted hours until (from = to: all day)",
    type: "int",
    default: 24,
    min: 0,
    max: 24,
    unit: "h",
    secret: false,
  },
  {
    key: "nightWeight",
    group: "tariff",
    label: "Weight of night hours",
    type: "int",
    default: 100,
    min: 0,
    max: 100,
    unit: "%",
    secret: false,
  },
  {
    key: "nightFrom",
    group: "tariff",
    label: "Night from (local time)",
    type: "int",
    default: 22,
    min: 0,
    max: 23,
    unit: "h",
    secret: false,
  },
  {
    key: "nightTo",
    group: "tariff",
    label: "Night until (local time)",
    type: "int",
    default: 6,
    min: 0,
    max: 23,
    unit: "h",
    secret: false,
  },
];

// Frozen, so a preloaded module keeps the schema in flash instead of copying it to RAM.
for (const field of FIELDS) {
  if (field.type !== "bool" && field.values) Object.freeze(field.values);
  Object.freeze(field);
}
Object.freeze(FIELDS);

/** Field by key; undefined for keys outside the schema. */
export function fieldByKey(key: string): Field | undefined {
  for (const field of FIELDS) if (field.key === key) return field;
  return undefined;
}

/** A fresh Settings object holding every default. */
export function defaultSettings(): Settings {
  const settings: Record<string, string | number | boolean> = {};
  for (const field of FIELDS) settings[field.key] = field.default;
  return settings as unknown as Settings;
}
