// A Swedish meter for the month-long soak, written to run inside XS: it writes one telegram every 10 s of meter
// time into one reused buffer (no allocation per telegram), with the meter clock in Swedish local time (W in
// winter, S in summer, switching on the EU rule), registers that integrate the power, and now and then a damaged
// telegram, a cut-off telegram or line noise, each counted here so the soak can account for every telegram.
// Its CRC-16/ARC is computed here, independently of modules/p1.

export const TELEGRAM_PERIOD_S = 10;
export const TELEGRAMS_PER_DAY = 86_400 / TELEGRAM_PERIOD_S;
/** Values per telegram the bridge maps to events (VSCP profile §5). */
export const VALUES_PER_TELEGRAM = 26;

/** What the meter sent for one telegram slot. */
export const SENT_GOOD = 0;
/** One digit changed after the CRC was computed: the framer must reject it. */
export const SENT_DAMAGED = 1;
/**
 * Cut off near the middle, then the next telegram: the framer must count it truncated and still find the next one.
 * In turn: cut at a line end; cut mid-line and followed by line noise; cut mid-line with the next "/" right after.
 */
export const SENT_CUT = 2;

/** Telegram slots (by index) that go out damaged, cut or after a burst of line noise. Primes: they drift across hours. */
const DAMAGE_EVERY = 1009;
const CUT_EVERY = 1511;
const NOISE_EVERY = 2003;
const NOISE_BYTES = 37;

const HEADER = "/SIM5\\253000001_A";
const CR = 0x0d;
const LF = 0x0a;

interface FieldSpec {
  code: string;
  whole: number;
  fraction: number;
  unit: string;
}

const FIELDS: readonly FieldSpec[] = [
  { code: "1-0:1.8.0", whole: 8, fraction: 3, unit: "kWh" },
  { code: "1-0:2.8.0", whole: 8, fraction: 3, unit: "kWh" },
  { code: "1-0:3.8.0", whole: 8, fraction: 3, unit: "kvarh" },
  { code: "1-0:4.8.0", whole: 8, fraction: 3, unit: "kvarh" },
  { code: "1-0:1.7.0", whole: 4, fraction: 3, unit: "kW" },
  { code: "1-0:2.7.0", whole: 4, fraction: 3, unit: "kW" },
  { code: "1-0:3.7.0", whole: 4, fraction: 3, unit: "kvar" },
  { code: "1-0:4.7.0", whole: 4, fraction: 3, unit: "kvar" },
  { code: "1-0:21.7.0", whole: 4, fraction: 3, unit: "kW" },
  { code: "1-0:41.7.0", whole: 4, fraction: 3, unit: "kW" },
  { code: "1-0:61.7.0", whole: 4, fraction: 3, unit: "kW" },
  { code: "1-0:22.7.0", whole: 4, fraction: 3, unit: "kW" },
  { code: "1-0:42.7.0", whole: 4, fraction: 3, unit: "kW" },
  { code: "1-0:62.7.0", whole: 4, fraction: 3, unit: "kW" },
  { code: "1-0:23.7.0", whole: 4, fraction: 3, unit: "kvar" },
  { code: "1-0:43.7.0", whole: 4, fraction: 3, unit: "kvar" },
  { code: "1-0:63.7.0", whole: 4, fraction: 3, unit: "kvar" },
  { code: "1-0:24.7.0", whole: 4, fraction: 3, unit: "kvar" },
  { code: "1-0:44.7.0", whole: 4, fraction: 3, unit: "kvar" },
  { code: "1-0:64.7.0", whole: 4, fraction: 3, unit: "kvar" },
  { code: "1-0:32.7.0", whole: 3, fraction: 1, unit: "V" },
  { code: "1-0:52.7.0", whole: 3, fraction: 1, unit: "V" },
  { code: "1-0:72.7.0", whole: 3, fraction: 1, unit: "V" },
  { code: "1-0:31.7.0", whole: 3, fraction: 1, unit: "A" },
  { code: "1-0:51.7.0", whole: 3, fraction: 1, unit: "A" },
  { code: "1-0:71.7.0", whole: 3, fraction: 1, unit: "A" },
];

// Field indices in FIELDS.
const IMPORT_KWH = 0;
const EXPORT_KWH = 1;
const REACTIVE_IMPORT_KVARH = 2;
const REACTIVE_EXPORT_KVARH = 3;
const IMPORT_KW = 4;
const EXPORT_KW = 5;
const REACTIVE_IMPORT_KVAR = 6;
const REACTIVE_EXPORT_KVAR = 7;
const PHASE_IMPORT_KW = 8;
const PHASE_EXPORT_KW = 11;
const PHASE_REACTIVE_IMPORT = 14;
const PHASE_REACTIVE_EXPORT = 17;
const PHASE_VOLTS = 20;
const PHASE_AMPS = 23;

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** UTC seconds at which EU summer time starts (last Sunday of March, 01:00 UTC) or ends (October) in `year`. */
export function euSwitchUtcS(year: number, month: 3 | 10): number {
  const days31 = daysFromCivil(year, month, 31);
  const weekday = (days31 + 4) % 7; // 1970-01-01 was a Thursday (4); 0 = Sunday
  return (days31 - weekday) * 86_400 + 3600;
}

export class MonthMeter {
  /** The bytes to send for the current slot: [0, length). */
  readonly buffer = new Uint8Array(1024);
  length = 0;
  /** What the current slot is (SENT_*), and its meter time in UTC seconds. */
  kind = SENT_GOOD;
  utcS = 0;
  /** Counts of what was sent so far. */
  good = 0;
  damaged = 0;
  cut = 0;
  /** Bursts of noise outside any telegram (counted as garbage bytes), and right after a cut-off telegram (inside its frame). */
  noiseBursts = 0;
  noiseBytes = 0;
  noiseAfterCut = 0;
  /** Meter time (UTC seconds) of the first and latest good telegram; −1 before one. */
  firstGoodUtcS = -1;
  lastGoodUtcS = -1;

  private readonly template: Uint8Array;
  private readonly bodyLength: number;
  /** Offset of each field's last digit in the template, and the clock's first digit. */
  private readonly fieldEnd: Int32Array;
  private readonly clockAt: number;
  private readonly crcTable = new Uint16Array(256);
  private readonly values = new Float64Array(FIELDS.length);
  private readonly energyWs = new Float64Array(4);
  private slot = -1;
  private random: number;

  /** `startUtcS`: meter time of slot 0; `slots`: how many will be asked for (the last is never damaged or cut). */
  constructor(
    private readonly startUtcS: number,
    private readonly slots: number,
    seed = 2027,
  ) {
    this.random = seed >>> 0;
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xa001 : c >>> 1;
      this.crcTable[n] = c;
    }
    let text = `${HEADER}\r\n\r\n0-0:1.0.0(000000000000W)\r\n`;
    const clockAt = text.length - 16;
    const ends: number[] = [];
    for (const field of FIELDS) {
      const digits = `${"0".repeat(field.whole)}${field.fraction > 0 ? `.${"0".repeat(field.fraction)}` : ""}`;
      const line = `${field.code}(${digits}*${field.unit})\r\n`;
      ends.push(text.length + field.code.length + digits.length);
      text += line;
    }
    text += "!";
    this.template = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) this.template[i] = text.charCodeAt(i);
    this.bodyLength = text.length;
    this.fieldEnd = Int32Array.from(ends);
    this.clockAt = clockAt;
    this.energyWs[IMPORT_KWH] = 18_234_512 * 3600;
    this.energyWs[EXPORT_KWH] = 1_207_089 * 3600;
    this.energyWs[REACTIVE_IMPORT_KVARH] = 84_377 * 3600;
    this.energyWs[REACTIVE_EXPORT_KVARH] = 3_911_640 * 3600;
  }

  /** Writes the next slot's bytes into `buffer`. */
  next(): void {
    const slot = ++this.slot;
    this.utcS = this.startUtcS + slot * TELEGRAM_PERIOD_S;
    this.simulate();
    const buffer = this.buffer;
    let at = 0;
    // After a cut-off telegram the noise lands in its frame (the framer is still inside it), so it is no garbage.
    const afterCut = this.kind === SENT_CUT;
    if (slot % NOISE_EVERY === NOISE_EVERY >> 1 || (afterCut && this.cut % 3 === 2)) {
      // Letters and bytes above 0x7F: never a line end, "/", "!" or the HDLC flag.
      for (let i = 0; i < NOISE_BYTES; i++) {
        const r = this.nextRandom();
        buffer[at++] = r & 1 ? 0x80 | ((r >>> 1) & 0x7f) : 0x41 + ((r >>> 1) % 26);
      }
      if (afterCut) this.noiseAfterCut++;
      else {
        this.noiseBursts++;
        this.noiseBytes += NOISE_BYTES;
      }
    }
    const start = at;
    buffer.set(this.template, at);
    this.writeClock(start);
    for (let f = 0; f < FIELDS.length; f++) this.writeField(start + this.fieldEnd[f], FIELDS[f].fraction, this.values[f]);
    at += this.bodyLength;
    const crc = this.crc(start, at);
    for (let k = 3; k >= 0; k--) {
      const nibble = (crc >> (4 * k)) & 0xf;
      buffer[at++] = nibble < 10 ? 0x30 + nibble : 0x37 + nibble;
    }
    buffer[at++] = CR;
    buffer[at++] = LF;
    this.length = at;
    const last = slot === this.slots - 1;
    if (!last && slot % DAMAGE_EVERY === DAMAGE_EVERY >> 1) {
      const digit = start + this.fieldEnd[IMPORT_KW];
      buffer[digit] = buffer[digit] === 0x39 ? 0x30 : buffer[digit] + 1;
      this.kind = SENT_DAMAGED;
      this.damaged++;
    } else if (!last && slot % CUT_EVERY === CUT_EVERY >> 1) {
      const shape = this.cut % 3;
      this.length = start + (this.bodyLength >> 1) + shape;
      if (shape === 0) {
        buffer[this.length++] = CR;
        buffer[this.length++] = LF;
      }
      this.kind = SENT_CUT;
      this.cut++;
    } else {
      this.kind = SENT_GOOD;
      this.good++;
      if (this.firstGoodUtcS < 0) this.firstGoodUtcS = this.utcS;
      this.lastGoodUtcS = this.utcS;
    }
  }

  /** Seconds to add to UTC for Swedish local time at `utcS` (3600 normal time, 7200 summer time). */
  static swedishOffsetS(utcS: number): number {
    const year = civilYear(utcS);
    return utcS >= euSwitchUtcS(year, 3) && utcS < euSwitchUtcS(year, 10) ? 7200 : 3600;
  }

  /** A household through the day in whole watts, integrated into the registers. */
  private simulate(): void {
    const v = this.values;
    const localHour = Math.floor(((this.utcS + MonthMeter.swedishOffsetS(this.utcS)) % 86_400) / 3600);
    const evening = localHour >= 17 && localHour < 21 ? 1500 : 0;
    const solar = localHour >= 10 && localHour < 15 ? 2400 : 0;
    let importW = 0;
    let exportW = 0;
    let reactiveImport = 0;
    let reactiveExport = 0;
    for (let p = 0; p < 3; p++) {
      const load = 120 + (this.nextRandom() % 900) + evening / 3 - solar / 3;
      const imported = load > 0 ? load : 0;
      const exported = load < 0 ? -load : 0;
      const volts = 2290 + (this.nextRandom() % 80); // tenths of a volt
      const rImport = p === 0 && this.nextRandom() % 3 === 0 ? this.nextRandom() % 120 : 0;
      const rExport = 30 + (this.nextRandom() % 40);
      v[PHASE_IMPORT_KW + p] = imported;
      v[PHASE_EXPORT_KW + p] = exported;
      v[PHASE_REACTIVE_IMPORT + p] = rImport;
      v[PHASE_REACTIVE_EXPORT + p] = rExport;
      v[PHASE_VOLTS + p] = volts;
      v[PHASE_AMPS + p] = Math.floor(((imported + exported) * 100) / volts); // tenths of an ampere
      importW += imported;
      exportW += exported;
      reactiveImport += rImport;
      reactiveExport += rExport;
    }
    v[IMPORT_KW] = importW;
    v[EXPORT_KW] = exportW;
    v[REACTIVE_IMPORT_KVAR] = reactiveImport;
    v[REACTIVE_EXPORT_KVAR] = reactiveExport;
    const e = this.energyWs;
    e[IMPORT_KWH] += importW * TELEGRAM_PERIOD_S;
    e[EXPORT_KWH] += exportW * TELEGRAM_PERIOD_S;
    e[REACTIVE_IMPORT_KVARH] += reactiveImport * TELEGRAM_PERIOD_S;
    e[REACTIVE_EXPORT_KVARH] += reactiveExport * TELEGRAM_PERIOD_S;
    for (let r = 0; r < 4; r++) v[r] = Math.floor(e[r] / 3600); // Wh = thousandths of a kWh
  }

  /** `YYMMDDhhmmss` and W or S: the meter's local clock. */
  private writeClock(start: number): void {
    const offset = MonthMeter.swedishOffsetS(this.utcS);
    const local = this.utcS + offset;
    const days = Math.floor(local / 86_400);
    const seconds = local - days * 86_400;
    // civil_from_days (H. Hinnant)
    const z = days + 719468;
    const era = Math.floor(z / 146097);
    const doe = z - era * 146097;
    const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
    const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
    const mp = Math.floor((5 * doy + 2) / 153);
    const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
    const month = mp < 10 ? mp + 3 : mp - 9;
    const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
    let at = start + this.clockAt;
    at = this.two(at, year % 100);
    at = this.two(at, month);
    at = this.two(at, day);
    at = this.two(at, Math.floor(seconds / 3600));
    at = this.two(at, Math.floor((seconds % 3600) / 60));
    at = this.two(at, seconds % 60);
    this.buffer[at] = offset === 7200 ? 0x53 : 0x57;
  }

  private two(at: number, n: number): number {
    this.buffer[at] = 0x30 + Math.floor(n / 10);
    this.buffer[at + 1] = 0x30 + (n % 10);
    return at + 2;
  }

  /** Writes `scaled` (the value in units of its last digit) right to left into the field ending at `end`. */
  private writeField(end: number, fraction: number, scaled: number): void {
    let rest = scaled;
    let at = end;
    const buffer = this.buffer;
    for (let k = 0; buffer[at] !== 0x28; k++, at--) {
      if (k === fraction && fraction > 0) continue; // the decimal point
      const q = Math.floor(rest / 10);
      buffer[at] = 0x30 + (rest - q * 10);
      rest = q;
    }
  }

  private crc(start: number, end: number): number {
    let crc = 0;
    const buffer = this.buffer;
    const table = this.crcTable;
    for (let i = start; i < end; i++) crc = (crc >>> 8) ^ table[(crc ^ buffer[i]) & 0xff];
    return crc;
  }

  /** xorshift32: deterministic, allocation-free. */
  private nextRandom(): number {
    let x = this.random;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.random = x >>> 0;
    return this.random;
  }
}

function civilYear(utcS: number): number {
  // Good for 1970–2099: close enough to pick the year whose DST rule applies.
  const approx = 1970 + Math.floor(utcS / 31_556_952);
  return utcS >= daysFromCivil(approx + 1, 1, 1) * 86_400 ? approx + 1 : utcS < daysFromCivil(approx, 1, 1) * 86_400 ? approx - 1 : approx;
}
