import { describe, expect, test } from "vitest";
import { ObisCatalog } from "../modules/p1/obis-catalog";
import { TelegramParser } from "../modules/p1/parser";
import { Reading } from "../modules/p1/reading";
import { OBIS_ENTRIES } from "../modules/p1/obis-table";
import { obisKeyOf } from "../modules/p1/obis-key";
import { NO_UNIT, Quantity, UNITS, unitAmong, unitKey } from "../modules/p1/units";
import { decodeStream, readFixture } from "./support/p1";

const one = (name: string) => {
  const { records } = decodeStream(readFixture(name));
  expect(records).toHaveLength(1);
  return records[0];
};

describe("OBIS catalog", () => {
  test("has the 27 Swedish values in VSCP sensor order after the clock", () => {
    const swedish = [
      "1.8.0",
      "2.8.0",
      "3.8.0",
      "4.8.0",
      "1.7.0",
      "2.7.0",
      "3.7.0",
      "4.7.0",
      "21.7.0",
      "41.7.0",
      "61.7.0",
      "22.7.0",
      "42.7.0",
      "62.7.0",
      "23.7.0",
      "43.7.0",
      "63.7.0",
      "24.7.0",
      "44.7.0",
      "64.7.0",
      "32.7.0",
      "52.7.0",
      "72.7.0",
      "31.7.0",
      "51.7.0",
      "71.7.0",
    ].map((c) => `1-0:${c}`);
    expect(OBIS_ENTRIES[0].obis).toBe("0-0:1.0.0");
    expect(OBIS_ENTRIES.slice(1, 27).map((e) => e.obis)).toEqual(swedish);
  });

  test("codes are unique and looked up by packed key", () => {
    const catalog = new ObisCatalog();
    OBIS_ENTRIES.forEach((e, slot) => {
      expect(catalog.indexOf(obisKeyOf(e.obis))).toBe(slot);
    });
    expect(catalog.indexOfCode("1-0:42.1.0")).toBe(-1);
    // Below the smallest key and above the largest (the lookup halves a sorted list).
    expect(catalog.indexOfCode("0-0:0.0.0")).toBe(-1);
    expect(catalog.indexOfCode("255-255:255.255.255")).toBe(-1);
    expect(() => new ObisCatalog([OBIS_ENTRIES[1], OBIS_ENTRIES[1]])).toThrow(/duplicate/);
  });

  test("covers the other countries' registers", () => {
    const catalog = new ObisCatalog();
    for (const code of [
      "1-0:1.8.1",
      "1-0:2.8.4",
      "1-0:14.7.0",
      "1-0:13.7.0",
      "1-0:9.7.0",
      "0-1:24.2.1",
      "0-4:24.2.3",
      "1-0:31.4.0",
      "0-0:17.0.0",
    ]) {
      expect(catalog.indexOfCode(code), code).toBeGreaterThan(0);
    }
  });

  test("every entry has a label and quantities with units list them", () => {
    for (const e of OBIS_ENTRIES) {
      expect(e.label.length, e.obis).toBeGreaterThan(2);
      if (e.quantity === Quantity.ActiveEnergy || e.quantity === Quantity.ActivePower) expect(e.units.length).toBeGreaterThan(0);
    }
  });

  test("rejects malformed codes at start-up", () => {
    expect(() => obisKeyOf("1-0:1.8")).toThrow(/invalid OBIS/);
    expect(() => obisKeyOf("1-0:256.8.0")).toThrow(/invalid OBIS/);
  });
});

describe("parser", () => {
  test("odd lines: each handled on its own, none invalidates the telegram", () => {
    const r = one("odd-lines.txt");
    expect(r.status).toBe("ok");
    const value = (obis: string) => r.values.find((v) => v.obis === obis);
    expect(value("1-0:1.8.0")).toEqual({ obis: "1-0:1.8.0", value: 1234.567, unit: "KWH", raw: "00001234.567*KWH" });
    expect(value("1-0:2.8.0")).toMatchObject({ value: 441870, unit: "Wh" });
    expect(value("1-0:3.8.0")).toMatchObject({ value: 1, unit: "VArh" });
    expect(value("1-0:1.7.0")).toMatchObject({ value: -0.1, unit: "kW" });
    expect(Object.is(value("1-0:2.7.0")!.value, 0)).toBe(true); // never -0
    expect(value("1-0:21.7.0")).toBeUndefined(); // empty ()
    expect(value("1-0:32.7.0")).toBeUndefined(); // A for a voltage: rejected
    expect(value("1-0:52.7.0")).toBeUndefined(); // no unit: rejected
    expect(value("1-0:72.7.0")).toBeUndefined(); // not a number
    expect(value("1-0:31.7.0")).toMatchObject({ value: 2 }); // duplicate: last wins
    expect(value("1-0:13.7.0")).toMatchObject({ value: -0.91, unit: "" });
    expect(value("1-0:0.4.2")).toMatchObject({ value: 995, unit: "" });
    expect(value("1-0:99.97.0")).toMatchObject({ value: 2 });
    expect(value("0-1:24.2.1")).toMatchObject({ value: 981.443, unit: "m3" });
    expect(value("0-2:24.2.1")).toMatchObject({ value: 0, unit: "" });
    expect(value("0-0:96.13.0")).toMatchObject({ value: "48656C6C6F" });
    expect(value("1-0:1.8.1")).toBeUndefined(); // 18 digits: more than a double holds exactly
    expect(r.unknown).toEqual(["1-0:42.1.0(00012*kW)", "1-0:4:24.7.0(0000.000*kvar)", "garbage line without parentheses"]);
    expect(r.counters).toEqual({
      unknownLines: 1,
      unknownDropped: 0,
      malformedLines: 2,
      unitRejected: 2,
      valueRejected: 2,
      duplicateLines: 1,
    });
  });

  test("values keep the meter's exact digits as mantissa and exponent", () => {
    const catalog = new ObisCatalog();
    const reading = new Reading(catalog);
    const frame = readFixture("odd-lines.txt");
    new TelegramParser(catalog).parse(frame, frame.indexOf("!") + 1, reading);
    const slot = catalog.indexOfCode("1-0:1.8.0");
    expect([reading.mantissa[slot], reading.exponent[slot]]).toEqual([1234567, -3]);
    const wh = catalog.indexOfCode("1-0:2.8.0");
    expect([reading.mantissa[wh], reading.exponent[wh]]).toEqual([441870, 0]);
  });

  test("DSMR 2.2 gas value on the following line", () => {
    const r = one("gas-two-lines.txt");
    expect(r.values.find((v) => v.obis === "0-1:24.3.0")).toMatchObject({ value: 1.001, unit: "m3" });
    expect(r.values.find((v) => v.obis === "1-0:1.8.2")).toMatchObject({ value: 123.456 });
  });

  test("a 2,061-character text message line", () => {
    const r = one("long-text-message.txt");
    expect(r.status).toBe("ok");
    expect(r.values.find((v) => v.obis === "0-0:96.13.0")!.value).toHaveLength(2048);
    expect(r.values.find((v) => v.obis === "1-0:1.7.0")).toMatchObject({ value: 0.5 });
  });

  test.each([
    ["clock-summer.txt", "2025-05-25T16:42:15Z", true],
    ["clock-lowercase.txt", "2025-05-25T16:42:15Z", true],
    ["clock-no-flag.txt", "2024-12-31T23:00:00Z", true],
    ["clock-placeholder.txt", "1999-12-31T23:00:01Z", false],
    ["clock-out-of-range.txt", null, false],
  ])("meter clock %s → %s", (file, utc, valid) => {
    expect(one(file).time).toMatchObject({ utc, valid });
  });

  test("the default offset for a clock without flag is configurable", () => {
    const { records } = decodeStream(readFixture("clock-no-flag.txt"), undefined, { parser: { defaultUtcOffsetMinutes: 0 } });
    expect(records[0].time?.utc).toBe("2025-01-01T00:00:00Z");
    expect(() => new TelegramParser(new ObisCatalog(), { defaultUtcOffsetMinutes: 2000 })).toThrow(RangeError);
  });

  test("the unknown-line list is bounded and counts what it drops", () => {
    const catalog = new ObisCatalog();
    const reading = new Reading(catalog, 2);
    const text = "/TST5\r\n\r\n" + Array.from({ length: 5 }, (_, i) => `1-0:42.${i}.0(1)\r\n`).join("") + "!";
    const frame = Buffer.from(text, "latin1");
    new TelegramParser(catalog).parse(frame, frame.length, reading);
    expect(reading.unknownLength).toBe(2);
    expect(reading.counters.unknownLines).toBe(5);
    expect(reading.counters.unknownDropped).toBe(3);
  });

  test("a reused Reading carries nothing over from the previous telegram", () => {
    const catalog = new ObisCatalog();
    const reading = new Reading(catalog);
    const parser = new TelegramParser(catalog);
    const full = readFixture("odd-lines.txt");
    parser.parse(full, full.indexOf("!") + 1, reading);
    const small = Buffer.from("/TST5\r\n\r\n1-0:1.7.0(0000.500*kW)\r\n!", "latin1");
    parser.parse(small, small.length, reading);
    expect(reading.orderLength).toBe(1);
    expect(reading.present.reduce((a, b) => a + b, 0)).toBe(1);
    expect(reading.unknownLength).toBe(0);
    expect(reading.counters.unitRejected).toBe(0);
    expect(reading.time.status).toBe(0);
  });
});

describe("units", () => {
  const parseText = (lines: string[]) => {
    const catalog = new ObisCatalog();
    const reading = new Reading(catalog);
    const frame = Buffer.from(`/TST5\r\n\r\n${lines.map((l) => `${l}\r\n`).join("")}!`, "latin1");
    new TelegramParser(catalog).parse(frame, frame.length, reading);
    const at = (code: string) => {
      const slot = catalog.indexOfCode(code);
      return reading.present[slot] ? { value: reading.valueAsSent(slot), unit: UNITS[reading.unit[slot]].name } : undefined;
    };
    return { reading, at };
  };

  test("a unit whose letters also spell another unit is rejected and counted, not guessed (mWh is not MWh)", () => {
    const { reading, at } = parseText([
      "1-0:1.8.0(00000.001*mWh)", // one-pass line
      "0-1:24.2.1(240101000000W)(00000.002*mwh)", // general path (timestamped)
      "1-0:2.8.0(00000.003*MWh)",
      "1-0:3.8.0(00000.004*KVARH)",
      "1-0:1.8.1(00000.005*KWH)",
    ]);
    expect(at("1-0:1.8.0")).toBeUndefined();
    expect(at("0-1:24.2.1")).toBeUndefined();
    expect(at("1-0:2.8.0")).toEqual({ value: 0.003, unit: "MWh" });
    expect(at("1-0:3.8.0")).toEqual({ value: 0.004, unit: "kvarh" });
    expect(at("1-0:1.8.1")).toEqual({ value: 0.005, unit: "kWh" });
    expect(reading.counters.unitRejected).toBe(2);
  });

  test("every spelling of every unit in the table: any case unless another unit has the same letters", () => {
    // Independent of units.ts: SI prefixes (m milli / M mega …) before the units a meter could name.
    const prefixes = [
      "",
      "q",
      "r",
      "y",
      "z",
      "a",
      "f",
      "p",
      "n",
      "u",
      "m",
      "c",
      "d",
      "da",
      "h",
      "k",
      "M",
      "G",
      "T",
      "P",
      "E",
      "Z",
      "Y",
      "R",
      "Q",
    ];
    const bases = [
      "W",
      "Wh",
      "var",
      "varh",
      "VA",
      "VAh",
      "V",
      "A",
      "Ah",
      "Hz",
      "s",
      "S",
      "J",
      "m3",
      "g",
      "l",
      "Ohm",
      "F",
      "H",
      "T",
      "C",
      "K",
      "Pa",
      "bar",
      "N",
    ];
    const others = prefixes.flatMap((p) => bases.map((b) => p + b));
    const spellings = (name: string): string[] => {
      let out = [""];
      for (const ch of name) out = out.flatMap((s) => [...new Set([s + ch.toLowerCase(), s + ch.toUpperCase()])]);
      return out;
    };
    const all = UNITS.map((_, id) => id);
    let twins = 0;
    UNITS.forEach((spec, id) => {
      const twin = others.some((o) => o !== spec.name && o.toLowerCase() === spec.name.toLowerCase());
      if (twin) twins++;
      for (const spelling of spellings(spec.name)) {
        const bytes = Buffer.from(spelling, "latin1");
        const matched = unitAmong(all, unitKey(bytes, 0, bytes.length), bytes, 0, bytes.length);
        const accepted = spelling === spec.name || !twin;
        expect(matched, `${spelling} (${spec.name})`).toBe(accepted ? id : NO_UNIT);
      }
    });
    expect(twins).toBeGreaterThanOrEqual(2); // at least MWh/mWh and s/S
    expect(
      UNITS.filter((u) => !u.anyCase)
        .map((u) => u.name)
        .sort(),
    ).toEqual(["MWh", "s"]);
  });
});

describe("lines with more groups than the parser keeps", () => {
  test("a timestamped line with 18 groups takes its value from the last group", () => {
    const catalog = new ObisCatalog();
    const reading = new Reading(catalog);
    const groups = Array.from({ length: 16 }, (_, i) => `(${String(i).padStart(2, "0")}.001*kW)`).join("");
    const frame = Buffer.from(`/TST5\r\n\r\n1-0:1.6.0(240101000000W)${groups}(05.123*kW)\r\n!`, "latin1");
    new TelegramParser(catalog).parse(frame, frame.length, reading);
    const slot = catalog.indexOfCode("1-0:1.6.0");
    expect(reading.present[slot]).toBe(1);
    expect(reading.valueAsSent(slot)).toBe(5.123);
  });

  test("a Reading keeps no valueOf of its own (coercion is not a silent NaN from a slot lookup)", () => {
    const reading = new Reading(new ObisCatalog());
    expect(Object.hasOwn(Reading.prototype, "valueOf")).toBe(false);
    expect(reading.valueOf()).toBe(reading);
  });
});
