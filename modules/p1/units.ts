import { frozen } from "./frozen";

/** What a value measures. The canonical unit of each quantity is given in brackets. */
export const Quantity = frozen({
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
  CurrentLimit: 17, // A: a fuse or breaker setting, not a measured current
} as const);

export type QuantityCode = (typeof Quantity)[keyof typeof Quantity];

/** Lower-case form of an ASCII letter; other bytes unchanged. */
export function asciiLower(byte: number): number {
  return byte >= 0x41 && byte <= 0x5a ? byte | 0x20 : byte;
}

export interface UnitSpec {
  /** Spelling used in output. */
  readonly name: string;
  /**
   * `name` in lower case packed into one number, a byte per character after a leading 1 (which keeps "a" and
   * "\0a" apart), so a unit compares at once; a number, not a string, because XS boxes a string for every
   * charCodeAt call. At most 41 bits: exact in a double.
   */
  readonly key: number;
  /** `name` packed as spelled (case kept). */
  readonly exactKey: number;
  /**
   * Meters send units in other cases (`KWH`), so a unit matches in any case unless another unit is spelled
   * with the same letters (`MWh` and milliwatt-hours `mWh`, `s` and siemens `S`): then only `name` itself
   * matches, and any other case is rejected rather than guessed.
   */
  readonly anyCase: boolean;
  /** Decimal places to shift the meter's digits to reach the quantity's canonical unit (kW→W: +3, Wh→kWh: −3). */
  readonly shift: number;
}

/** SI prefixes, case significant (m milli, M mega); "u" stands in for µ, which no ASCII meter sends. */
const SI_PREFIXES = [
  "q",
  "r",
  "y",
  "z",
  "a",
  "f",
  "p",
  "n",
  "u",
  "m",
  "c",
  "d",
  "da",
  "h",
  "k",
  "M",
  "G",
  "T",
  "P",
  "E",
  "Z",
  "Y",
  "R",
  "Q",
];
/** Units a meter could name, before a prefix; the table below accepts some of them, the rest exist to be told apart. */
const BASE_UNITS = [
  "W",
  "Wh",
  "var",
  "varh",
  "VA",
  "VAh",
  "V",
  "A",
  "Ah",
  "Hz",
  "s",
  "S",
  "J",
  "m3",
  "g",
  "l",
  "Ohm",
  "F",
  "H",
  "T",
  "C",
  "K",
  "Pa",
  "bar",
  "N",
];

function pack(name: string, fold: boolean): number {
  let key = 1;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    key = key * 256 + (fold ? asciiLower(c) : c);
  }
  return key;
}

/** True when some other (prefixed) unit has the same letters as `name` in another case. */
function hasCaseTwin(name: string): boolean {
  const lower = name.toLowerCase();
  for (const base of BASE_UNITS) {
    if (base !== name && base.toLowerCase() === lower) return true;
    for (const prefix of SI_PREFIXES) {
      const other = prefix + base;
      if (other !== name && other.toLowerCase() === lower) return true;
    }
  }
  return false;
}

function unit(name: string, shift: number): UnitSpec {
  return { name, key: pack(name, true), exactKey: pack(name, false), anyCase: !hasCaseTwin(name), shift };
}

/** Every unit spelling the parser accepts. Index = unit id stored in a Reading. */
export const UNITS: readonly UnitSpec[] = frozen([
  unit("kWh", 0), // 0
  unit("Wh", -3), // 1
  unit("kvarh", 0), // 2 (also kVArh)
  unit("varh", -3), // 3 (also VArh)
  unit("kW", 3), // 4
  unit("W", 0), // 5
  unit("kvar", 3), // 6 (also kVAr)
  unit("var", 0), // 7 (also VAr)
  unit("kVA", 3), // 8
  unit("VA", 0), // 9
  unit("V", 0), // 10
  unit("A", 0), // 11
  unit("Hz", 0), // 12
  unit("s", 0), // 13
  unit("m3", 0), // 14
  unit("GJ", 0), // 15
  unit("MWh", 3), // 16
]);

export const Unit = frozen({
  kWh: 0,
  Wh: 1,
  kvarh: 2,
  varh: 3,
  kW: 4,
  W: 5,
  kvar: 6,
  var: 7,
  kVA: 8,
  VA: 9,
  V: 10,
  A: 11,
  Hz: 12,
  s: 13,
  m3: 14,
  GJ: 15,
  MWh: 16,
} as const);

/** Longest unit spelling ("kvarh"); a longer unit text matches nothing. */
export const MAX_UNIT_LENGTH = 5;

/** Marks "no unit was sent" in a Reading's unit slot. */
export const NO_UNIT = -1;

/** The packed key (UnitSpec.key) of the unit text bytes[start, end); 0, which no unit has, when it is too long. */
export function unitKey(bytes: Uint8Array, start: number, end: number): number {
  if (end - start > MAX_UNIT_LENGTH) return 0;
  let key = 1;
  for (let i = start; i < end; i++) key = key * 256 + asciiLower(bytes[i]);
  return key;
}

/**
 * The unit id among `units` whose key this is, or NO_UNIT; `key` is unitKey(bytes, start, end). A unit with a
 * case twin (UnitSpec.anyCase false) also needs its exact spelling.
 */
export function unitAmong(units: readonly number[], key: number, bytes: Uint8Array, start: number, end: number): number {
  for (let u = 0; u < units.length; u++) {
    const spec = UNITS[units[u]];
    if (spec.key !== key) continue;
    if (spec.anyCase) return units[u];
    let exact = 1;
    for (let i = start; i < end; i++) exact = exact * 256 + bytes[i];
    return exact === spec.exactKey ? units[u] : NO_UNIT;
  }
  return NO_UNIT;
}
