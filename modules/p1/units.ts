/** What a value measures. The canonical unit of each quantity is given in brackets. */
export const Quantity = {
  ActiveEnergy: 1, // kWh
  ReactiveEnergy: 2, // kvarh
  ActivePower: 3, // W
  ReactivePower: 4, // var
  ApparentPower: 5, // VA
  Voltage: 6, // V
  Current: 7, // A
  Frequency: 8, // Hz
  PowerFactor: 9, // no unit
  Duration: 10, // s
  Count: 11, // no unit
  Ratio: 12, // no unit
  MeterReading: 13, // m3, GJ or kWh as sent by an M-Bus device
  PowerLimit: 14, // W or VA
  Text: 15, // octet string, kept as bytes
  Clock: 16, // YYMMDDhhmmssX
} as const;

export type QuantityCode = (typeof Quantity)[keyof typeof Quantity];

export interface UnitSpec {
  /** Spelling used in output; matching is case-insensitive. */
  readonly name: string;
  /** Decimal places to shift the meter's digits to reach the quantity's canonical unit (kW→W: +3, Wh→kWh: −3). */
  readonly shift: number;
}

/** Every unit spelling the parser accepts. Index = unit id stored in a Reading. Lower-case names for matching. */
export const UNITS: readonly UnitSpec[] = [
  { name: "kWh", shift: 0 }, // 0
  { name: "Wh", shift: -3 }, // 1
  { name: "kvarh", shift: 0 }, // 2 (also kVArh)
  { name: "varh", shift: -3 }, // 3 (also VArh)
  { name: "kW", shift: 3 }, // 4
  { name: "W", shift: 0 }, // 5
  { name: "kvar", shift: 3 }, // 6 (also kVAr)
  { name: "var", shift: 0 }, // 7 (also VAr)
  { name: "kVA", shift: 3 }, // 8
  { name: "VA", shift: 0 }, // 9
  { name: "V", shift: 0 }, // 10
  { name: "A", shift: 0 }, // 11
  { name: "Hz", shift: 0 }, // 12
  { name: "s", shift: 0 }, // 13
  { name: "m3", shift: 0 }, // 14
  { name: "GJ", shift: 0 }, // 15
  { name: "MWh", shift: 3 }, // 16
];

export const Unit = {
  kWh: 0, Wh: 1, kvarh: 2, varh: 3, kW: 4, W: 5, kvar: 6, var: 7, kVA: 8, VA: 9,
  V: 10, A: 11, Hz: 12, s: 13, m3: 14, GJ: 15, MWh: 16,
} as const;

/** Marks "no unit was sent" in a Reading's unit slot. */
export const NO_UNIT = -1;

/** Lower-case form of an ASCII letter; other bytes unchanged. */
export function asciiLower(byte: number): number {
  return byte >= 0x41 && byte <= 0x5a ? byte | 0x20 : byte;
}

/** True when bytes[start, end) spell the unit, ignoring case. */
export function unitMatches(unit: number, bytes: Uint8Array, start: number, end: number): boolean {
  const name = UNITS[unit].name;
  if (name.length !== end - start) return false;
  for (let i = 0; i < name.length; i++) {
    if (asciiLower(bytes[start + i]) !== asciiLower(name.charCodeAt(i))) return false;
  }
  return true;
}
