import { Quantity } from "../p1/units";
import type { HealthStats } from "../vscp/presence";

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
    case Quantity.ActiveEnergy: return { deviceClass: "energy", stateClass: "total_increasing", unit: "kWh" };
    case Quantity.ReactiveEnergy: return { deviceClass: "reactive_energy", stateClass: "total_increasing", unit: "kvarh" };
    case Quantity.ActivePower: return { deviceClass: "power", stateClass: "measurement", unit: "W" };
    case Quantity.ReactivePower: return { deviceClass: "reactive_power", stateClass: "measurement", unit: "var" };
    case Quantity.Voltage: return { deviceClass: "voltage", stateClass: "measurement", unit: "V" };
    case Quantity.Current: return { deviceClass: "current", stateClass: "measurement", unit: "A" };
    case Quantity.Frequency: return { deviceClass: "frequency", stateClass: "measurement", unit: "Hz" };
    case Quantity.PowerFactor: return { deviceClass: "power_factor", stateClass: "measurement", unit: "" };
    default: return undefined;
  }
}

/** One health counter of the stats message as a diagnostic entity. */
export interface DiagnosticEntity {
  readonly key: keyof HealthStats;
  readonly name: string;
  readonly stateClass: "measurement" | "total_increasing";
  readonly deviceClass?: string;
  readonly unit?: string;
  /** Shown at once; the others exist in HA but start disabled (one click enables them). */
  readonly enabled: boolean;
}

const counter = (key: keyof HealthStats, name: string, enabled = false): DiagnosticEntity =>
  ({ key, name, stateClass: "total_increasing", enabled });

/** Every key of the stats message, in its order. */
export const DIAGNOSTICS: readonly DiagnosticEntity[] = [
  { key: "uptime", name: "Uptime", stateClass: "total_increasing", deviceClass: "duration", unit: "s", enabled: true },
  counter("telegramsOk", "Telegrams received", true),
  counter("crcErrors", "CRC errors", true),
  counter("overflows", "Telegrams too long"),
  counter("truncated", "Telegrams cut off"),
  counter("hdlcFrames", "HDLC frames"),
  counter("unknownLines", "Unknown lines"),
  { key: "bytesReceived", name: "Bytes received", stateClass: "total_increasing", deviceClass: "data_size", unit: "B", enabled: false },
  counter("uartOverruns", "UART overruns"),
  counter("mqttReconnects", "MQTT reconnects", true),
  { key: "queueDepth", name: "Queued events", stateClass: "measurement", enabled: true },
  counter("queueDrops", "Events dropped", true),
  counter("eventsPublished", "Events published"),
  counter("timeFromDevice", "Telegrams timed by the device clock"),
  counter("timeUnknown", "Telegrams without a valid clock"),
  { key: "freeMemory", name: "Free memory", stateClass: "measurement", deviceClass: "data_size", unit: "B", enabled: true },
  { key: "rssi", name: "Wi-Fi signal", stateClass: "measurement", deviceClass: "signal_strength", unit: "dBm", enabled: true },
  { key: "lastTelegramAge", name: "Last telegram age", stateClass: "measurement", deviceClass: "duration", unit: "s", enabled: true },
  { key: "meterSilent", name: "Meter silent", stateClass: "measurement", enabled: true },
  counter("meterSilences", "Meter silences"),
  counter("noCrcRejected", "Telegrams without CRC refused"),
  counter("queueDroppedTelegrams", "Telegrams dropped"),
  counter("eventsSkipped", "Events held back by the policy"),
  counter("publishRetries", "Publish retries"),
  counter("mqttConnectFailures", "MQTT connect failures"),
  counter("networkDrops", "Wi-Fi drops"),
  counter("restartRequests", "Restart requests"),
  counter("portErrors", "Port errors"),
  counter("internalErrors", "Internal errors", true),
];

// Frozen, so a preloaded module keeps the table in flash.
for (const entity of DIAGNOSTICS) Object.freeze(entity);
Object.freeze(DIAGNOSTICS);

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
