import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { Framer } from "../modules/p1/framer";
import { decodeStream, readFixture, readTelegram } from "./support/p1";

const statuses = (bytes: Uint8Array, chunks?: number[], capacity?: number) =>
  decodeStream(bytes, chunks, { capacity }).records.map((r) => r.status);

describe("framer", () => {
  test("noise, the tail of an earlier telegram and NUL/0xFF padding are skipped, every telegram found once", () => {
    const { records, framer } = decodeStream(readFixture("noisy-stream.bin"));
    expect(records.map((r) => r.status)).toEqual(["ok", "ok", "ok"]);
    expect(records.map((r) => r.values.find((v) => v.obis === "1-0:1.7.0")?.value)).toEqual([1.231, 2, 3]);
    expect(framer.counters.ok).toBe(3);
    expect(framer.counters.crcMismatch).toBe(0);
    expect(framer.counters.garbageBytes).toBeGreaterThan(21 + 8);
  });

  test("a new line-start '/' before '!' aborts the frame as truncated and starts again", () => {
    const { records, framer } = decodeStream(readFixture("restart-mid-telegram.txt"));
    expect(records.map((r) => r.status)).toEqual(["truncated", "ok"]);
    expect(records[1].time?.raw).toBe("251127101610W");
    expect(framer.counters.truncated).toBe(1);
  });

  test("a frame larger than the buffer is reported as overflow, then the next telegram is found", () => {
    const { records, framer } = decodeStream(readFixture("oversized-then-normal.txt"));
    expect(records.map((r) => r.status)).toEqual(["overflow", "ok"]);
    expect(framer.counters.overflow).toBe(1);
  });

  test("the buffer capacity is configurable and bounded", () => {
    const sanxing = readTelegram("HU_sanxing_SX631_AUX5_5C2E.txt");
    expect(statuses(sanxing, undefined, 2048)).toEqual(["overflow"]);
    expect(statuses(sanxing, undefined, 2500)).toEqual(["ok"]);
    expect(() => new Framer({ onFrame() {} }, { capacity: 10 })).toThrow(RangeError);
    expect(() => new Framer({ onFrame() {} }, { capacity: 1e6 })).toThrow(/out of range/);
  });

  test("binary HDLC frames are reported and counted, a later ASCII telegram still parses", () => {
    const { records, framer } = decodeStream(readFixture("hdlc-then-ascii.bin"));
    expect(records.map((r) => r.status)).toEqual(["hdlc", "hdlc", "ok"]);
    expect(framer.counters.hdlc).toBe(2);
  });

  test("good, wrong and missing CRCs", () => {
    const { records, framer } = decodeStream(readFixture("crc-variants.txt"));
    expect(records.map((r) => r.status)).toEqual(["ok", "crc-mismatch", "no-crc"]);
    expect(records[1].crc.sent).not.toBe(records[1].crc.computed);
    expect(records[2].crc.sent).toBeNull();
    expect([framer.counters.ok, framer.counters.crcMismatch, framer.counters.noCrc]).toEqual([1, 1, 1]);
  });

  test("LF-only line endings and lower-case CRC digits", () => {
    expect(statuses(readFixture("lf-only-lowercase-crc.txt"))).toEqual(["ok"]);
  });

  test("a 3-digit CRC is read as its value", () => {
    const { records } = decodeStream(readTelegram("NL_warmtelink_heat_GJ_B9F.txt"));
    expect(records[0]).toMatchObject({ status: "ok", crc: { sent: "0B9F", computed: "0B9F" } });
  });

  test("a telegram glued to the previous CRC without a line break is still found", () => {
    const a = readTelegram("SE_landisgyr_E360_LGF5_A077.txt"); // ends "!A077" without CR LF
    const b = readTelegram("SE_landisgyr_E360_LGF5_8012.txt");
    expect(statuses(Buffer.concat([a, b]))).toEqual(["ok", "ok"]);
  });

  test("a '/' inside a line does not start a telegram", () => {
    expect(statuses(readTelegram("NL_iskra_MT382_nocrc_no_bang_text_with_slash.txt"))).toEqual(["truncated"]);
  });

  test("five or more CRC digits are a mismatch, not a match on the first four", () => {
    const t = readTelegram("SE_sagemcom_ELL5_ellevio_4760.txt").toString("latin1").replace("!4760", "!47600");
    expect(statuses(Buffer.from(t, "latin1"))).toEqual(["crc-mismatch"]);
  });

  test("counts every byte it was given", () => {
    const bytes = readFixture("noisy-stream.bin");
    expect(decodeStream(bytes, [7]).framer.counters.bytes).toBe(bytes.length);
  });

  test("the same frames for every chunking of a stream", () => {
    const bytes = Buffer.concat([
      readFixture("noisy-stream.bin"),
      readFixture("restart-mid-telegram.txt"),
      readFixture("hdlc-then-ascii.bin"),
    ]);
    const whole = decodeStream(bytes).records;
    for (const chunks of [[1], [2], [3, 1, 4, 1, 5, 9, 2, 6], [64], [128], [1000]]) {
      expect(decodeStream(bytes, chunks).records).toEqual(whole);
    }
  });

  test("a '/' or '!' after a line feed is found at every place in the four-byte blocks, within lines it is data", () => {
    // Lines of random lengths put each line feed, and the byte after it, at every offset of the copy loop's blocks;
    // the same stream fed one byte at a time never takes that loop's block path.
    const line = fc
      .tuple(fc.integer({ min: 0, max: 9 }), fc.constantFrom("a", "/", "!", "(", "\r"), fc.boolean())
      .map(([n, mark, lfOnly]) => `1-0:1.8.0(${"7".repeat(n)}${mark})${lfOnly ? "\n" : "\r\n"}`);
    const start = fc.constantFrom("/", "!", "");
    const telegram = fc
      .tuple(fc.array(fc.tuple(start, line), { maxLength: 8 }), fc.constantFrom("!A1B2\r\n", "!\r\n", ""))
      .map(([lines, end]) => `/ABC5 x\r\n\r\n${lines.map(([s, l]) => s + l).join("")}${end}`);
    fc.assert(
      fc.property(fc.array(telegram, { minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 64 }), (telegrams, chunk) => {
        const bytes = Buffer.from(telegrams.join(""), "latin1");
        const one = decodeStream(bytes, [1]);
        const chunked = decodeStream(bytes, [chunk]);
        const whole = decodeStream(bytes);
        expect(chunked.records).toEqual(one.records);
        expect(whole.records).toEqual(one.records);
        expect({ ...whole.framer.counters }).toEqual({ ...one.framer.counters });
      }),
      { numRuns: 800 },
    );
  });
});
