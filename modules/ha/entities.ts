import { Quantity } from "../p1/units";

/**
 * How Home Assistant should read each quantity the VSCP events carry. Device classes and units are HA's
 * own names (developers.home-assistant.io, "Sensor entity" → available device classes): `reactive_energy`
 * with kvarh exists since HA 2025.6; a quantity without an entry here gets no entity.
 */
export interface ValueClass {
  readonly deviceClass: string;
  /** HA's state class: energy registers only grow (resets are handled by HA), the rest are snapshots. */
  readonly stateClass: "measurement" | "total_increasing";
  /** The unit the event's `measurement.value` is in (the VSCP profile's canonical unit); "" for none. */
  readonly unit: string;
}

export function valueClassOf(quantity: number): ValueClass | undefined {
  switch (quantity) {
    case Quantity.ActiveEnergy:
      return { deviceClass: "energy", stateClass: "total_increasing", unit: "kWh" };
    case Quantity.ReactiveEnergy:
      return { deviceClass: "reactive_energy", stateClass: "total_increasing", unit: "kvarh" };
    case Quantity.ActivePower:
      return { deviceClass: "power", stateClass: "measurement", unit: "W" };
    case Quantity.ReactivePower:
      return { deviceClass: "reactive_power", stateClass: "measurement", unit: "var" };
    case Quantity.Voltage:
      return { deviceClass: "voltage", stateClass: "measurement", unit: "V" };
    case Quantity.Current:
      return { deviceClass: "current", stateClass: "measurement", unit: "A" };
    case Quantity.Frequency:
      return { deviceClass: "frequency", stateClass: "measurement", unit: "Hz" };
    case Quantity.PowerFactor:
      return { deviceClass: "power_factor", stateClass: "measurement", unit: "" };
    default:
      return undefined;
  }
}

/** A row of the stats message as the health table describes it (modules/app/health.ts `STATS_FIELDS`). */
export interface StatsRow {
  readonly key: string;
  /** "count" (cumulative), "level" (a current figure), "gauge" (a current figure, unknown at first), "flag" or "text". */
  readonly kind: string;
}

/** One row of the stats message as a diagnostic entity. */
export interface DiagnosticEntity {
  readonly key: string;
  readonly name: string;
  /** None for a text. */
  readonly stateClass?: "measurement" | "total_increasing";
  readonly deviceClass?: string;
  readonly unit?: string;
  /** Shown at once; the others exist in HA but start disabled (one click enables them). */
  readonly enabled: boolean;
}

interface Look {
  readonly name: string;
  readonly enabled?: boolean;
  readonly deviceClass?: string;
  readonly unit?: string;
}

/** How HA shows each stats key; the keys and their order come from the health table. */
const LOOKS: Readonly<Record<string, Look>> = {
  uptime: { name: "Uptime", enabled: true, deviceClass: "duration", unit: "s" },
  telegramsOk: { name: "Telegrams received", enabled: true },
  crcErrors: { name: "CRC errors", enabled: true },
  overflows: { name: "Telegrams too long" },
  truncated: { name: "Telegrams cut off" },
  hdlcFrames: { name: "HDLC frames" },
  unknownLines: { name: "Unknown lines" },
  bytesReceived: { name: "Bytes received", deviceClass: "data_size", unit: "B" },
  uartOverruns: { name: "UART overruns" },
  mqttReconnects: { name: "MQTT reconnects", enabled: true },
  queueDepth: { name: "Queued events", enabled: true },
  queueDrops: { name: "Events dropped", enabled: true },
  eventsPublished: { name: "Events published" },
  timeFromDevice: { name: "Telegrams timed by the device clock" },
  timeUnknown: { name: "Telegrams without a valid clock" },
  freeMemory: { name: "Free memory", enabled: true, deviceClass: "data_size", unit: "B" },
  rssi: { name: "Wi-Fi signal", enabled: true, deviceClass: "signal_strength", unit: "dBm" },
  lastTelegramAge: { name: "Last telegram age", enabled: true, deviceClass: "duration", unit: "s" },
  meterSilent: { name: "Meter silent", enabled: true },
  meterSilences: { name: "Meter silences" },
  noCrcRejected: { name: "Telegrams without CRC refused" },
  queueDroppedTelegrams: { name: "Telegrams dropped" },
  eventsSkipped: { name: "Events held back by the policy" },
  publishRetries: { name: "Publish retries" },
  mqttConnectFailures: { name: "MQTT connect failures" },
  networkDrops: { name: "Wi-Fi drops" },
  restartRequests: { name: "Restart requests" },
  portErrors: { name: "Port errors" },
  internalErrors: { name: "Internal errors", enabled: true },
  malformedLines: { name: "Malformed lines" },
  unitRejected: { name: "Values with a wrong unit" },
  valueRejected: { name: "Values refused" },
  duplicateLines: { name: "Duplicate lines" },
  uartFramingErrors: { name: "UART framing errors" },
  noCrcTelegrams: { name: "Telegrams without CRC" },
  valuesUnencodable: { name: "Values too long for an event" },
  garbageBytes: { name: "Bytes outside telegrams", deviceClass: "data_size", unit: "B" },
  eventsQueued: { name: "Events queued" },
  queueBytes: { name: "Queue bytes in use", deviceClass: "data_size", unit: "B" },
  queueCapacity: { name: "Queue size", deviceClass: "data_size", unit: "B" },
  mqttDisconnects: { name: "MQTT disconnects" },
  networkConnectAttempts: { name: "Wi-Fi join attempts" },
  redelivered: { name: "Events sent again" },
  update: { name: "Firmware update state" },
  lastInternalError: { name: "Last internal error", enabled: true },
  alarms: { name: "Active alarms", enabled: true }, // a bit mask: bit n = ALARM_CHANNELS[n]
};

/** A stats row as a diagnostic entity (a row without a look uses its key). */
export function diagnosticFor(row: StatsRow): DiagnosticEntity {
  const look = LOOKS[row.key];
  const stateClass = row.kind === "text" ? undefined : row.kind === "count" ? "total_increasing" : "measurement";
  return Object.freeze({
    key: row.key,
    name: look?.name ?? row.key,
    stateClass,
    deviceClass: look?.deviceClass,
    unit: look?.unit,
    enabled: look?.enabled ?? false,
  });
}

/** The stats rows as diagnostic entities, in the stats message's order. */
export function diagnosticsFor(rows: readonly StatsRow[]): readonly DiagnosticEntity[] {
  return Object.freeze(rows.map(diagnosticFor));
}

/** Manufacturer of a meter by the three-letter FLAG id that starts its identification line. */
const MANUFACTURERS: Readonly<Record<string, string>> = {
  ADN: "Aidon",
  ISK: "Iskraemeco",
  KAM: "Kamstrup",
  KFM: "Kaifa",
  LGF: "Landis+Gyr",
  LGZ: "Landis+Gyr",
  XMX: "Landis+Gyr",
  SAG: "Sagemcom",
  // Sagemcom meters on Ellevio's network identify themselves as ELL.
  ELL: "Sagemcom",
  ESY: "EasyMeter",
};

/** Manufacturer and model from the identification line (without "/"), e.g. "LGF5E360" → Landis+Gyr, E360. */
export function meterIdentity(header: string): { manufacturer: string; model: string } {
  const flag = header.slice(0, 3);
  const manufacturer = MANUFACTURERS[flag.toUpperCase()] ?? flag;
  // After the FLAG id comes one baud-rate character; DSMR meters then write "\" and a mode digit.
  let model = header.slice(4);
  if (model.length >= 2 && model.charCodeAt(0) === 0x5c) model = model.slice(2);
  model = model.trim();
  return { manufacturer: manufacturer || "unknown", model: model || header || "P1 meter" };
}
