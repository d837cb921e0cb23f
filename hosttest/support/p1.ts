// Shared helpers for the P1 tests: run bytes through the real framer and parser and collect records.
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Framer } from "../../modules/p1/framer";
import { ObisCatalog } from "../../modules/p1/obis-catalog";
import { TelegramParser, type ParserOptions } from "../../modules/p1/parser";
import { Reading } from "../../modules/p1/reading";
import { FrameStatus } from "../../modules/p1/frame-status";
import { frameRecord, type FrameRecord } from "../cli/frame-record";

const here = dirname(fileURLToPath(import.meta.url));
export const REPO = resolve(here, "../..");
export const TELEGRAMS = resolve(REPO, "../shared/telegrams");
export const FIXTURES = resolve(REPO, "hosttest/fixtures/p1");

export function telegramFiles(prefix = ""): string[] {
  return readdirSync(TELEGRAMS).filter((f) => f.endsWith(".txt") && f.startsWith(prefix)).sort();
}

export function readTelegram(name: string): Buffer {
  return readFileSync(join(TELEGRAMS, name));
}

export function readFixture(name: string): Buffer {
  return readFileSync(join(FIXTURES, name));
}

export interface DecodeResult {
  records: FrameRecord[];
  framer: Framer;
}

/** Frames and parses `bytes`, fed in the given chunk sizes (cycled), and returns one record per frame. */
export function decodeStream(bytes: Uint8Array, chunkSizes: number[] = [bytes.length || 1],
  options: { capacity?: number; parser?: ParserOptions } = {}): DecodeResult {
  const catalog = new ObisCatalog();
  const parser = new TelegramParser(catalog, options.parser);
  const reading = new Reading(catalog);
  const records: FrameRecord[] = [];
  const framer = new Framer({
    onFrame(f) {
      const parsed = f.status === FrameStatus.Hdlc ? null : parser.parse(f.buffer, f.length, reading);
      records.push(frameRecord(f, parsed));
    },
  }, { capacity: options.capacity });
  let pos = 0;
  let i = 0;
  while (pos < bytes.length) {
    const size = Math.max(1, chunkSizes[i++ % chunkSizes.length]);
    framer.push(bytes, pos, Math.min(bytes.length, pos + size));
    pos += size;
  }
  framer.end();
  return { records, framer };
}

/** Frame statuses the INDEX.md CRC column promises for a file, in stream order (fragments produce no frame). */
export function expectedStatuses(crcColumn: string): string[] {
  return crcColumn.split(";").map((s) => s.trim()).filter((s) => !s.startsWith("leading fragment")).map((s) => {
    if (s.startsWith("CRC OK")) return "ok";
    if (s.startsWith("CRC BAD")) return "crc-mismatch";
    if (s.startsWith("no CRC")) return "no-crc";
    if (s.startsWith("truncated")) return "truncated";
    throw new Error(`unknown CRC column entry "${s}"`);
  });
}

/** File name → CRC column of ../shared/telegrams/INDEX.md. */
export function indexCrcColumns(): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of readFileSync(join(TELEGRAMS, "INDEX.md"), "utf8").split("\n")) {
    const cells = line.split("|").map((c) => c.trim());
    const file = cells[2]?.match(/^`(.+\.txt)`$/)?.[1];
    if (file) map.set(file, cells[5]);
  }
  return map;
}
