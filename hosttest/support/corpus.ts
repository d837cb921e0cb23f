// The project's real meter telegrams (hosttest/fixtures/telegrams, sources in its INDEX.md). Every test,
// benchmark and tool reads them through this module, so the folder is named once, and a missing or empty
// corpus stops with an error naming the path instead of quietly yielding nothing to test.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The corpus folder (absolute path). */
export const CORPUS_DIR = fileURLToPath(new URL("../fixtures/telegrams", import.meta.url));
/** The corpus index: one row per file with its source and CRC status. */
export const CORPUS_INDEX = join(CORPUS_DIR, "INDEX.md");

export interface CorpusFile {
  name: string;
  bytes: Buffer;
}

/** One row of INDEX.md. */
export interface CorpusEntry {
  file: string;
  source: string;
  /** Frame statuses in stream order, e.g. `CRC OK 4760` or `leading fragment (320 bytes); CRC OK D4BA`. */
  crc: string;
  bytes: number;
}

/** Files of `folder` (recursively, names relative to it) whose name matches `pattern`; throws if there are none. */
export function requireFiles(folder: string, pattern: RegExp, what = "telegram files"): string[] {
  if (!existsSync(folder)) throw new Error(`${what}: folder ${folder} does not exist`);
  if (!statSync(folder).isDirectory()) throw new Error(`${what}: ${folder} is not a folder`);
  const names = readdirSync(folder, { recursive: true, encoding: "utf8" })
    .filter((name) => pattern.test(name) && statSync(join(folder, name)).isFile())
    .sort();
  if (names.length === 0) throw new Error(`${what}: no file matching ${pattern} in ${folder}`);
  return names;
}

/** Names of the corpus telegrams matching `pattern` (default: all), sorted; throws if none match. */
export function corpusNames(pattern: RegExp = /\.txt$/): string[] {
  return requireFiles(CORPUS_DIR, pattern, "telegram corpus");
}

/** Path of one corpus file; throws naming the path if it is missing or empty. */
export function corpusPath(name: string): string {
  const path = join(CORPUS_DIR, name);
  if (!existsSync(path)) throw new Error(`telegram corpus: ${path} does not exist`);
  if (statSync(path).size === 0) throw new Error(`telegram corpus: ${path} is empty`);
  return path;
}

/** The bytes of one corpus file, exactly as stored. */
export function readCorpusFile(name: string): Buffer {
  return readFileSync(corpusPath(name));
}

/** Names and bytes of the corpus telegrams matching `pattern`. */
export function corpusFiles(pattern: RegExp = /\.txt$/): CorpusFile[] {
  return corpusNames(pattern).map((name) => ({ name, bytes: readCorpusFile(name) }));
}

/** The Swedish telegrams (SE_*.txt), one complete telegram per file. */
export function swedishCorpus(): CorpusFile[] {
  return corpusFiles(/^SE_.*\.txt$/);
}

/** INDEX.md by file name; columns are found by their heading, so the table may gain columns. */
export function corpusIndex(): Map<string, CorpusEntry> {
  const lines = readFileSync(CORPUS_INDEX, "utf8")
    .split("\n")
    .filter((line) => line.startsWith("|"));
  const cells = (line: string) =>
    line
      .split("|")
      .slice(1, -1)
      .map((cell) => cell.trim());
  const heading = cells(lines[0] ?? "");
  const column = (title: string) => {
    const at = heading.indexOf(title);
    if (at < 0) throw new Error(`${CORPUS_INDEX}: no "${title}" column`);
    return at;
  };
  const [file, source, crc, bytes] = [column("File"), column("Source"), column("CRC"), column("Bytes")];
  const index = new Map<string, CorpusEntry>();
  for (const line of lines.slice(2)) {
    const row = cells(line);
    const name = row[file]?.match(/^`(.+)`$/)?.[1];
    if (name) index.set(name, { file: name, source: row[source], crc: row[crc], bytes: Number(row[bytes]) });
  }
  if (index.size === 0) throw new Error(`${CORPUS_INDEX}: no rows`);
  return index;
}
