import { readdirSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { OBIS_ENTRIES } from "../modules/p1/obis-table";
import { ObisCatalog } from "../modules/p1/obis-catalog";
import { TelegramParser } from "../modules/p1/parser";
import { Reading } from "../modules/p1/reading";
import { UNITS } from "../modules/p1/units";
import { FIXTURES, readFixture, readTelegram, telegramFiles } from "./support/p1";

// The parser reads the common `OBIS(value*unit)` line in one pass and hands every other line to its general
// rules. The one-pass path must never change a result: on every value line of the corpus, on whole telegrams
// and on generated lines, a parser with it gives exactly what a parser without it gives.

const catalog = new ObisCatalog();

/** A parser that always takes the general path (its one-pass step declines every line). */
function generalOnly(): TelegramParser {
  const parser = new TelegramParser(catalog);
  (parser as unknown as { parseValueLines(f: Uint8Array, start: number): number }).parseValueLines = (_f, start) => start;
  return parser;
}

const withFastPath = new TelegramParser(catalog);
const withoutFastPath = generalOnly();
const fastPathOf = withFastPath as unknown as {
  parseValueLines(f: Uint8Array, start: number, length: number, linesEnd: number, r: Reading): number;
};

/** Everything a Reading holds, as plain data. */
function state(r: Reading): unknown {
  const n = r.orderLength;
  return {
    order: Array.from(r.order.subarray(0, n)),
    slots: Array.from(r.order.subarray(0, n), (s) => [
      r.present[s],
      r.mantissa[s],
      r.exponent[s],
      r.unit[s],
      r.valueStart[s],
      r.valueEnd[s],
      r.groupStart[s],
      r.groupEnd[s],
    ]),
    present: Array.from(r.present),
    unknown: Array.from(r.unknownStart.subarray(0, r.unknownLength), (s, i) => [s, r.unknownEnd[i]]),
    header: [r.headerStart, r.headerEnd],
    time: { ...r.time },
    counters: { ...r.counters },
  };
}

const a = new Reading(catalog);
const b = new Reading(catalog);

/** Parses the frame both ways and expects the same Reading. */
function sameBothWays(frame: Uint8Array, length = frame.length): void {
  withFastPath.parse(frame, length, a);
  withoutFastPath.parse(frame, length, b);
  expect(state(a)).toEqual(state(b));
}

function frameOf(body: string): Buffer {
  return Buffer.from(`/TST5\r\n\r\n${body}!`, "latin1");
}

/** Every line of a raw file that could be a value line (starts with a digit), with its line end. */
function valueLines(bytes: Buffer): string[] {
  return bytes
    .toString("latin1")
    .split(/(?<=\n)/)
    .filter((l) => /^[0-9]/.test(l));
}

const corpus = [
  ...telegramFiles().map((f) => readTelegram(f)),
  ...readdirSync(FIXTURES)
    .filter((f) => f.endsWith(".txt"))
    .map((f) => readFixture(f)),
];

describe("the parser's one-pass line path and its general path agree", () => {
  test("on every value line of the corpus, alone and with the line after it", () => {
    let lines = 0;
    let taken = 0;
    for (const bytes of corpus) {
      const all = valueLines(bytes);
      all.forEach((line, i) => {
        for (const body of [line, line + (all[i + 1] ?? "")]) {
          const frame = frameOf(body);
          sameBothWays(frame);
          a.clear();
          if (fastPathOf.parseValueLines(frame, 9, frame.length, frame.length - 1, a) > 9) taken++;
        }
        lines++;
      });
    }
    expect(corpus.length).toBeGreaterThanOrEqual(60);
    expect(lines).toBeGreaterThan(1500);
    // Not vacuous: most real value lines go the one-pass way (each line was tried twice).
    expect(taken).toBeGreaterThan(lines);
  });

  test("on every telegram of the corpus, whole", () => {
    for (const bytes of corpus) {
      const bang = bytes.lastIndexOf(0x21);
      const start = bytes.indexOf(0x2f);
      if (start < 0 || bang < start) continue;
      sameBothWays(bytes.subarray(start), bang - start + 1);
    }
  });

  test("on generated lines", () => {
    const digits = (min: number, max: number) => fc.stringMatching(new RegExp(`^[0-9]{${min},${max}}$`));
    const known = fc.constantFrom(...OBIS_ENTRIES.map((e) => e.obis));
    const field = fc.oneof(digits(1, 3), digits(0, 5), fc.constantFrom("255", "256", "007"));
    const made = fc.tuple(field, field, field, field, field).map(([p, q, r, s, t]) => `${p}-${q}:${r}.${s}.${t}`);
    const obis = fc.oneof(
      known,
      known,
      known,
      made,
      known.map((o) => `${o}*255`),
      known.map((o) => o.replace(":", ".")),
    );
    const number = fc.oneof(
      fc
        .tuple(fc.constantFrom("", "-", "+"), digits(0, 18), fc.constantFrom("", ".", ". "), digits(0, 32))
        .map(([sign, whole, point, fraction]) => sign + whole + (point ? point.trim() + fraction : "")),
      fc.constantFrom("", "0", "-0", "-0.000", "00000000.000", "999999999999999", "1000000000000000", "1.", ".5", "1e3", "0x10"),
    );
    const spelling = fc
      .constantFrom(...UNITS.map((u) => u.name))
      .chain((name) =>
        fc
          .array(fc.boolean(), { minLength: name.length, maxLength: name.length })
          .map((upper) => [...name].map((c, i) => (upper[i] ? c.toUpperCase() : c.toLowerCase())).join("")),
      );
    const odd = fc.constantFrom("", "*", "kWhh", "kvarhh", "m", "mWh", "S", "Wh ");
    const unit = fc.oneof(spelling, spelling, odd, fc.string({ maxLength: 7 }));
    const group = fc.tuple(number, fc.boolean(), unit).map(([n, star, u]) => `(${n}${star || u ? `*${u}` : ""})`);
    const tail = fc.oneof(fc.constant(""), fc.constant(""), group, fc.constantFrom("()", "(x)", "(", ")", " ", "\r"));
    const end = fc.constantFrom("\r\n", "\r\n", "\n", "\r\r\n", "", "\r\n(1.0)\r\n", "\r\n(m3)\r\n");
    const line = fc.tuple(obis, group, tail, end).map(([o, g, t, e]) => o + g + t + e);
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 4 }), (lines) => {
        sameBothWays(frameOf(lines.join("")));
      }),
      { numRuns: 3000 },
    );
  });
});
