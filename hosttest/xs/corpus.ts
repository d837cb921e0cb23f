import { readdirSync, readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** Repository root (hosttest/xs/../..). */
export const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
/** Real meter telegrams shared next to the project. */
export const sharedTelegrams = join(repoRoot, "..", "shared", "telegrams");
/** The project's own fixtures. */
export const projectFixtures = join(repoRoot, "hosttest", "fixtures");

export interface TelegramFile {
  name: string;
  bytes: Uint8Array;
}

/** Every telegram file (*.txt) in a folder and its subfolders, sorted by name. */
export function telegramFiles(folder: string): TelegramFile[] {
  if (!existsSync(folder)) return [];
  const files: TelegramFile[] = [];
  for (const entry of readdirSync(folder, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !/\.(txt|raw|bin)$/.test(entry.name)) continue;
    const path = join(entry.parentPath, entry.name);
    files.push({ name: path.slice(folder.length + 1), bytes: new Uint8Array(readFileSync(path)) });
  }
  return files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The Swedish telegrams (SE_*.txt), one complete telegram per file. */
export function swedishTelegrams(): TelegramFile[] {
  return telegramFiles(sharedTelegrams).filter((file) => /^SE_.*\.txt$/.test(file.name));
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
