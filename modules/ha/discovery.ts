import type { Reading } from "../p1/reading";
import { NO_UNIT, UNITS } from "../p1/units";
import type { VscpMapping } from "../vscp/mapping";
import { diagnosticFor, meterIdentity, valueClassOf, type StatsRow } from "./entities";

export interface HaDiscoveryOptions {
  /** Send the configurations (true) or remove them (false: empty retained messages, once per boot). */
  enabled: boolean;
  /** Discovery prefix HA listens on (default `homeassistant`). */
  prefix: string;
  /** The device id of the status and stats topics (12 hex digits of the MAC). */
  deviceId: string;
  /** `{prefix}/{deviceId}/status` (online / meter-silent / offline) and `…/stats`. */
  statusTopic: string;
  statsTopic: string;
  nodeName: string;
  firmware: string;
  /** The status page, when it is on. */
  configurationUrl?: string;
  /** The stats message's rows, in order (the health table's `STATS_FIELDS`): each becomes a diagnostic entity. */
  stats: readonly StatsRow[];
}

/** Entity kinds, in the order they are sent. */
const VALUE = 0;
const METER_TIME = 1;
const DIAGNOSTIC = 2;

/** Measurement entities go unavailable while the meter is silent; diagnostics only when the device is offline. */
const VALUE_AVAILABILITY = "{{ 'online' if value == 'online' else 'offline' }}";
const DIAGNOSTIC_AVAILABILITY = "{{ 'offline' if value == 'offline' else 'online' }}";
const VALUE_TEMPLATE = "{{ value_json.measurement.value }}";

/**
 * Home Assistant MQTT discovery for the VSCP events: one retained sensor configuration per value the meter
 * sends, whose state topic is that value's own VSCP event topic, plus the health counters from the stats
 * topic. Nothing is published twice: HA reads the events. Built when a session starts, never per telegram.
 */
// Has the shape of the bridge's DiscoveryMessages port (modules/app/encoder-ports.ts).
export class HaDiscovery {
  readonly buffer = new Uint8Array(2048);
  private readonly mapping: VscpMapping;
  private readonly options: HaDiscoveryOptions;
  private readonly deviceKey: string;
  /**
   * Per message: entity kind and catalog slot or stats row; `precision` per value slot. Typed arrays made once
   * for the most messages there can be; a diagnostic entity is made from its stats row when its message is
   * written (once per session), not kept for every row.
   */
  private readonly kinds: Uint8Array;
  private readonly refs: Int16Array;
  private count = 0;
  private readonly precision: Int8Array;
  /** Topic of the first published value in the telegram: the meter time is read from its events. */
  private clockTopic = "";
  private device = "";
  private removed = false;

  constructor(mapping: VscpMapping, options: HaDiscoveryOptions) {
    this.mapping = mapping;
    this.options = options;
    this.deviceKey = `p1vscp_${options.deviceId.toLowerCase()}`;
    this.kinds = new Uint8Array(mapping.catalog.size + 1 + options.stats.length);
    this.refs = new Int16Array(this.kinds.length);
    this.precision = new Int8Array(mapping.catalog.size);
  }

  prepare(reading: Reading): number {
    const kinds = this.kinds;
    const refs = this.refs;
    let count = 0;
    const mapping = this.mapping;
    const enabled = this.options.enabled;
    if (!enabled && this.removed) return 0; // removals go out once per boot
    let firstPublished = -1;
    for (let i = 0; i < reading.orderLength; i++) {
      const slot = reading.order[i];
      if (!mapping.publishable[slot] || !valueClassOf(mapping.catalog.entries[slot].quantity)) continue;
      kinds[count] = VALUE;
      refs[count++] = slot;
      const unit = reading.unit[slot];
      const exponent = reading.exponent[slot] + (unit === NO_UNIT ? 0 : UNITS[unit].shift);
      this.precision[slot] = exponent < 0 ? -exponent : 0;
      if (mapping.published[slot] && (firstPublished < 0 || mapping.sensorIndex[slot] < mapping.sensorIndex[firstPublished])) {
        firstPublished = slot;
      }
    }
    this.clockTopic = firstPublished >= 0 ? mapping.topicOf(firstPublished) : "";
    kinds[count] = METER_TIME;
    refs[count++] = 0;
    for (let d = 0; d < this.options.stats.length; d++) {
      kinds[count] = DIAGNOSTIC;
      refs[count++] = d;
    }
    this.count = count;
    this.device = enabled ? this.deviceBlock(headerText(reading)) : "";
    if (!enabled) this.removed = true;
    return count;
  }

  topicOf(i: number): string {
    return `${this.options.prefix}/sensor/${this.options.deviceId}/${this.objectIdOf(i)}/config`;
  }

  write(i: number): number {
    const json = this.configOf(i);
    return json === "" ? 0 : utf8Into(json, this.buffer);
  }

  /** The configuration of message i as JSON text; "" when the entity is to be removed. */
  configOf(i: number): string {
    this.check(i);
    const kind = this.kinds[i];
    const ref = this.refs[i];
    if (!this.options.enabled) return "";
    const objectId = this.objectIdOf(i);
    const unique = `${this.deviceKey}_${objectId}`;
    if (kind === VALUE) {
      const mapping = this.mapping;
      if (!mapping.published[ref]) return "";
      const cls = valueClassOf(mapping.catalog.entries[ref].quantity)!;
      return (
        "{" +
        [
          member("name", mapping.labelOf(ref)),
          member("unique_id", unique),
          member("state_topic", mapping.topicOf(ref)),
          member("value_template", VALUE_TEMPLATE),
          member("device_class", cls.deviceClass),
          member("state_class", cls.stateClass),
          cls.unit ? member("unit_of_measurement", cls.unit) : "",
          `"suggested_display_precision":${this.precision[ref]}`,
          this.availability(VALUE_AVAILABILITY),
          this.device,
        ]
          .filter(Boolean)
          .join(",") +
        "}"
      );
    }
    if (kind === METER_TIME) {
      if (!this.clockTopic) return "";
      return (
        "{" +
        [
          member("name", "Meter time"),
          member("unique_id", unique),
          member("state_topic", this.clockTopic),
          member("value_template", "{{ value_json.vscpDateTime }}"),
          member("device_class", "timestamp"),
          member("entity_category", "diagnostic"),
          this.availability(VALUE_AVAILABILITY),
          this.device,
        ].join(",") +
        "}"
      );
    }
    const d = diagnosticFor(this.options.stats[ref]);
    return (
      "{" +
      [
        member("name", d.name),
        member("unique_id", unique),
        member("state_topic", this.options.statsTopic),
        member("value_template", `{{ value_json.${d.key} }}`),
        d.deviceClass ? member("device_class", d.deviceClass) : "",
        d.stateClass ? member("state_class", d.stateClass) : "",
        d.unit ? member("unit_of_measurement", d.unit) : "",
        member("entity_category", "diagnostic"),
        d.enabled ? "" : `"enabled_by_default":false`,
        this.availability(DIAGNOSTIC_AVAILABILITY),
        this.device,
      ]
        .filter(Boolean)
        .join(",") +
      "}"
    );
  }

  /** The `object_id` level of the discovery topic: stable across sensor-index changes. */
  private objectIdOf(i: number): string {
    this.check(i);
    const kind = this.kinds[i];
    if (kind === VALUE) return `obis_${this.mapping.catalog.entries[this.refs[i]].obis.replace(/[:.]/g, "_")}`;
    if (kind === METER_TIME) return "meter_time";
    return `stats_${this.options.stats[this.refs[i]].key}`;
  }

  private check(i: number): void {
    if (!(i >= 0 && i < this.count)) throw new RangeError(`no discovery message ${i}`);
  }

  private availability(template: string): string {
    return `"availability":[{${member("topic", this.options.statusTopic)},${member("value_template", template)}}]`;
  }

  private deviceBlock(header: string): string {
    const o = this.options;
    const { manufacturer, model } = meterIdentity(header);
    const mac = this.mapping.mac;
    const parts = [member("identifiers", [this.deviceKey]), member("name", o.nodeName)];
    if (mac) parts.push(member("connections", [["mac", mac.map((b) => (b < 16 ? "0" : "") + b.toString(16)).join(":")]]));
    parts.push(member("manufacturer", manufacturer), member("model", model), member("sw_version", o.firmware));
    if (o.configurationUrl) parts.push(member("configuration_url", o.configurationUrl));
    return `"device":{${parts.join(",")}},"origin":{${member("name", "p1-vscp")},${member("sw_version", o.firmware)}}`;
  }
}

function member(key: string, value: unknown): string {
  return `"${key}":${JSON.stringify(value)}`;
}

/** The identification line of the telegram (after "/"), printable ASCII only. */
function headerText(reading: Reading): string {
  let text = "";
  const frame = reading.frame;
  for (let i = reading.headerStart; i < reading.headerEnd && i < frame.length && text.length < 64; i++) {
    const c = frame[i];
    if (c >= 0x20 && c < 0x7f) text += String.fromCharCode(c);
  }
  return text;
}

/** Writes text as UTF-8; throws when it does not fit (a bug: the buffer holds the largest configuration). */
function utf8Into(text: string, out: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c >= 0xd800 && c < 0xdc00 && i + 1 < text.length) c = 0x10000 + ((c - 0xd800) << 10) + (text.charCodeAt(++i) - 0xdc00);
    const size = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    if (n + size > out.length) throw new RangeError(`discovery message over ${out.length} bytes`);
    if (size === 1) out[n++] = c;
    else if (size === 2) {
      out[n++] = 0xc0 | (c >> 6);
      out[n++] = 0x80 | (c & 63);
    } else if (size === 3) {
      out[n++] = 0xe0 | (c >> 12);
      out[n++] = 0x80 | ((c >> 6) & 63);
      out[n++] = 0x80 | (c & 63);
    } else {
      out[n++] = 0xf0 | (c >> 18);
      out[n++] = 0x80 | ((c >> 12) & 63);
      out[n++] = 0x80 | ((c >> 6) & 63);
      out[n++] = 0x80 | (c & 63);
    }
  }
  return n;
}
