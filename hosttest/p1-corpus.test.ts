// Every real telegram in the corpus (hosttest/fixtures/telegrams): the frame statuses and sizes match INDEX.md,
// and every Swedish telegram yields each of its values with the number and unit written in the file.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { CORPUS_DIR, corpusIndex, corpusNames, corpusPath, requireFiles } from "./support/corpus";
import { decodeStream, expectedStatuses, indexCrcColumns, readTelegram, telegramFiles } from "./support/p1";

const columns = indexCrcColumns();

describe("real telegram corpus", () => {
  test("INDEX.md lists every telegram file", () => {
    const files = telegramFiles();
    expect(files.length).toBeGreaterThanOrEqual(58);
    for (const f of files) expect(columns.has(f), f).toBe(true);
    expect(columns.size).toBe(files.length);
  });

  test("every file has the size INDEX.md gives (git kept its line endings)", () => {
    for (const [file, entry] of corpusIndex()) expect(readTelegram(file).length, file).toBe(entry.bytes);
  });

  test.each(telegramFiles())("%s: statuses match INDEX.md", (file) => {
    const { records } = decodeStream(readTelegram(file));
    expect(records.map((r) => r.status)).toEqual(expectedStatuses(columns.get(file)!));
  });

  test.each(telegramFiles("SE_"))("%s: every value with its number and unit", (file) => {
    const text = readTelegram(file).toString("latin1");
    const expected = [...text.matchAll(/^(\d+-\d+:\d+\.\d+\.\d+)\((-?[\d.]+)(?:\*([A-Za-z0-9]+))?\)\r?$/gm)].map((m) => ({
      obis: m[1],
      value: Number(m[2]),
      unit: m[3] ?? "",
    }));
    expect(expected.length).toBeGreaterThanOrEqual(26);
    const { records } = decodeStream(readTelegram(file));
    expect(records).toHaveLength(1);
    const [record] = records;
    expect(record.status).toBe("ok");
    expect(record.unknown).toEqual([]);
    expect(record.values.map(({ obis, value, unit }) => ({ obis, value, unit }))).toEqual(expected);
    expect(record.time?.valid).toBe(true);
  });

  test("the Ellevio telegram decodes to the documented shape", () => {
    const [r] = decodeStream(readTelegram("SE_sagemcom_ELL5_ellevio_4760.txt")).records;
    expect(r.header).toBe("ELL5\\253833635_A");
    expect(r.crc).toEqual({ sent: "4760", computed: "4760" });
    expect(r.time).toEqual({ raw: "241212201348W", utc: "2024-12-12T19:13:48Z", valid: true });
    expect(r.values[0]).toEqual({ obis: "1-0:1.8.0", value: 47522.278, unit: "kWh", raw: "00047522.278*kWh" });
  });

  test("Kamstrup Omnia summer flag S converts as UTC+2", () => {
    const [r] = decodeStream(readTelegram("SE_kamstrup_omnia_KAM5_1D66.txt")).records;
    expect(r.time!.raw.endsWith("S")).toBe(true);
    const raw = r.time!.raw;
    const local = Date.UTC(
      2000 + +raw.slice(0, 2),
      +raw.slice(2, 4) - 1,
      +raw.slice(4, 6),
      +raw.slice(6, 8),
      +raw.slice(8, 10),
      +raw.slice(10, 12),
    );
    expect(Date.parse(r.time!.utc!)).toBe(local - 2 * 3600_000);
  });

  test("the 2,405-byte Sanxing telegram with its raw 0xFF message fits the default buffer", () => {
    const [r] = decodeStream(readTelegram("HU_sanxing_SX631_AUX5_5C2E.txt")).records;
    expect(r.status).toBe("ok");
    const message = r.values.find((v) => v.obis === "0-0:96.13.0");
    expect(message?.value).toBe("\xff".repeat(1024));
  });

  test("DSMR 2.2 two-line gas reading is joined", () => {
    const [r] = decodeStream(readTelegram("NL_kamstrup_KMP5_DSMR22_nocrc.txt")).records;
    expect(r.values.find((v) => v.obis === "0-1:24.3.0")).toMatchObject({ value: 124.477, unit: "m3" });
  });

  test("Danish NES ISO-like clock is read with the default offset", () => {
    const [r] = decodeStream(readTelegram("DK_nes_NES5_F302_isotime.txt")).records;
    expect(r.time).toEqual({ raw: "20240111 09:35:00", utc: "2024-01-11T08:35:00Z", valid: true });
  });

  test("a Kamstrup line damaged by dropped bytes is kept as malformed, the rest still parses", () => {
    const [r] = decodeStream(readTelegram("DK_kamstrup_KAM5_8AEF_BADCRC_dropped_bytes.txt")).records;
    expect(r.status).toBe("crc-mismatch");
    expect(r.unknown.some((u) => u.startsWith("1-0:4:24.7.0"))).toBe(true);
    expect(r.counters!.malformedLines).toBe(1);
    expect(r.values.length).toBe(20);
  });
});

describe("corpus helper", () => {
  test("a missing or empty folder is an error naming the path, not an empty list", () => {
    const empty = mkdtempSync(join(tmpdir(), "p1vscp-corpus-"));
    try {
      expect(() => requireFiles(join(empty, "gone"), /\.txt$/)).toThrow(`folder ${join(empty, "gone")} does not exist`);
      expect(() => requireFiles(empty, /\.txt$/)).toThrow(`no file matching /\\.txt$/ in ${empty}`);
      writeFileSync(join(empty, "notes.md"), "x");
      expect(() => requireFiles(empty, /\.txt$/)).toThrow(empty);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  test("a pattern that matches nothing and a missing file name the corpus folder", () => {
    expect(() => corpusNames(/^XX_/)).toThrow(CORPUS_DIR);
    expect(() => corpusPath("XX_missing.txt")).toThrow(join(CORPUS_DIR, "XX_missing.txt"));
  });
});
