import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { decodeStream, readTelegram, telegramFiles } from "./support/p1";

// Real meters end every telegram with CR LF; a few corpus files lost it when they were copied.
const withLineEnd = (b: Buffer) => (b[b.length - 1] === 0x0a ? b : Buffer.concat([b, Buffer.from("\r\n")]));
const swedish = telegramFiles("SE_").map((f) => withLineEnd(readTelegram(f)));
const realTelegrams = telegramFiles()
  .filter((f) => /_[0-9A-F]{3,4}(_[A-Za-z]+)?\.txt$/.test(f) && !f.includes("BADCRC"))
  .map((f) => ({ f, bytes: readTelegram(f) }))
  .filter(
    ({ bytes }) =>
      bytes[0] === 0x2f &&
      decodeStream(bytes)
        .records.map((r) => r.status)
        .join() === "ok",
  );

describe("framer and parser properties", () => {
  test("random bytes never throw", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 3000 }),
        fc.array(fc.integer({ min: 1, max: 200 }), { minLength: 1, maxLength: 8 }),
        (bytes, chunks) => {
          decodeStream(bytes, chunks);
        },
      ),
      { numRuns: 300 },
    );
  });

  test("random bytes mixed with telegram fragments never throw", () => {
    const pieces = fc.oneof(
      fc.uint8Array({ maxLength: 100 }),
      fc
        .constantFrom(...swedish)
        .chain((t) => fc.tuple(fc.nat(t.length), fc.nat(t.length)).map(([a, b]) => t.subarray(Math.min(a, b), Math.max(a, b)))),
    );
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 20 }), (parts) => {
        decodeStream(Buffer.concat(parts), [13]);
      }),
      { numRuns: 200 },
    );
  });

  test("any single changed byte between '/' and the CRC's end is rejected (a CRC digit's case aside)", () => {
    expect(realTelegrams.length).toBeGreaterThanOrEqual(30);
    fc.assert(
      fc.property(
        fc.constantFrom(...realTelegrams),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 255 }),
        ({ bytes }, where, xor) => {
          const bang = bytes.lastIndexOf(0x21);
          let crcEnd = bang + 1;
          while (crcEnd < bytes.length && /[0-9A-Fa-f]/.test(String.fromCharCode(bytes[crcEnd]))) crcEnd++;
          const at = Math.min(crcEnd - 1, Math.floor(where * crcEnd));
          const damaged = Buffer.from(bytes);
          damaged[at] ^= xor;
          // CRC digits are read in either case: "7EF9" and "7eF9" send the same checksum, nothing is damaged.
          const sameDigit = (a: number, b: number) => String.fromCharCode(a).toLowerCase() === String.fromCharCode(b).toLowerCase();
          fc.pre(!(at > bang && sameDigit(bytes[at], damaged[at])));
          const statuses = decodeStream(damaged).records.map((r) => r.status);
          expect(statuses).not.toContain("ok");
        },
      ),
      { numRuns: 2000 },
    );
  });

  test("every chunking of a stream gives the same frames", () => {
    const stream = Buffer.concat([Buffer.from([0xff, 0, 0x41]), ...swedish.slice(0, 4), Buffer.from("tail!"), swedish[5]]);
    const expected = decodeStream(stream).records;
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 128 }), { minLength: 1, maxLength: 32 }), (chunks) => {
        expect(decodeStream(stream, chunks).records).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });

  test("telegrams with garbage between them come out once each, in order", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 0, max: swedish.length - 1 })), {
          minLength: 1,
          maxLength: 6,
        }),
        fc.array(fc.integer({ min: 1, max: 128 }), { minLength: 1, maxLength: 8 }),
        (parts, chunks) => {
          // Noise ends at a line break, as it does when a reader joins mid-stream or a meter resets.
          const stream = Buffer.concat(parts.flatMap(([noise, i]) => [noise, Buffer.from("\r\n"), swedish[i]]));
          const ok = decodeStream(stream, chunks).records.filter((r) => r.status === "ok");
          const expected = parts.map(([, i]) => decodeStream(swedish[i]).records[0]);
          expect(ok).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  test("good telegrams after cut-off telegrams and noise of any kind all come out, whatever the chunking", () => {
    const expected = swedish.map((t) => decodeStream(t).records[0]);
    // Any bytes but the HDLC flag (0x7E then 0xA_ marks the stream binary, where only a "/" after a line feed counts).
    const noise = fc.uint8Array({ maxLength: 200 }).map((b) => b.map((x) => (x === 0x7e ? 0x7d : x)));
    const cutOff = fc.constantFrom(...swedish).chain((t) => fc.integer({ min: 1, max: t.indexOf(0x21) - 1 }).map((n) => t.subarray(0, n)));
    const part = fc.tuple(fc.option(cutOff), noise, fc.integer({ min: 0, max: swedish.length - 1 }));
    fc.assert(
      fc.property(
        fc.array(part, { minLength: 1, maxLength: 5 }),
        fc.array(fc.integer({ min: 1, max: 128 }), { minLength: 1, maxLength: 8 }),
        (parts, chunks) => {
          const stream = Buffer.concat(parts.flatMap(([cut, bytes, i]) => [cut ?? Buffer.alloc(0), bytes, swedish[i]]));
          const { records } = decodeStream(stream, chunks);
          expect(records.filter((r) => r.status === "ok")).toEqual(parts.map(([, , i]) => expected[i]));
          expect(decodeStream(stream).records).toEqual(records);
        },
      ),
      { numRuns: 300 },
    );
  });
});
