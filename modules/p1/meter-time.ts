export const TimeStatus = {
  Absent: 0,
  Valid: 1,
  /** Not a date the parser understands, or a field out of range (e.g. 632525252525W). */
  Invalid: 2,
  /** A well-formed date before the configured minimum year (000101000001W, 700101010000W). */
  Placeholder: 3,
} as const;

/** The meter clock of one telegram, as integers, plus its UTC conversion. Reused across telegrams. */
export class MeterTime {
  status: number = TimeStatus.Absent;
  year = 0;
  month = 0;
  day = 0;
  hour = 0;
  minute = 0;
  second = 0;
  /** "W", "S" (as char codes, upper-cased) or 0 when the meter sent no flag. */
  flag = 0;
  /** Offset from UTC that was applied, in minutes. */
  offsetMinutes = 0;
  /** Seconds since 1970-01-01T00:00:00Z; meaningful when status is Valid or Placeholder. */
  epochSeconds = 0;
  /** Span of the raw text in the frame buffer. */
  rawStart = 0;
  rawEnd = 0;

  clear(): void {
    this.status = TimeStatus.Absent;
    this.flag = 0;
    this.rawStart = this.rawEnd = 0;
  }
}

const W = 0x57;
const S = 0x53;

function twoDigits(bytes: Uint8Array, at: number): number {
  const a = bytes[at] - 0x30;
  const b = bytes[at + 1] - 0x30;
  if (a < 0 || a > 9 || b < 0 || b > 9) return -1;
  return a * 10 + b;
}

/** Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * Reads `YYMMDDhhmmss[X]` (X = W/S in either case; absent in DSMR 2.2/3) or `YYYYMMDD hh:mm:ss` (Danish NES)
 * from bytes[start, end) into `time`. W means UTC+1, S UTC+2, no flag the configured offset.
 */
export function readMeterTime(
  bytes: Uint8Array,
  start: number,
  end: number,
  time: MeterTime,
  defaultOffsetMinutes: number,
  minYear: number,
): void {
  time.rawStart = start;
  time.rawEnd = end;
  time.flag = 0;
  time.status = TimeStatus.Invalid;
  const length = end - start;
  let year: number, month: number, day: number, hour: number, minute: number, second: number;
  if (length === 12 || length === 13) {
    const yy = twoDigits(bytes, start);
    month = twoDigits(bytes, start + 2);
    day = twoDigits(bytes, start + 4);
    hour = twoDigits(bytes, start + 6);
    minute = twoDigits(bytes, start + 8);
    second = twoDigits(bytes, start + 10);
    if (yy < 0) return;
    year = 2000 + yy;
    if (length === 13) {
      const flag = bytes[start + 12] & 0xdf; // upper case
      if (flag !== W && flag !== S) return;
      time.flag = flag;
    }
  } else if (length === 17 && bytes[start + 8] === 0x20 && bytes[start + 11] === 0x3a && bytes[start + 14] === 0x3a) {
    const century = twoDigits(bytes, start);
    const yy = twoDigits(bytes, start + 2);
    month = twoDigits(bytes, start + 4);
    day = twoDigits(bytes, start + 6);
    hour = twoDigits(bytes, start + 9);
    minute = twoDigits(bytes, start + 12);
    second = twoDigits(bytes, start + 15);
    if (century < 0 || yy < 0) return;
    year = century * 100 + yy;
  } else {
    return;
  }
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return;
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return;
  time.year = year;
  time.month = month;
  time.day = day;
  time.hour = hour;
  time.minute = minute;
  time.second = second;
  time.offsetMinutes = time.flag === W ? 60 : time.flag === S ? 120 : defaultOffsetMinutes;
  time.epochSeconds = daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - time.offsetMinutes * 60;
  time.status = year < minYear ? TimeStatus.Placeholder : TimeStatus.Valid;
}
