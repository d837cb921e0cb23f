// Shared helpers for the P1 tests: run bytes through the real framer and parser and collect records.
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Framer } from "../../modules/p1/framer";
import { ObisCatalog } from "../../modules/p1/obis-catalog";
import { TelegramParser, type ParserOptions } from "../../modules/p1/parser";
import { Reading } from "../../modules/p1/reading";
import { FrameStatus } from "../../modules/p1/frame-status";
import { frameRecord, type FrameRecord } from "../cli/frame-record";
import { corpusIndex, corpusNames, readCorpusFile } from "./corpus";

const here = dirname(fileURLToPath(import.meta.url));
export const REPO = resolve(here, "../..");
export const FIXTURES = resolve(REPO, "hosttest/fixtures/p1");

/** Corpus telegram files (hosttest/fixtures/telegrams) whose name starts with `prefix`. */
export function telegramFiles(prefix = ""): string[] {
  return corpusNames(new RegExp(`^${prefix}.*\\.txt$`));
}

export const readTelegram = readCorpusFile;

export function readFixture(name: string): Buffer {
  return readFileSync(join(FIXTURES, name));
}

export interface DecodeResult {
  records: FrameRecord[];
  framer: Framer;
}

/** Frames and parses `bytes`, fed in the given chunk sizes (cycled), and returns one record per frame. */
export function decodeStream(
  bytes: Uint8Array,
  chunkSizes: number[] = [bytes.length || 1],
  options: { capacity?: number; parser?: ParserOptions } = {},
): DecodeResult {
  const catalog = new ObisCatalog();
  const parser = new TelegramParser(catalog, options.parser);
  const reading = new Reading(catalog);
  const records: FrameRecord[] = [];
  const framer = new Framer(
    {
      onFrame(f) {
        const parsed = f.status === FrameStatus.Hdlc ? null : parser.parse(f.buffer, f.length, reading);
        records.push(frameRecord(f, parsed));
      },
    },
    { capacity: options.capacity },
  );
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
  return crcColumn
    .split(";")
    .map((s) => s.trim())
    .filter((s) => !s.startsWith("leading fragment"))
    .map((s) => {
      if (s.startsWith("CRC OK")) return "ok";
      if (s.startsWith("CRC BAD")) return "crc-mismatch";
      if (s.startsWith("no CRC")) return "no-crc";
      if (s.startsWith("truncated")) return "truncated";
      throw new Error(`unknown CRC column entry "${s}"`);
    });
}

/** File name → CRC column of the corpus INDEX.md. */
export function indexCrcColumns(): Map<string, string> {
  return new Map([...corpusIndex()].map(([file, entry]) => [file, entry.crc]));
}
