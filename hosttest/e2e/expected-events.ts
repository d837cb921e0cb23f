// The events the VSCP profile (docs: vscp-profile.md §3–§5) says a Swedish telegram must produce, worked out
// from the telegram text with plain string handling: an independent reference for the bridge's encoder.

interface ProfileRow {
  index: number;
  type: number;
  unit: number;
  /** Decimal places the meter's digits move to reach the published unit. */
  shift: number;
}

const ENERGY = { type: 13, unit: 1, shift: 0 };
const REACTIVE_ENERGY = { type: 65, unit: 0, shift: 0 };
const POWER = { type: 14, unit: 0, shift: 3 };
const REACTIVE_POWER = { type: 64, unit: 0, shift: 3 };
const VOLTAGE = { type: 16, unit: 0, shift: 0 };
const CURRENT = { type: 5, unit: 0, shift: 0 };

const ORDER: Array<[string, Omit<ProfileRow, "index">]> = [
  ["1-0:1.8.0", ENERGY],
  ["1-0:2.8.0", ENERGY],
  ["1-0:3.8.0", REACTIVE_ENERGY],
  ["1-0:4.8.0", REACTIVE_ENERGY],
  ["1-0:1.7.0", POWER],
  ["1-0:2.7.0", POWER],
  ["1-0:3.7.0", REACTIVE_POWER],
  ["1-0:4.7.0", REACTIVE_POWER],
  ["1-0:21.7.0", POWER],
  ["1-0:41.7.0", POWER],
  ["1-0:61.7.0", POWER],
  ["1-0:22.7.0", POWER],
  ["1-0:42.7.0", POWER],
  ["1-0:62.7.0", POWER],
  ["1-0:23.7.0", REACTIVE_POWER],
  ["1-0:43.7.0", REACTIVE_POWER],
  ["1-0:63.7.0", REACTIVE_POWER],
  ["1-0:24.7.0", REACTIVE_POWER],
  ["1-0:44.7.0", REACTIVE_POWER],
  ["1-0:64.7.0", REACTIVE_POWER],
  ["1-0:32.7.0", VOLTAGE],
  ["1-0:52.7.0", VOLTAGE],
  ["1-0:72.7.0", VOLTAGE],
  ["1-0:31.7.0", CURRENT],
  ["1-0:51.7.0", CURRENT],
  ["1-0:71.7.0", CURRENT],
];

const PROFILE = new Map<string, ProfileRow>(ORDER.map(([obis, row], index) => [obis, { ...row, index }]));

export interface ExpectedEvent {
  obis: string;
  sensorIndex: number;
  type: number;
  unit: number;
  /** The decimal string of vscpData (profile §3). */
  text: string;
  /** UTC date of the telegram, `YYYY-MM-DDTHH:MM:SSZ`. */
  dateTime: string;
}

/** Moves the decimal point of `digits` right by `shift` (left when negative), keeping the meter's precision. */
export function shiftDecimal(digits: string, shift: number): string {
  const negative = digits.startsWith("-");
  const body = negative ? digits.slice(1) : digits;
  const [whole, fraction = ""] = body.split(".");
  let all = whole + fraction;
  let point = whole.length + shift;
  while (point > all.length) all += "0";
  while (point < 1) {
    all = `0${all}`;
    point++;
  }
  let integer = all.slice(0, point).replace(/^0+(?=\d)/, "");
  const rest = all.slice(point);
  if (integer === "") integer = "0";
  const text = rest ? `${integer}.${rest}` : integer;
  return negative && /[1-9]/.test(text) ? `-${text}` : text;
}

/** `YYMMDDhhmmssW|S` → UTC ISO date (W = UTC+1, S = UTC+2). */
export function meterTimeToUtc(raw: string): string {
  const [yy, mo, dd, hh, mi, ss] = [0, 2, 4, 6, 8, 10].map((i) => Number(raw.slice(i, i + 2)));
  const offsetHours = raw[12]?.toUpperCase() === "S" ? 2 : 1;
  return new Date(Date.UTC(2000 + yy, mo - 1, dd, hh - offsetHours, mi, ss)).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Events of one telegram, in sensor-index order. */
export function expectedEvents(telegram: string): ExpectedEvent[] {
  const clock = /^0-0:1\.0\.0\((\d{12}[WS]?)\)/m.exec(telegram);
  const dateTime = clock ? meterTimeToUtc(clock[1]) : "";
  const events: ExpectedEvent[] = [];
  for (const line of telegram.split(/\r?\n/)) {
    const match = /^(\d+-\d+:\d+\.\d+\.\d+)\((-?[\d.]+)\*([A-Za-z]+)\)$/.exec(line);
    if (!match) continue;
    const row = PROFILE.get(match[1]);
    if (!row) continue;
    events.push({
      obis: match[1],
      sensorIndex: row.index,
      type: row.type,
      unit: row.unit,
      text: shiftDecimal(match[2], row.shift),
      dateTime,
    });
  }
  return events.sort((a, b) => a.sensorIndex - b.sensorIndex);
}

/** The telegrams of a fixture file, as text, split where each one starts. */
export function splitTelegrams(text: string): string[] {
  return text.split(/(?=^\/)/m).filter((t) => t.startsWith("/"));
}
