// Telegrams and a parsed-reading feeder for the energy tests: a Swedish meter's lines with the values a test
// chooses, the clock written in Swedish local time with its W/S flag (EU summer time rule), CRC signed.
import type { ChannelEvents } from "../modules/app/channel-queue";
import { crc16 } from "../modules/p1/crc16";
import { FrameStatus } from "../modules/p1/frame-status";
import { Framer } from "../modules/p1/framer";
import { ObisCatalog } from "../modules/p1/obis-catalog";
import { TelegramParser } from "../modules/p1/parser";
import { Reading } from "../modules/p1/reading";
import { VscpMapping } from "../modules/vscp/mapping";
import { CHANNELS } from "../modules/app/channels";

/** Last Sunday of a month (UTC days since 1970) at 01:00 UTC, in seconds: when EU summer time starts or ends. */
function lastSunday0100(year: number, month: number): number {
  const last = Date.UTC(year, month, 0); // day 0 of the next month = last day of `month` (1-based)
  const day = new Date(last).getUTCDay();
  return (last - day * 86400_000) / 1000 + 3600;
}

/** Sweden's offset from UTC in minutes at an instant (CET, CEST from the last Sunday of March to that of October). */
export function swedishOffset(utcSeconds: number): number {
  const year = new Date(utcSeconds * 1000).getUTCFullYear();
  return utcSeconds >= lastSunday0100(year, 3) && utcSeconds < lastSunday0100(year, 10) ? 120 : 60;
}

function two(n: number): string {
  return String(n).padStart(2, "0");
}

/** `YYMMDDhhmmssX` of an instant in Swedish local time. */
export function swedishClock(utcSeconds: number): string {
  const offset = swedishOffset(utcSeconds);
  const d = new Date((utcSeconds + offset * 60) * 1000);
  return (
    `${two(d.getUTCFullYear() % 100)}${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}` +
    `${two(d.getUTCHours())}${two(d.getUTCMinutes())}${two(d.getUTCSeconds())}${offset === 120 ? "S" : "W"}`
  );
}

/** A telegram with these value groups (`{"1-0:1.8.0": "00001605.055*kWh"}`); a null clock leaves the time line out. */
export function telegram(utcSeconds: number | null, values: Record<string, string>): Uint8Array {
  let text = "/ELL5\\253833635_A\r\n\r\n";
  if (utcSeconds !== null) text += `0-0:1.0.0(${swedishClock(utcSeconds)})\r\n`;
  for (const [obis, group] of Object.entries(values)) text += `${obis}(${group})\r\n`;
  text += "!";
  const body = Buffer.from(text, "latin1");
  const crc = crc16(body).toString(16).toUpperCase().padStart(4, "0");
  return new Uint8Array(Buffer.from(`${text}${crc}\r\n`, "latin1"));
}

/** `kWh` as the meter writes the import register from a count of Wh (8.3 digits). */
export function kWh(wh: number): string {
  return `${(wh / 1000).toFixed(3).padStart(12, "0")}*kWh`;
}

/** A power line in kW from W (4.3 digits). */
export function kW(w: number): string {
  return `${(w / 1000).toFixed(3).padStart(8, "0")}*kW`;
}

/** One event a source handed over, with its time (UTC s): the telegram's (in its group) or one of its own. */
export interface SeenEvent {
  key: string;
  mantissa: number;
  exponent: number;
  at: number;
  /** Queued as a group of its own (`addAt`). */
  own: boolean;
}

/** Parses telegrams into one reused Reading and records what a channel source adds, by channel key. */
export class EnergyBench implements ChannelEvents {
  readonly catalog = new ObisCatalog();
  readonly mapping = new VscpMapping(this.catalog, { mac: "24:0A:C4:12:34:56" }, CHANNELS);
  readonly reading = new Reading(this.catalog);
  readonly seen: SeenEvent[] = [];
  private readonly parser = new TelegramParser(this.catalog);
  private readonly framer: Framer;
  private frames = 0;

  constructor() {
    this.framer = new Framer({
      onFrame: (f) => {
        if (f.status !== FrameStatus.Ok) throw new Error(`frame status ${f.status}`);
        this.parser.parse(f.buffer, f.length, this.reading);
        this.frames++;
      },
    });
  }

  /** The reading of one telegram. */
  parse(bytes: Uint8Array): Reading {
    const before = this.frames;
    this.framer.push(bytes);
    if (this.frames !== before + 1) throw new Error("no telegram parsed");
    return this.reading;
  }

  add(slot: number, mantissa: number, exponent: number): void {
    this.seen.push({ key: this.mapping.codeOf(slot), mantissa, exponent, at: this.reading.time.epochSeconds, own: false });
  }

  addAt(epochSeconds: number, slot: number, mantissa: number, exponent: number): void {
    this.seen.push({ key: this.mapping.codeOf(slot), mantissa, exponent, at: epochSeconds, own: true });
  }

  /** Events seen for a channel key (then forgotten, with `clear`). */
  of(key: string): SeenEvent[] {
    return this.seen.filter((e) => e.key === key);
  }

  clear(): void {
    this.seen.length = 0;
  }
}
