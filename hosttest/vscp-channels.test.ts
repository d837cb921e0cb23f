import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { ChannelKind, type ChannelDefinition } from "../modules/vscp/channels";
import { VscpConfigError } from "../modules/vscp/config-error";
import { EventEncoder } from "../modules/vscp/encoder";
import { VscpMapping } from "../modules/vscp/mapping";
import { catalog, text } from "./support/vscp-telegrams";

// node-vscp is the VSCP author's own decoder: an independent reading of what we publish.
const vscp = createRequire(import.meta.url)("node-vscp");

const MAC = "24:0A:C4:12:34:56";

const NET: ChannelDefinition = {
  key: "testNet",
  label: "Test net power",
  kind: ChannelKind.Measurement,
  vscpType: 14,
  unit: 0,
  sensorIndex: 200,
  enabledByDefault: true,
};
const OVERLOAD: ChannelDefinition = {
  key: "testAlarm",
  label: "Test overload",
  kind: ChannelKind.Alarm,
  vscpType: 2,
  unit: 0,
  sensorIndex: 201,
  enabledByDefault: true,
};
const QUIET: ChannelDefinition = { ...NET, key: "testQuiet", label: "Test off by default", sensorIndex: 202, enabledByDefault: false };
const CHANNELS = [NET, OVERLOAD, QUIET];

const TIME = Date.UTC(2026, 10, 29, 12, 0, 0) / 1000;

function stored(encoder: EventEncoder, slot: number, digits: string): Record<string, unknown> {
  const bytes = Uint8Array.from(digits, (c) => c.charCodeAt(0));
  return JSON.parse(text(encoder.buffer, encoder.encodeStored(slot, bytes, 0, bytes.length, TIME, 0)));
}

describe("channels after the catalog", () => {
  const mapping = new VscpMapping(catalog, { mac: MAC }, CHANNELS);

  it("take the slots after the catalog's, found by key", () => {
    expect(mapping.size).toBe(catalog.size + 3);
    expect(mapping.slotOf("testNet")).toBe(catalog.size);
    expect(mapping.slotOf("testAlarm")).toBe(catalog.size + 1);
    expect(mapping.slotOf("nothing")).toBe(-1);
    expect(mapping.codeOf(catalog.size + 1)).toBe("testAlarm");
    expect(mapping.labelOf(catalog.size)).toBe("Test net power");
  });

  it("keep their default sensor index and enabled state, and stay out of a telegram's own events", () => {
    expect(mapping.sensorIndex[mapping.slotOf("testNet")]).toBe(200);
    expect(mapping.published[mapping.slotOf("testNet")]).toBe(1);
    expect(mapping.published[mapping.slotOf("testQuiet")]).toBe(0);
    expect(Array.from(mapping.publishOrder).every((slot) => slot < catalog.size)).toBe(true);
  });

  it("get topics with their own class, made on first use", () => {
    expect(mapping.topicOf(mapping.slotOf("testAlarm"))).toBe("vscp/FF:FF:FF:FF:FF:FF:FF:FE:24:0A:C4:12:34:56:00:C9/1/2/201/201");
    expect(mapping.topicOf(mapping.slotOf("testNet"))).toBe("vscp/FF:FF:FF:FF:FF:FF:FF:FE:24:0A:C4:12:34:56:00:C8/1040/14/200/200");
    expect(mapping.topicOf(mapping.slotOf("testNet"))).toBe(mapping.topicOf(mapping.slotOf("testNet")));
  });

  it("are remapped by key like an OBIS code", () => {
    const remapped = new VscpMapping(
      catalog,
      { mac: MAC, entries: [{ obis: "testQuiet", enabled: true, sensorIndex: 210, zone: 4 }] },
      CHANNELS,
    );
    const slot = remapped.slotOf("testQuiet");
    expect([remapped.published[slot], remapped.sensorIndex[slot], remapped.zoneOf[slot]]).toEqual([1, 210, 4]);
  });

  it("refuse an unknown channel and a sensor index another value uses, naming the field", () => {
    const refusal = (entries: { obis: string; sensorIndex?: number; enabled?: boolean }[]) => {
      try {
        new VscpMapping(catalog, { mac: MAC, entries }, CHANNELS);
      } catch (error) {
        expect(error).toBeInstanceOf(VscpConfigError);
        return (error as Error).message;
      }
      return "";
    };
    expect(refusal([{ obis: "noSuchThing" }])).toBe("entries[0].obis: noSuchThing is not a channel of this firmware");
    expect(refusal([{ obis: "testNet", sensorIndex: 0 }])).toBe(
      "entries[0].sensorIndex: sensor index 0 is used by both 1-0:1.8.0 and testNet",
    );
  });

  it("refuse a definition whose key could be taken for an OBIS code, or a key defined twice", () => {
    expect(() => new VscpMapping(catalog, { mac: MAC }, [{ ...NET, key: "1-0:1.8.0" }])).toThrow(/not letters and digits/);
    expect(() => new VscpMapping(catalog, { mac: MAC }, [NET, { ...NET, sensorIndex: 220 }])).toThrow(/defined twice/);
  });
});

describe("channel events", () => {
  const mapping = new VscpMapping(catalog, { mac: MAC, zone: 3, subzone: 7 }, CHANNELS);
  const encoder = new EventEncoder(mapping);

  it("a measurement channel is a class 1040 event with the value the caller computed, exact", () => {
    const length = encoder.digitsOfValue(-1234, 0);
    const digits = String.fromCharCode(...encoder.valueDigits.subarray(0, length));
    expect(digits).toBe("-1234");
    const json = stored(encoder, mapping.slotOf("testNet"), digits);
    expect(json.vscpClass).toBe(1040);
    expect(json.vscpNote).toBe("Test net power");
    const event = new vscp.Event(json);
    expect(vscp.getMeasurementData(event).value).toBe(-1234);
    expect(vscp.getNodeId(event.vscpGuid)).toBe(200);
    expect(json.measurement).toEqual({ value: -1234, unit: 0, sensorindex: 200, zone: 3, subzone: 7 });
  });

  it("an alarm channel is a CLASS1.ALARM event: data = alarm byte, zone, subzone; no measurement block", () => {
    for (const state of ["1", "0"]) {
      const json = stored(encoder, mapping.slotOf("testAlarm"), state);
      expect(json).toEqual({
        vscpHead: 32864,
        vscpObId: 0,
        vscpDateTime: "2026-11-29T12:00:00Z",
        vscpTimeStamp: 0,
        vscpClass: 1,
        vscpType: 2,
        vscpGuid: "FF:FF:FF:FF:FF:FF:FF:FE:24:0A:C4:12:34:56:00:C9",
        vscpData: [Number(state), 3, 7],
        vscpNote: "Test overload",
      });
      const event = new vscp.Event(json);
      expect(event.vscpClass).toBe(1);
      expect(event.vscpData).toEqual([Number(state), 3, 7]);
    }
  });

  it("refuses a value with more digits than an event holds, and a slot that is not published", () => {
    expect(encoder.digitsOfValue(1, 400)).toBe(-1);
    expect(() => stored(encoder, mapping.slotOf("testQuiet"), "1")).toThrow(RangeError);
  });
});
