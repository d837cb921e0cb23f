import type { ByteWriter } from "./writer";

/** Year, month, day of a day count since 1970-01-01 (H. Hinnant's civil_from_days), into `out`. */
export function civilFromDays(days: number, out: Int32Array): void {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  out[0] = yoe + era * 400 + (month <= 2 ? 1 : 0);
  out[1] = month;
  out[2] = day;
}

/** 2020-01-01T00:00:00Z: a device clock (ms) before this was never set (the ESP32 starts near 1970). */
export const DEVICE_CLOCK_VALID_FROM_MS = 1_577_836_800_000;

/** Seconds 0 .. 9999-12-31T23:59:59Z, the range a 4-digit year can show. */
export const MAX_EPOCH_SECONDS = 253402300799;

/** Bytes writeIsoUtc writes. */
export const ISO_UTC_LENGTH = 20;

/** Writes `YYYY-MM-DDTHH:MM:SSZ` (ISO_UTC_LENGTH bytes). Seconds outside 0..MAX_EPOCH_SECONDS are clamped. */
export function writeIsoUtc(writer: ByteWriter, epochSeconds: number, scratch: Int32Array): void {
  let s = Math.floor(epochSeconds);
  if (!(s >= 0)) s = 0;
  if (s > MAX_EPOCH_SECONDS) s = MAX_EPOCH_SECONDS;
  const days = Math.floor(s / 86400);
  let rest = s - days * 86400;
  civilFromDays(days, scratch);
  const year = scratch[0];
  writer.twoDigits(Math.floor(year / 100));
  writer.twoDigits(year % 100);
  writer.byte(0x2d);
  writer.twoDigits(scratch[1]);
  writer.byte(0x2d);
  writer.twoDigits(scratch[2]);
  writer.byte(0x54); // T
  const hour = Math.floor(rest / 3600);
  rest -= hour * 3600;
  const minute = Math.floor(rest / 60);
  writer.twoDigits(hour);
  writer.byte(0x3a);
  writer.twoDigits(minute);
  writer.byte(0x3a);
  writer.twoDigits(rest - minute * 60);
  writer.byte(0x5a); // Z
}
