import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { crc16 } from "../modules/p1/crc16";
import { Framer } from "../modules/p1/framer";
import { decodeStream, readFixture, readTelegram } from "./support/p1";

const statuses = (bytes: Uint8Array, chunks?: number[], capacity?: number) =>
  decodeStream(bytes, chunks, { capacity }).records.map((r) => r.status);

const latin1 = (text: string) => Buffer.from(text, "latin1");
/** A telegram with these data lines and its correct CRC. */
function telegram(lines: string[], header = "/ELL5\\253833635_A"): Buffer {
  const body = `${header}\r\n\r\n${lines.map((l) => `${l}\r\n`).join("")}!`;
  return latin1(`${body}${crc16(latin1(body)).toString(16).toUpperCase().padStart(4, "0")}\r\n`);
}
const good = readTelegram("SE_sagemcom_ELL5_ellevio_4760.txt");
/** The first `n` bytes of a good telegram: a telegram cut off before its "!". */
const cut = (n: number) => good.subarray(0, n);
const power = (r: { values: { obis: string; value: number | string }[] }) => r.values.find((v) => v.obis === "1-0:1.7.0")?.value;

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

  describe("a good telegram after a cut-off telegram, noise or both is found", () => {
    // Offset 0x2b6 is inside the value of 1-0:1.7.0 ("(0001.2"), 0x2b5 right after a line's CR.
    const midLine = good.indexOf("1-0:1.7.0(0001.2") + 16;
    const afterCr = good.indexOf("\r\n1-0:2.7.0") + 1;
    const cases: [string, Buffer, string[]][] = [
      ["cut mid-line, then the next telegram at once", Buffer.concat([cut(midLine), good]), ["truncated", "ok"]],
      ["cut after a CR", Buffer.concat([cut(afterCr), good]), ["truncated", "ok"]],
      [
        "cut mid-line, then NUL and 0xFF noise",
        Buffer.concat([cut(midLine), Buffer.from([0, 0xff, 0x13, 0x80]), good]),
        ["truncated", "ok"],
      ],
      ["cut mid-line, then printable noise", Buffer.concat([cut(midLine), latin1("x7q#Z"), good]), ["truncated", "ok"]],
      ["cut mid-line, then noise with a CR", Buffer.concat([cut(midLine), latin1("\u00ff\r"), good]), ["truncated", "ok"]],
      ["cut at a line start, then noise", Buffer.concat([cut(afterCr + 1), latin1("\u0000#"), good]), ["truncated", "ok"]],
      ["a whole telegram, then printable noise", Buffer.concat([good, latin1("x7q#Z"), good]), ["ok", "ok"]],
      [
        "two cut-off telegrams with noise",
        Buffer.concat([cut(midLine), latin1("zz"), cut(300), latin1("\u00ff"), good]),
        ["truncated", "truncated", "ok"],
      ],
    ];
    test.each(cases)("%s", (_name, bytes, expected) => {
      const { records, framer } = decodeStream(bytes);
      expect(records.map((r) => r.status)).toEqual(expected);
      expect(power(records[records.length - 1])).toBe(1.231);
      expect(framer.counters.truncated).toBe(expected.filter((s) => s === "truncated").length);
      expect(framer.counters.crcMismatch).toBe(0);
      for (const chunks of [[1], [3], [5, 1, 64], [128]]) expect(decodeStream(bytes, chunks).records).toEqual(records);
    });

    test("also when the cut-off telegram and the noise fill more than the buffer holds", () => {
      // 650 + 200 + 712 bytes: the buffer fills inside the good telegram, whose header is already in it.
      expect(statuses(Buffer.concat([cut(650), latin1("~".repeat(200)), good]), [7], 1024)).toEqual(["truncated", "ok"]);
      // The buffer fills inside the noise: that much is an overflow, the telegram after it is still found.
      expect(statuses(Buffer.concat([cut(650), latin1("~".repeat(1400)), good]), [7], 1024)).toEqual(["overflow", "ok"]);
    });

    test("also after a long line of slashes, in a buffer it fills", () => {
      const slashes = latin1(`${"/abcd".repeat(700)})\r\n`);
      expect(statuses(Buffer.concat([cut(300), slashes, good]), [64])).toEqual(["truncated", "ok"]);
    });

    test("also when the cut-off telegram and the noise leave the CRC at 0 (invisible to the CRC of what follows)", () => {
      // The P1 CRC starts from 0: bytes that bring it back to 0 would pass as part of the telegram after them.
      const prefix = Buffer.concat([cut(midLine), Buffer.from([0x89])]);
      const register = crc16(prefix);
      let noise: Buffer | undefined;
      for (let pair = 0; pair < 0x10000 && !noise; pair++) {
        const candidate = Buffer.from([pair >> 8, pair & 0xff]);
        if (crc16(candidate, 0, 2, register) === 0) noise = candidate;
      }
      const stream = Buffer.concat([prefix, noise!, good]);
      expect(crc16(stream, 0, prefix.length + 2)).toBe(0);
      for (const chunks of [[stream.length], [1], [7]]) {
        const { records } = decodeStream(stream, chunks);
        expect(records.map((r) => r.status)).toEqual(["truncated", "ok"]);
        expect(records[1]).toEqual(decodeStream(good).records[0]);
      }
    });

    test("noise that is not a telegram is counted as garbage, not as a frame", () => {
      const noise = latin1("x7q#Z");
      const { framer } = decodeStream(Buffer.concat([good, noise, good]));
      expect(framer.counters.garbageBytes).toBe(noise.length);
    });
  });

  test("a telegram at a line start after a cut-off one is found even when its header holds parentheses", () => {
    const odd = telegram(["1-0:1.7.0(0001.231*kW)"], "/ABC5(x)");
    const { records } = decodeStream(Buffer.concat([cut(300), latin1("\r\n"), odd]));
    expect(records.map((r) => [r.status, r.header])).toEqual([
      ["truncated", "ELL5\\253833635_A"],
      ["ok", "ABC5(x)"],
    ]);
  });

  describe("a '/' in a text value never starts a telegram", () => {
    const message = telegram(["0-0:1.0.0(241212201348W)", "0-0:96.13.0(see http://example.com/page/ABCD)", "1-0:1.7.0(0001.231*kW)"]);

    test("in a whole telegram", () => {
      expect(statuses(message)).toEqual(["ok"]);
    });

    test("when the stream starts inside the telegram: the partial line is garbage", () => {
      const start = message.indexOf("0-0:96.13.0");
      const { records, framer } = decodeStream(Buffer.concat([message.subarray(start), good]));
      expect(records.map((r) => r.status)).toEqual(["ok"]);
      expect(framer.counters.garbageBytes).toBe(message.length - start);
    });

    test("when the telegram is cut inside the text value and noise follows", () => {
      const at = message.indexOf("/ABCD)") + 3;
      expect(statuses(Buffer.concat([message.subarray(0, at), latin1("\u00ff#"), good]))).toEqual(["truncated", "ok"]);
    });
  });

  test("after binary HDLC, only a '/' after a line feed starts a telegram, as before", () => {
    // A flag and a frame type 0xA_ mark the stream binary; the first telegram follows a binary byte, the second a line feed.
    expect(statuses(Buffer.concat([Buffer.from([0x7e, 0xa0, 0x19, 0xa5]), good, good]))).toEqual(["hdlc", "ok"]);
    // Also inside a frame: a telegram after a binary byte stays glued to the cut-off one before it.
    const flag = Buffer.from([0x7e, 0xa0, 0x0a]);
    expect(statuses(Buffer.concat([flag, cut(300), Buffer.from([0xa5]), good, good]))).toEqual(["hdlc", "crc-mismatch", "ok"]);
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
