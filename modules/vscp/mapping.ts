import type { ObisCatalog } from "../p1/obis-catalog";
import { Quantity } from "../p1/units";
import { jsonStringBytes } from "./bytes";
import { ChannelKind, type ChannelDefinition, isChannelKey } from "./channels";
import { VscpConfigError } from "./config-error";
import { baseGuid, guidText, nicknameOf, parseGuid, parseMac, sensorGuid } from "./guid";
import { DEFAULT_TOPIC_TEMPLATE, TopicTemplate } from "./topic";

export const VscpClass = {
  Protocol: 0,
  Alarm: 1,
  Information: 20,
  Level2Information: 1026,
  MeasurementString: 1040,
} as const;

/** Measurement types (identical in every VSCP measurement class). */
export const MeasurementType = {
  ElectricCurrent: 5,
  Frequency: 9,
  Energy: 13,
  Power: 14,
  ElectricalPotential: 16,
  PowerFactor: 63,
  ReactivePower: 64,
  ReactiveEnergy: 65,
} as const;

/** VSCP type and unit code per catalog quantity; quantities without a VSCP type are not published. */
function vscpTypeOf(quantity: number): { type: number; unit: number } | null {
  switch (quantity) {
    case Quantity.ActiveEnergy:
      return { type: MeasurementType.Energy, unit: 1 }; // kWh
    case Quantity.ReactiveEnergy:
      return { type: MeasurementType.ReactiveEnergy, unit: 0 }; // kVArh
    case Quantity.ActivePower:
      return { type: MeasurementType.Power, unit: 0 }; // W
    case Quantity.ReactivePower:
      return { type: MeasurementType.ReactivePower, unit: 0 }; // VAr
    case Quantity.Voltage:
      return { type: MeasurementType.ElectricalPotential, unit: 0 }; // V
    case Quantity.Current:
      return { type: MeasurementType.ElectricCurrent, unit: 0 }; // A
    case Quantity.Frequency:
      return { type: MeasurementType.Frequency, unit: 0 }; // Hz
    case Quantity.PowerFactor:
      return { type: MeasurementType.PowerFactor, unit: 0 }; // cos φ
    default:
      return null;
  }
}

/** Per-code settings; anything left out keeps its default. */
export interface EntryOverride {
  /** OBIS code `A-B:C.D.E` of a catalog entry, or the key of a channel. */
  obis: string;
  enabled?: boolean;
  sensorIndex?: number;
  zone?: number;
  subzone?: number;
}

export interface VscpMappingConfig {
  /** Wi-Fi station MAC, `AA:BB:CC:DD:EE:FF`. Needed unless `guid` is set. */
  mac?: string;
  /** Base GUID (16 hex bytes); its last byte is replaced by the sensor index. Empty: from the MAC. */
  guid?: string;
  /** Event topic template; default `vscp/{guid}/{class}/{type}/{nickname}/{sensorindex}`. */
  topic?: string;
  /** MQTT QoS of the events, 0 or 1. */
  qos?: number;
  /** Zone and subzone of every entry without its own (0–255, default 0). */
  zone?: number;
  subzone?: number;
  entries?: readonly EntryOverride[];
}

function byteSetting(value: unknown, field: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > 255) {
    throw new VscpConfigError(field, `${String(value)} is not a whole number 0..255`);
  }
  return value;
}

/** Longest note label an event may carry, in JSON bytes with its quotes (the encoder's buffer is sized by it). */
export const MAX_LABEL_JSON_BYTES = 64;

/**
 * The OBIS catalog and the firmware's own channels seen through VSCP: per slot whether it is published and how
 * (class, type, unit code, sensor index, zone, subzone, label, GUID, topic). Slots 0 … catalog.size − 1 are the
 * catalog's codes, the channels follow. Built once when the configuration is loaded; a topic string is made
 * the first time it is asked for, so memory follows the values a meter sends, not the catalog's size.
 */
export class VscpMapping {
  readonly catalog: ObisCatalog;
  /** The channels after the catalog's slots, in slot order. */
  readonly channels: readonly ChannelDefinition[];
  /** Catalog slots plus channels. */
  readonly size: number;
  readonly qos: number;
  readonly topicTemplate: TopicTemplate;
  readonly zone: number;
  readonly subzone: number;
  /** 6 MAC bytes, or null when only a base GUID was configured. */
  readonly mac: readonly number[] | null;
  /** The node's GUID (last byte 0), used by the presence events. */
  readonly nodeGuid: readonly number[];
  readonly nodeGuidText: string;

  /** Per slot: 1 when the value is sent as a VSCP event. */
  readonly published: Uint8Array;
  /** Per slot: 1 when the code has a VSCP type at all (whether or not it is enabled). */
  readonly publishable: Uint8Array;
  /** Per slot (meaningful where publishable): event kind (ChannelKind), VSCP type, unit code, sensor index, zone, subzone. */
  readonly kind: Uint8Array;
  readonly type: Uint8Array;
  readonly unitCode: Uint8Array;
  readonly sensorIndex: Uint8Array;
  readonly zoneOf: Uint8Array;
  readonly subzoneOf: Uint8Array;
  /** Published catalog slots sorted by sensor index (the events a telegram yields; channels are queued by their owners). */
  readonly publishOrder: Int16Array;
  /** Topics made so far, in the order first asked for; topicIndex[slot] says which, −1 before (see topicOf). */
  private readonly topics: string[] = [];
  private readonly topicIndex: Int16Array;

  constructor(catalog: ObisCatalog, config: VscpMappingConfig = {}, channels: readonly ChannelDefinition[] = []) {
    this.catalog = catalog;
    this.channels = channels;
    if (config.qos !== undefined && config.qos !== 0 && config.qos !== 1) {
      throw new VscpConfigError("qos", `${String(config.qos)} is not 0 or 1`);
    }
    this.qos = config.qos ?? 0;
    this.topicTemplate = new TopicTemplate(config.topic ?? DEFAULT_TOPIC_TEMPLATE);
    this.zone = byteSetting(config.zone, "zone", 0);
    this.subzone = byteSetting(config.subzone, "subzone", 0);
    const mac = config.mac ? parseMac(config.mac) : null;
    const configured = config.guid ? parseGuid(config.guid) : null;
    this.mac = mac;
    this.nodeGuid = baseGuid(mac, configured);
    this.nodeGuidText = guidText(this.nodeGuid);

    const n = catalog.size + channels.length;
    this.size = n;
    this.published = new Uint8Array(n);
    this.publishable = new Uint8Array(n);
    this.kind = new Uint8Array(n);
    this.type = new Uint8Array(n);
    this.unitCode = new Uint8Array(n);
    this.sensorIndex = new Uint8Array(n);
    this.zoneOf = new Uint8Array(n);
    this.subzoneOf = new Uint8Array(n);
    this.topicIndex = new Int16Array(n).fill(-1);
    let next = 0;
    for (let slot = 0; slot < catalog.size; slot++) {
      const vscp = vscpTypeOf(catalog.entries[slot].quantity);
      if (!vscp) continue;
      if (jsonStringBytes(catalog.entries[slot].label).length > MAX_LABEL_JSON_BYTES)
        throw new Error(`${catalog.entries[slot].obis}: label too long`);
      if (next > 255) throw new Error("more than 256 publishable catalog codes");
      this.publishable[slot] = 1;
      this.published[slot] = 1;
      this.kind[slot] = ChannelKind.Measurement;
      this.type[slot] = vscp.type;
      this.unitCode[slot] = vscp.unit;
      this.sensorIndex[slot] = next++;
      this.zoneOf[slot] = this.zone;
      this.subzoneOf[slot] = this.subzone;
    }
    channels.forEach((channel, i) => {
      const slot = catalog.size + i;
      if (!isChannelKey(channel.key)) throw new Error(`channel key "${channel.key}" is not letters and digits`);
      if (this.channelSlotOf(channel.key) !== slot) throw new Error(`channel ${channel.key} defined twice`);
      if (jsonStringBytes(channel.label).length > MAX_LABEL_JSON_BYTES) throw new Error(`channel ${channel.key}: label too long`);
      this.publishable[slot] = 1;
      this.published[slot] = channel.enabledByDefault ? 1 : 0;
      this.kind[slot] = channel.kind;
      this.type[slot] = channel.vscpType;
      this.unitCode[slot] = channel.unit;
      this.sensorIndex[slot] = channel.sensorIndex;
      this.zoneOf[slot] = this.zone;
      this.subzoneOf[slot] = this.subzone;
    });
    this.applyOverrides(config.entries ?? []);

    const order: number[] = [];
    for (let slot = 0; slot < catalog.size; slot++) {
      if (this.published[slot]) order.push(slot);
    }
    order.sort((a, b) => this.sensorIndex[a] - this.sensorIndex[b]);
    this.publishOrder = Int16Array.from(order);
  }

  private applyOverrides(entries: readonly EntryOverride[]): void {
    const seen = new Set<number>();
    entries.forEach((entry, i) => {
      const field = `entries[${i}]`;
      if (!entry || typeof entry.obis !== "string") throw new VscpConfigError(`${field}.obis`, "an OBIS code is required");
      let slot: number;
      try {
        slot = this.slotOf(entry.obis);
      } catch {
        throw new VscpConfigError(`${field}.obis`, `"${entry.obis}" is neither an OBIS code like 1-0:1.8.0 nor a channel name`);
      }
      if (slot < 0) {
        const where = isChannelKey(entry.obis) ? "a channel of this firmware" : "in the OBIS catalog";
        throw new VscpConfigError(`${field}.obis`, `${entry.obis} is not ${where}`);
      }
      if (seen.has(slot)) throw new VscpConfigError(`${field}.obis`, `${entry.obis} is configured twice`);
      seen.add(slot);
      if (!this.publishable[slot]) {
        if (entry.enabled === false) return; // disabling a code that is never sent is harmless
        throw new VscpConfigError(`${field}.obis`, `${entry.obis} (${this.labelOf(slot)}) has no VSCP measurement type`);
      }
      if (entry.enabled !== undefined) {
        if (typeof entry.enabled !== "boolean") throw new VscpConfigError(`${field}.enabled`, "must be true or false");
        this.published[slot] = entry.enabled ? 1 : 0;
      }
      this.sensorIndex[slot] = byteSetting(entry.sensorIndex, `${field}.sensorIndex`, this.sensorIndex[slot]);
      this.zoneOf[slot] = byteSetting(entry.zone, `${field}.zone`, this.zoneOf[slot]);
      this.subzoneOf[slot] = byteSetting(entry.subzone, `${field}.subzone`, this.subzoneOf[slot]);
    });
    // Two published values with one sensor index would share a GUID and a topic.
    const owner = new Int16Array(256).fill(-1);
    for (let slot = 0; slot < this.size; slot++) {
      if (!this.published[slot]) continue;
      const index = this.sensorIndex[slot];
      const other = owner[index];
      if (other >= 0) {
        const i = entries.findIndex((e) => e.obis === this.codeOf(slot) || e.obis === this.codeOf(other));
        throw new VscpConfigError(
          i >= 0 ? `entries[${i}].sensorIndex` : "entries",
          `sensor index ${index} is used by both ${this.codeOf(other)} and ${this.codeOf(slot)}`,
        );
      }
      owner[index] = slot;
    }
  }

  /** Slot of an OBIS code or a channel key, or −1. Throws on text that is neither. */
  slotOf(code: string): number {
    if (isChannelKey(code)) return this.channelSlotOf(code);
    return this.catalog.indexOfCode(code);
  }

  /** The OBIS code or channel key of a slot. */
  codeOf(slot: number): string {
    return slot < this.catalog.size ? this.catalog.entries[slot].obis : this.channels[slot - this.catalog.size].key;
  }

  /** The note label of a slot. */
  labelOf(slot: number): string {
    return slot < this.catalog.size ? this.catalog.entries[slot].label : this.channels[slot - this.catalog.size].label;
  }

  /** VSCP class of a slot's events. */
  classOf(slot: number): number {
    return this.kind[slot] === ChannelKind.Alarm ? VscpClass.Alarm : VscpClass.MeasurementString;
  }

  /** GUID of a slot's events as text. */
  guidTextOf(slot: number): string {
    return guidText(sensorGuid(this.nodeGuid, this.sensorIndex[slot]));
  }

  /**
   * MQTT topic of a slot's events (made on first use, then kept; "" where nothing is published). Kept in a list as
   * long as the slots asked for, not one as long as the catalog: an XS array item costs a slot's bytes.
   */
  topicOf(slot: number): string {
    if (!(slot >= 0 && slot < this.size)) return "";
    const known = this.topicIndex[slot];
    if (known >= 0) return this.topics[known];
    let topic = "";
    if (this.publishable[slot]) {
      const g = sensorGuid(this.nodeGuid, this.sensorIndex[slot]);
      topic = this.topicTemplate.render({
        guid: guidText(g),
        class: this.classOf(slot),
        type: this.type[slot],
        nickname: nicknameOf(g),
        sensorindex: this.sensorIndex[slot],
        zone: this.zoneOf[slot],
        subzone: this.subzoneOf[slot],
      });
    }
    this.topicIndex[slot] = this.topics.length;
    this.topics.push(topic);
    return topic;
  }

  private channelSlotOf(key: string): number {
    for (let i = 0; i < this.channels.length; i++) if (this.channels[i].key === key) return this.catalog.size + i;
    return -1;
  }
}
