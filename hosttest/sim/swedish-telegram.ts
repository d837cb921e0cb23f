import { crc16 } from "../../modules/p1/crc16";

/** The values of one Swedish (SS-EN 62056-21 / HAN) telegram, in the meter's units. */
export interface MeterValues {
  /** Meter time, local normal time (the telegram carries the W flag). */
  time: Date;
  importKwh: number;
  exportKwh: number;
  reactiveImportKvarh: number;
  reactiveExportKvarh: number;
  /** Per phase L1..L3, import and export active power in kW, reactive in kvar, voltage, current. */
  importKw: [number, number, number];
  exportKw: [number, number, number];
  reactiveImportKvar: [number, number, number];
  reactiveExportKvar: [number, number, number];
  volts: [number, number, number];
  amps: [number, number, number];
}

export const SIM_HEADER = "/SIM5\\253000001_A";

function fixed(value: number, intDigits: number, fracDigits: number): string {
  const text = Math.abs(value).toFixed(fracDigits);
  const [whole, fraction] = text.split(".");
  const body = whole.padStart(intDigits, "0") + (fracDigits > 0 ? `.${fraction}` : "");
  return value < 0 ? `-${body}` : body;
}

function two(n: number): string {
  return String(n).padStart(2, "0");
}

/** `YYMMDDhhmmssW` from the wall-clock fields of `time` taken as UTC+1. */
function meterClock(time: Date): string {
  const local = new Date(time.getTime() + 3600_000);
  return (
    `${two(local.getUTCFullYear() % 100)}${two(local.getUTCMonth() + 1)}${two(local.getUTCDate())}` +
    `${two(local.getUTCHours())}${two(local.getUTCMinutes())}${two(local.getUTCSeconds())}W`
  );
}

function sum(values: readonly number[]): number {
  return values[0] + values[1] + values[2];
}

/** The telegram's text, CRLF line ends, with its CRC-16/ARC over "/" … "!" (4 upper-case hex digits). */
export function swedishTelegram(v: MeterValues, header = SIM_HEADER): string {
  const lines = [
    header,
    "",
    `0-0:1.0.0(${meterClock(v.time)})`,
    `1-0:1.8.0(${fixed(v.importKwh, 8, 3)}*kWh)`,
    `1-0:2.8.0(${fixed(v.exportKwh, 8, 3)}*kWh)`,
    `1-0:3.8.0(${fixed(v.reactiveImportKvarh, 8, 3)}*kvarh)`,
    `1-0:4.8.0(${fixed(v.reactiveExportKvarh, 8, 3)}*kvarh)`,
    `1-0:1.7.0(${fixed(sum(v.importKw), 4, 3)}*kW)`,
    `1-0:2.7.0(${fixed(sum(v.exportKw), 4, 3)}*kW)`,
    `1-0:3.7.0(${fixed(sum(v.reactiveImportKvar), 4, 3)}*kvar)`,
    `1-0:4.7.0(${fixed(sum(v.reactiveExportKvar), 4, 3)}*kvar)`,
    `1-0:21.7.0(${fixed(v.importKw[0], 4, 3)}*kW)`,
    `1-0:41.7.0(${fixed(v.importKw[1], 4, 3)}*kW)`,
    `1-0:61.7.0(${fixed(v.importKw[2], 4, 3)}*kW)`,
    `1-0:22.7.0(${fixed(v.exportKw[0], 4, 3)}*kW)`,
    `1-0:42.7.0(${fixed(v.exportKw[1], 4, 3)}*kW)`,
    `1-0:62.7.0(${fixed(v.exportKw[2], 4, 3)}*kW)`,
    `1-0:23.7.0(${fixed(v.reactiveImportKvar[0], 4, 3)}*kvar)`,
    `1-0:43.7.0(${fixed(v.reactiveImportKvar[1], 4, 3)}*kvar)`,
    `1-0:63.7.0(${fixed(v.reactiveImportKvar[2], 4, 3)}*kvar)`,
    `1-0:24.7.0(${fixed(v.reactiveExportKvar[0], 4, 3)}*kvar)`,
    `1-0:44.7.0(${fixed(v.reactiveExportKvar[1], 4, 3)}*kvar)`,
    `1-0:64.7.0(${fixed(v.reactiveExportKvar[2], 4, 3)}*kvar)`,
    `1-0:32.7.0(${fixed(v.volts[0], 3, 1)}*V)`,
    `1-0:52.7.0(${fixed(v.volts[1], 3, 1)}*V)`,
    `1-0:72.7.0(${fixed(v.volts[2], 3, 1)}*V)`,
    `1-0:31.7.0(${fixed(v.amps[0], 3, 1)}*A)`,
    `1-0:51.7.0(${fixed(v.amps[1], 3, 1)}*A)`,
    `1-0:71.7.0(${fixed(v.amps[2], 3, 1)}*A)`,
    "!",
  ];
  const body = lines.join("\r\n");
  const crc = crc16(new TextEncoder().encode(body));
  return `${body}${crc.toString(16).toUpperCase().padStart(4, "0")}\r\n`;
}
