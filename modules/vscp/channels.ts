/** How a channel's event is laid out. */
export const ChannelKind = {
  /** CLASS2.MEASUREMENT_STR (1040): `vscpData` = [index, zone, subzone, unit, digits…, 0] and a `measurement` block. */
  Measurement: 0,
  /** CLASS1.ALARM (1): `vscpData` = [alarm byte, zone, subzone]; the event's digits are the alarm byte in decimal. */
  Alarm: 1,
} as const;

export type ChannelKindCode = (typeof ChannelKind)[keyof typeof ChannelKind];

/**
 * A value the firmware publishes that is not one of the meter's lines: derived from them (net power, hourly
 * averages) or watched over them (alarms). Channels take the slots after the OBIS catalog's, so the outbox,
 * the mapping and the encoder treat them like the meter's values.
 */
export interface ChannelDefinition {
  /** The name the mapping setting uses for it (letters and digits, at most 15). */
  readonly key: string;
  /** Short English label, also the VSCP note. */
  readonly label: string;
  readonly kind: ChannelKindCode;
  /** VSCP type within the kind's class (a measurement type, or an alarm type). */
  readonly vscpType: number;
  /** VSCP unit code (measurements only). */
  readonly unit: number;
  /** Default sensor index (documented; unique among everything published by default). */
  readonly sensorIndex: number;
  /** Published unless the mapping switches it off. */
  readonly enabledByDefault: boolean;
}

/** A channel key: it must not look like an OBIS code, so one mapping table can hold both. */
export function isChannelKey(text: string): boolean {
  return /^[A-Za-z][A-Za-z0-9]{0,14}$/.test(text);
}
