/**
 * Home Assistant's documented MQTT sensor discovery configuration, written down for the tests.
 * Sources (read 2026-11):
 *  - https://www.home-assistant.io/integrations/sensor.mqtt/ (configuration variables of an MQTT sensor)
 *  - https://www.home-assistant.io/integrations/mqtt/#mqtt-discovery (topic format, device and origin blocks)
 *  - https://www.home-assistant.io/integrations/sensor/#device-class and
 *    https://developers.home-assistant.io/docs/core/entity/sensor/ (device classes, their units and state classes;
 *    reactive_energy since 2025.6)
 */

type Kind = "string" | "boolean" | "integer" | "list" | "map";

const SENSOR_OPTIONS: Record<string, Kind> = {
  availability: "list",
  availability_mode: "string",
  availability_template: "string",
  availability_topic: "string",
  default_entity_id: "string",
  device: "map",
  device_class: "string",
  enabled_by_default: "boolean",
  encoding: "string",
  entity_category: "string",
  entity_picture: "string",
  expire_after: "integer",
  force_update: "boolean",
  icon: "string",
  json_attributes_template: "string",
  json_attributes_topic: "string",
  last_reset_value_template: "string",
  name: "string",
  object_id: "string",
  options: "list",
  origin: "map",
  payload_available: "string",
  payload_not_available: "string",
  platform: "string",
  qos: "integer",
  state_class: "string",
  state_topic: "string",
  suggested_display_precision: "integer",
  unique_id: "string",
  unit_of_measurement: "string",
  value_template: "string",
};
const REQUIRED = ["state_topic"];

const AVAILABILITY_OPTIONS: Record<string, Kind> = {
  topic: "string",
  payload_available: "string",
  payload_not_available: "string",
  value_template: "string",
};

const DEVICE_OPTIONS: Record<string, Kind | "string-or-list"> = {
  configuration_url: "string",
  connections: "list",
  hw_version: "string",
  identifiers: "string-or-list",
  manufacturer: "string",
  model: "string",
  model_id: "string",
  name: "string",
  serial_number: "string",
  suggested_area: "string",
  sw_version: "string",
  via_device: "string",
};

const ORIGIN_OPTIONS: Record<string, Kind> = { name: "string", sw_version: "string", support_url: "string" };

/** Device class → units HA accepts (null: no unit) and the state classes it allows. */
export const DEVICE_CLASSES: Record<string, { units: (string | null)[]; stateClasses: (string | null)[] }> = {
  current: { units: ["A", "mA"], stateClasses: ["measurement", null] },
  data_size: {
    units: ["bit", "kbit", "Mbit", "Gbit", "B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB", "KiB", "MiB", "GiB", "TiB"],
    stateClasses: ["measurement", "total", "total_increasing", null],
  },
  duration: { units: ["d", "h", "min", "s", "ms", "µs"], stateClasses: ["measurement", "total", "total_increasing", null] },
  energy: {
    units: ["J", "kJ", "MJ", "GJ", "mWh", "Wh", "kWh", "MWh", "GWh", "TWh", "cal", "kcal", "Mcal", "Gcal"],
    stateClasses: ["total", "total_increasing"],
  },
  frequency: { units: ["Hz", "kHz", "MHz", "GHz"], stateClasses: ["measurement", null] },
  power: { units: ["mW", "W", "kW", "MW", "GW", "TW"], stateClasses: ["measurement", null] },
  power_factor: { units: ["%", null], stateClasses: ["measurement", null] },
  reactive_energy: { units: ["varh", "kvarh"], stateClasses: ["total", "total_increasing"] },
  reactive_power: { units: ["mvar", "var", "kvar"], stateClasses: ["measurement", null] },
  signal_strength: { units: ["dB", "dBm"], stateClasses: ["measurement", null] },
  timestamp: { units: [null], stateClasses: [null] },
  voltage: { units: ["µV", "mV", "V", "kV", "MV"], stateClasses: ["measurement", null] },
};

const STATE_CLASSES = ["measurement", "measurement_angle", "total", "total_increasing"];
/** Sensors may only be diagnostic ("config" is for entities that change the device). */
const ENTITY_CATEGORIES = ["diagnostic"];
/** `<discovery_prefix>/<component>/[<node_id>/]<object_id>/config`; node_id and object_id: [a-zA-Z0-9_-]. */
export const DISCOVERY_TOPIC = /^([^/#+]+)\/sensor\/(?:([a-zA-Z0-9_-]+)\/)?([a-zA-Z0-9_-]+)\/config$/;

function kindOf(value: unknown): Kind | "other" {
  if (typeof value === "string") return "string";
  if (typeof value === "boolean") return "boolean";
  if (Number.isInteger(value)) return "integer";
  if (Array.isArray(value)) return "list";
  if (value !== null && typeof value === "object") return "map";
  return "other";
}

function checkMembers(where: string, value: Record<string, unknown>, options: Record<string, string>, problems: string[]): void {
  for (const [key, v] of Object.entries(value)) {
    const want = options[key];
    if (!want) problems.push(`${where}${key} is not a documented option`);
    else if (want === "string-or-list") {
      if (kindOf(v) !== "string" && !(Array.isArray(v) && v.every((x) => typeof x === "string")))
        problems.push(`${where}${key} must be a string or a list of strings`);
    } else if (kindOf(v) !== want) problems.push(`${where}${key} must be a ${want}, is ${JSON.stringify(v)}`);
  }
}

/** Every way the configuration departs from HA's documented schema; empty when it conforms. */
export function sensorConfigProblems(config: Record<string, unknown>): string[] {
  const problems: string[] = [];
  checkMembers("", config, SENSOR_OPTIONS, problems);
  for (const key of REQUIRED) if (config[key] === undefined) problems.push(`${key} is required`);
  const deviceClass = config.device_class as string | undefined;
  const unit = (config.unit_of_measurement as string | undefined) ?? null;
  const stateClass = (config.state_class as string | undefined) ?? null;
  if (stateClass !== null && !STATE_CLASSES.includes(stateClass)) problems.push(`state_class ${stateClass} is unknown`);
  if (deviceClass !== undefined) {
    const spec = DEVICE_CLASSES[deviceClass];
    if (!spec) problems.push(`device_class ${deviceClass} is unknown`);
    else {
      if (!spec.units.includes(unit)) problems.push(`unit ${unit} is not allowed for ${deviceClass}`);
      if (!spec.stateClasses.includes(stateClass)) problems.push(`state_class ${stateClass} is not allowed for ${deviceClass}`);
    }
  }
  if (config.entity_category !== undefined && !ENTITY_CATEGORIES.includes(config.entity_category as string)) {
    problems.push(`entity_category ${String(config.entity_category)} is not allowed for a sensor`);
  }
  const precision = config.suggested_display_precision;
  if (precision !== undefined && !(Number.isInteger(precision) && (precision as number) >= 0))
    problems.push("suggested_display_precision must be ≥ 0");
  if (Array.isArray(config.availability)) {
    config.availability.forEach((a, i) => {
      if (kindOf(a) !== "map") {
        problems.push(`availability[${i}] must be a map`);
        return;
      }
      checkMembers(`availability[${i}].`, a as Record<string, unknown>, AVAILABILITY_OPTIONS, problems);
      if (typeof (a as Record<string, unknown>).topic !== "string") problems.push(`availability[${i}].topic is required`);
    });
  }
  if (kindOf(config.device) === "map") {
    const device = config.device as Record<string, unknown>;
    checkMembers("device.", device, DEVICE_OPTIONS, problems);
    if (device.identifiers === undefined && device.connections === undefined) problems.push("device needs identifiers or connections");
    if (Array.isArray(device.connections)) {
      for (const c of device.connections) {
        if (!Array.isArray(c) || c.length !== 2 || !c.every((x) => typeof x === "string"))
          problems.push("device.connections must hold [type, id] pairs");
      }
    }
  }
  if (kindOf(config.origin) === "map") {
    checkMembers("origin.", config.origin as Record<string, unknown>, ORIGIN_OPTIONS, problems);
    if (typeof (config.origin as Record<string, unknown>).name !== "string") problems.push("origin.name is required");
  }
  return problems;
}
