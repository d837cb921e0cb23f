// The per-value mapping as a setting: its text form, and every refusal naming its row.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CHANNELS } from "../modules/app/channels";
import { ObisCatalog } from "../modules/p1/obis-catalog";
import { ChannelKind, type ChannelDefinition } from "../modules/vscp/channels";
import { VscpConfigError } from "../modules/vscp/config-error";
import type { EntryOverride } from "../modules/vscp/mapping";
import { checkMapping, formatMapping, mappingWithoutMac, parseMapping } from "../modules/vscp/mapping-setting";

const catalog = new ObisCatalog();
const TEST_CHANNELS: readonly ChannelDefinition[] = [
  {
    key: "testNet",
    label: "Test net power",
    kind: ChannelKind.Measurement,
    vscpType: 14,
    unit: 0,
    sensorIndex: 200,
    enabledByDefault: true,
  },
  {
    key: "testQuiet",
    label: "Test quiet",
    kind: ChannelKind.Measurement,
    vscpType: 14,
    unit: 0,
    sensorIndex: 201,
    enabledByDefault: false,
  },
];

/** The message a check refuses with, or "" when it passes; anything else than a VscpConfigError on `mapping` fails the test. */
function refusal(text: string, channels: readonly ChannelDefinition[] = TEST_CHANNELS): string {
  try {
    checkMapping(text, catalog, channels);
  } catch (error) {
    expect(error).toBeInstanceOf(VscpConfigError);
    expect((error as VscpConfigError).field).toBe("mapping");
    return (error as Error).message;
  }
  return "";
}

const byte = fc.integer({ min: 0, max: 255 });
const entry: fc.Arbitrary<EntryOverride> = fc
  .record(
    {
      obis: fc.oneof(fc.constantFrom("1-0:1.8.0", "1-0:21.7.0", "0-0:96.1.1"), fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,14}$/)),
      enabled: fc.boolean(),
      sensorIndex: byte,
      zone: byte,
      subzone: byte,
    },
    { requiredKeys: ["obis"] },
  )
  .filter((e) => e.enabled !== undefined || e.sensorIndex !== undefined || e.zone !== undefined || e.subzone !== undefined);

describe("mapping text", () => {
  it("reads the documented example", () => {
    expect(parseMapping("1-0:21.7.0=,90;netL1=0;1-0:1.8.0=1,0,2,1")).toEqual([
      { obis: "1-0:21.7.0", sensorIndex: 90 },
      { obis: "netL1", enabled: false },
      { obis: "1-0:1.8.0", enabled: true, sensorIndex: 0, zone: 2, subzone: 1 },
    ]);
    expect(parseMapping("")).toEqual([]);
    expect(refusal("1-0:21.7.0=,90;netL1=0;1-0:1.8.0=1,0,2,1", CHANNELS)).toBe("");
  });

  it("formats rows so that reading them back gives the same rows, and the same text again", () => {
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 20 }), (entries) => {
        const text = formatMapping(entries);
        expect(parseMapping(text)).toEqual(entries);
        expect(formatMapping(parseMapping(text))).toBe(text);
      }),
    );
  });

  it("never throws anything but a refusal on the field, whatever the text", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(..."0123456789:.-=,;aZ"), maxLength: 60 }), (text) => {
        try {
          checkMapping(text, catalog, TEST_CHANNELS);
        } catch (error) {
          expect(error).toBeInstanceOf(VscpConfigError);
          expect((error as VscpConfigError).field).toBe("mapping");
        }
      }),
    );
  });

  it.each([
    ["1-0:1.8.0", 'row 1: "1-0:1.8.0" is not code=enabled,sensor index,zone,subzone'],
    ["=1", 'row 1: "=1" is not code=enabled,sensor index,zone,subzone'],
    ["1-0:1.8.0=1;;1-0:2.8.0=1", 'row 2: "" is not code=enabled,sensor index,zone,subzone'],
    ["1-0:1.8.0=", "row 1 (1-0:1.8.0): changes nothing (give enabled,sensor index,zone,subzone)"],
    ["1-0:1.8.0=,,,", "row 1 (1-0:1.8.0): changes nothing (give enabled,sensor index,zone,subzone)"],
    ["1-0:1.8.0=1,2,3,4,5", "row 1 (1-0:1.8.0): 5 values; at most 4 (enabled,sensor index,zone,subzone)"],
    ["1-0:1.8.0=2", 'row 1 (1-0:1.8.0): enabled "2" is not 1 or 0'],
    ["1-0:1.8.0=yes", 'row 1 (1-0:1.8.0): enabled "yes" is not 1 or 0'],
    ["1-0:1.8.0=1,256", 'row 1 (1-0:1.8.0): sensor index "256" is not a whole number 0..255'],
    ["1-0:1.8.0=1,-1", 'row 1 (1-0:1.8.0): sensor index "-1" is not a whole number 0..255'],
    ["1-0:1.8.0=1,1.5", 'row 1 (1-0:1.8.0): sensor index "1.5" is not a whole number 0..255'],
    ["1-0:1.8.0=,,300", 'row 1 (1-0:1.8.0): zone "300" is not a whole number 0..255'],
    ["1-0:1.8.0=,,,x", 'row 1 (1-0:1.8.0): subzone "x" is not a whole number 0..255'],
  ])("refuses the malformed %j naming its row", (text, message) => {
    expect(refusal(text)).toBe(`mapping: ${message}`);
  });

  it.each([
    ["1-0:99.99.9=0", "row 1 (1-0:99.99.9): is not in the OBIS catalog"],
    ["1-0:1.8.0=1;noSuchThing=0", "row 2 (noSuchThing): is not a channel of this firmware"],
    ["1.8.0=0", "row 1 (1.8.0): is neither an OBIS code like 1-0:1.8.0 nor a channel name"],
    ["1-0:1.8.0=1;1-0:01.8.0=,,3", "row 2 (1-0:01.8.0): 1-0:1.8.0 is already in row 1"],
    ["testNet=0;testNet=1", "row 2 (testNet): testNet is already in row 1"],
    ["1-0:9.7.0=1", "row 1 (1-0:9.7.0): Apparent power import has no VSCP type, so it is never sent"],
    ["1-0:21.7.0=,5", "row 1 (1-0:21.7.0): sensor index 5 is used by 1-0:2.7.0"],
    ["1-0:2.8.0=0;1-0:32.7.0=,9;1-0:21.7.0=,5", "row 2 (1-0:32.7.0): sensor index 9 is used by 1-0:41.7.0"],
    ["testQuiet=1,200", "row 1 (testQuiet): sensor index 200 is used by testNet"],
    ["testNet=,0", "row 1 (testNet): sensor index 0 is used by 1-0:1.8.0"],
  ])("refuses %j naming the row and the reason", (text, message) => {
    expect(refusal(text)).toBe(`mapping: ${message}`);
  });

  it("accepts what moves or frees a sensor index, and a code without a VSCP type switched off", () => {
    expect(refusal("1-0:2.7.0=0;1-0:21.7.0=,5")).toBe("");
    expect(refusal("1-0:1.8.0=,4;1-0:1.7.0=,0")).toBe("");
    expect(refusal("testQuiet=1;testNet=,201")).toBe("mapping: row 2 (testNet): sensor index 201 is used by testQuiet");
    expect(refusal("testQuiet=1,202;testNet=0,0")).toBe("");
    expect(refusal("1-0:9.7.0=0")).toBe("");
    const { entries } = checkMapping("1-0:1.8.0=,4;1-0:1.7.0=,0", catalog, TEST_CHANNELS);
    const mapping = mappingWithoutMac(catalog, TEST_CHANNELS, { entries });
    expect([mapping.sensorIndex[mapping.slotOf("1-0:1.8.0")], mapping.sensorIndex[mapping.slotOf("1-0:1.7.0")]]).toEqual([4, 0]);
  });

  it("leaves out rows of codes this firmware does not know when asked to (start-up after a rollback)", () => {
    const checked = checkMapping("futureAlarm=0;1-0:21.7.0=,90;1-0:99.9.9=0", catalog, TEST_CHANNELS, true);
    expect(checked.skipped).toEqual(["futureAlarm", "1-0:99.9.9"]);
    expect(checked.entries).toEqual([{ obis: "1-0:21.7.0", sensorIndex: 90 }]);
    // Malformed rows are still refused.
    expect(() => checkMapping("futureAlarm=0;x", catalog, TEST_CHANNELS, true)).toThrow(/row 2/);
  });

  it("every code with a VSCP type and every channel of the firmware can be switched off and renumbered in one text", () => {
    const defaults = mappingWithoutMac(catalog, CHANNELS);
    const rows: EntryOverride[] = [];
    for (let slot = 0; slot < defaults.size; slot++) {
      if (defaults.publishable[slot])
        rows.push({ obis: defaults.codeOf(slot), enabled: false, sensorIndex: 255 - (rows.length % 256), zone: 255, subzone: 255 });
    }
    expect(rows.length).toBe(70 + CHANNELS.length);
    expect(checkMapping(formatMapping(rows), catalog, CHANNELS).entries).toEqual(rows);
  });
});
