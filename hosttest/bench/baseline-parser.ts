import type { Pipeline, Recorder } from "../xs/pipeline";

// The straightforward way most hobby firmwares read P1: collect characters into a line string, keep the
// telegram's lines, check the CRC bit by bit, then regex each line and parseFloat the value.
// Kept as the yardstick for the benchmark; the firmware never uses it.

const OBIS_LINE = /^(\d+-\d+:\d+\.\d+\.\d+)\((.*)\)$/;

export interface BaselineValue {
  value: number;
  unit: string;
  raw: string;
}

function crc16Bitwise(crc: number, byte: number): number {
  crc ^= byte;
  for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  return crc;
}

export class BaselineParser implements Pipeline {
  frames = 0;
  /** The last good telegram's values by OBIS code. */
  values: Record<string, BaselineValue> = {};
  crcOk = false;
  private line = "";
  private lines: string[] = [];
  private crc = 0;
  private inTelegram = false;
  private afterBang = false;

  constructor(
    private readonly record: Recorder | null = null,
    /** false: skip the CRC, as many hobby parsers do. */
    private readonly checkCrc = true,
  ) {}

  push(bytes: Uint8Array, start: number, end: number): void {
    for (let i = start; i < end; i++) {
      const byte = bytes[i];
      if (byte === 0x2f) {
        this.inTelegram = true;
        this.afterBang = false;
        this.lines = [];
        this.line = "";
        this.crc = 0;
      }
      if (!this.inTelegram) continue;
      if (this.checkCrc && !this.afterBang) this.crc = crc16Bitwise(this.crc, byte);
      if (byte === 0x21) this.afterBang = true;
      if (byte === 0x0a) {
        this.onLine(this.line.trim());
        this.line = "";
      } else {
        this.line += String.fromCharCode(byte);
      }
    }
  }

  end(): void {}

  private onLine(line: string): void {
    this.lines.push(line);
    if (!line.startsWith("!")) return;
    this.inTelegram = false;
    this.frames++;
    this.crcOk = !this.checkCrc || parseInt(line.substring(1), 16) === this.crc;
    if (this.crcOk) this.parse();
    if (this.record !== null) this.record({ crcOk: this.crcOk, values: this.values });
  }

  private parse(): void {
    const values: Record<string, BaselineValue> = {};
    for (const line of this.lines) {
      const match = OBIS_LINE.exec(line);
      if (!match) continue;
      const parts = match[2].split("*");
      values[match[1]] = { value: parseFloat(parts[0]), unit: parts.length > 1 ? parts[1] : "", raw: match[2] };
    }
    this.values = values;
  }
}
