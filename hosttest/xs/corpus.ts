import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { requireFiles, swedishCorpus } from "../support/corpus";

/** Repository root (hosttest/xs/../..). */
export const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
/** The project's fixtures: the real telegram corpus (telegrams/), P1 edge cases (p1/), simulator recordings (sim/). */
export const projectFixtures = join(repoRoot, "hosttest", "fixtures");

export interface TelegramFile {
  name: string;
  bytes: Uint8Array;
}

/** Every telegram file (*.txt, *.raw, *.bin) in a folder and its subfolders, sorted by name; throws if there are none. */
export function telegramFiles(folder: string): TelegramFile[] {
  return requireFiles(folder, /\.(txt|raw|bin)$/).map((name) => ({ name, bytes: new Uint8Array(readFileSync(join(folder, name))) }));
}

/** The Swedish telegrams (SE_*.txt), one complete telegram per file. */
export function swedishTelegrams(): TelegramFile[] {
  return swedishCorpus().map(({ name, bytes }) => ({ name, bytes: new Uint8Array(bytes) }));
}

/**
 * Telegrams back to back as a meter sends them: a telegram stored without the CR LF after its
 * CRC (as some sources print it) gets one, as the meter sends it.
 */
export function meterStream(files: TelegramFile[]): Uint8Array {
  const parts = files.map((file) => {
    const bytes = file.bytes;
    return bytes[bytes.length - 1] === 0x0a ? bytes : concat([bytes, new Uint8Array([0x0d, 0x0a])]);
  });
  return concat(parts);
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
