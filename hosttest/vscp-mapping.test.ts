import { describe, expect, it } from "vitest";
import { VscpConfigError } from "../modules/vscp/config-error";
import { VscpMapping, type VscpMappingConfig } from "../modules/vscp/mapping";
import { TopicTemplate } from "../modules/vscp/topic";
import { catalog } from "./support/vscp-telegrams";

const MAC = "24:0A:C4:12:34:56";

/** Profile §5, written out: sensor index = position. */
const DEFAULT_ORDER = [
  "1-0:1.8.0",
  "1-0:2.8.0",
  "1-0:3.8.0",
  "1-0:4.8.0",
  "1-0:1.7.0",
  "1-0:2.7.0",
  "1-0:3.7.0",
  "1-0:4.7.0",
  "1-0:21.7.0",
  "1-0:41.7.0",
  "1-0:61.7.0",
  "1-0:22.7.0",
  "1-0:42.7.0",
  "1-0:62.7.0",
  "1-0:23.7.0",
  "1-0:43.7.0",
  "1-0:63.7.0",
  "1-0:24.7.0",
  "1-0:44.7.0",
  "1-0:64.7.0",
  "1-0:32.7.0",
  "1-0:52.7.0",
  "1-0:72.7.0",
  "1-0:31.7.0",
  "1-0:51.7.0",
  "1-0:71.7.0",
];

function configError(config: VscpMappingConfig): VscpConfigError {
  try {
    new VscpMapping(catalog, config);
  } catch (error) {
    expect(error).toBeInstanceOf(VscpConfigError);
    return error as VscpConfigError;
  }
  throw new Error(`no error for ${JSON.stringify(config)}`);
}

describe("default mapping", () => {
  const mapping = new VscpMapping(catalog, { mac: MAC });

  it("numbers the 26 Swedish values as the profile does", () => {
    DEFAULT_ORDER.forEach((obis, index) => {
      const slot = mapping.slotOf(obis);
      expect(mapping.published[slot], obis).toBe(1);
      expect(mapping.sensorIndex[slot], obis).toBe(index);
    });
  });

  it("numbers further codes from 26 in catalog order: tariffs, quadrants, frequency, power factor", () => {
    const at = (obis: string) => mapping.sensorIndex[mapping.slotOf(obis)];
    expect([at("1-0:1.8.1"), at("1-0:1.8.2"), at("1-0:1.8.3"), at("1-0:1.8.4"), at("1-0:2.8.1")]).toEqual([26, 27, 28, 29, 30]);
    const frequency = mapping.slotOf("1-0:14.7.0");
    expect([mapping.type[frequency], mapping.unitCode[frequency]]).toEqual([9, 0]);
    const pf = mapping.slotOf("1-0:13.7.0");
    expect([mapping.type[pf], at("1-0:13.7.0")]).toEqual([63, at("1-0:14.7.0") + 1]);
    // indices are unique and dense from 0
    const indices = Array.from(mapping.publishOrder, (slot) => mapping.sensorIndex[slot]);
    expect(indices).toEqual(indices.map((_, i) => i));
  });

  it("keeps the documented numbering of every further code (GUIDs depend on it)", () => {
    const further = [
      "1-0:1.8.1",
      "1-0:1.8.2",
      "1-0:1.8.3",
      "1-0:1.8.4",
      "1-0:2.8.1",
      "1-0:2.8.2",
      "1-0:2.8.3",
      "1-0:2.8.4",
      "1-0:3.8.1",
      "1-0:3.8.2",
      "1-0:3.8.3",
      "1-0:3.8.4",
      "1-0:4.8.1",
      "1-0:4.8.2",
      "1-0:4.8.3",
      "1-0:4.8.4",
      "1-0:15.8.0",
      "1-0:5.8.0",
      "1-0:6.8.0",
      "1-0:7.8.0",
      "1-0:8.8.0",
      "1-0:14.7.0",
      "1-0:13.7.0",
      "1-0:33.7.0",
      "1-0:53.7.0",
      "1-0:73.7.0",
      "1-0:15.7.0",
      "1-0:5.7.0",
      "1-0:6.7.0",
      "1-0:7.7.0",
      "1-0:8.7.0",
      "1-0:12.7.0",
      "1-0:11.7.0",
      "1-0:91.7.0",
      "1-0:90.7.0",
      "1-0:32.24.0",
      "1-0:52.24.0",
      "1-0:72.24.0",
      "1-0:1.4.0",
      "1-0:2.4.0",
      "1-0:1.24.0",
      "1-0:15.24.0",
      "1-0:16.24.0",
      "1-0:1.6.0",
    ];
    const published = Array.from(mapping.publishOrder, (slot) => catalog.entries[slot].obis);
    expect(published).toEqual([...DEFAULT_ORDER, ...further]);
  });

  it("publishes no apparent power, counts, texts, M-Bus readings or the clock", () => {
    for (const obis of [
      "1-0:9.7.0",
      "1-0:29.7.0",
      "0-0:96.7.21",
      "0-0:96.1.0",
      "0-1:24.2.1",
      "0-0:1.0.0",
      "1-0:0.4.2",
      "0-0:17.0.0",
      "1-0:31.4.0",
    ]) {
      expect(mapping.published[mapping.slotOf(obis)], obis).toBe(0);
    }
  });

  it("builds GUIDs from the MAC and the default topics", () => {
    const slot = mapping.slotOf("1-0:21.7.0");
    expect(mapping.guidTextOf(slot)).toBe("FF:FF:FF:FF:FF:FF:FF:FE:24:0A:C4:12:34:56:00:08");
    expect(mapping.topicOf(slot)).toBe("vscp/FF:FF:FF:FF:FF:FF:FF:FE:24:0A:C4:12:34:56:00:08/1040/14/8/8");
    expect(mapping.nodeGuidText).toBe("FF:FF:FF:FF:FF:FF:FF:FE:24:0A:C4:12:34:56:00:00");
    expect(mapping.labelOf(slot)).toBe("Active power import L1");
    expect(mapping.qos).toBe(0);
  });

  it("accepts lower-case and dash-separated MACs", () => {
    const lower = new VscpMapping(catalog, { mac: "24-0a-c4-12-34-56" });
    expect(lower.nodeGuidText).toBe(mapping.nodeGuidText);
  });
});

describe("configured GUID, zone, topic template", () => {
  it("replaces the last byte of a configured base GUID by the sensor index", () => {
    const mapping = new VscpMapping(catalog, { guid: "fd:10:00:00:00:00:00:00:00:00:00:00:11:22:01:ff", mac: MAC });
    expect(mapping.nodeGuidText).toBe("FD:10:00:00:00:00:00:00:00:00:00:00:11:22:01:00");
    const slot = mapping.slotOf("1-0:31.7.0");
    expect(mapping.guidTextOf(slot)).toBe("FD:10:00:00:00:00:00:00:00:00:00:00:11:22:01:17");
    // nickname = bytes 14–15 = 0x0117 = 279
    expect(mapping.topicOf(slot)).toBe("vscp/FD:10:00:00:00:00:00:00:00:00:00:00:11:22:01:17/1040/5/279/23");
  });

  it("fills every escape", () => {
    const mapping = new VscpMapping(catalog, {
      mac: MAC,
      zone: 3,
      subzone: 4,
      topic: "home/{class}-{type}/{guid}/n{nickname}/s{sensorindex}/z{zone}/{subzone}/{type}",
      entries: [{ obis: "1-0:52.7.0", zone: 200, subzone: 255 }],
    });
    expect(mapping.topicOf(mapping.slotOf("1-0:52.7.0"))).toBe(
      "home/1040-16/FF:FF:FF:FF:FF:FF:FF:FE:24:0A:C4:12:34:56:00:15/n21/s21/z200/255/16",
    );
    expect(mapping.topicOf(mapping.slotOf("1-0:1.8.0"))).toBe("home/1040-13/FF:FF:FF:FF:FF:FF:FF:FE:24:0A:C4:12:34:56:00:00/n0/s0/z3/4/13");
  });

  it("reproduces the VSCP author's Python tool with vscp/{guid}/{class}/{type}", () => {
    const mapping = new VscpMapping(catalog, { mac: MAC, topic: "vscp/{guid}/{class}/{type}", qos: 1 });
    expect(mapping.topicOf(mapping.slotOf("1-0:31.7.0"))).toBe("vscp/FF:FF:FF:FF:FF:FF:FF:FE:24:0A:C4:12:34:56:00:17/1040/5");
    expect(mapping.qos).toBe(1);
  });

  it("renders a template without escapes as is", () => {
    expect(new TopicTemplate("meter/all").render({ guid: "g", class: 1, type: 2, nickname: 3, sensorindex: 4, zone: 5, subzone: 6 })).toBe(
      "meter/all",
    );
  });
});

describe("configuration errors name their field", () => {
  const cases: [VscpMappingConfig, string, RegExp][] = [
    [{}, "mac", /MAC or a base GUID/],
    [{ mac: "24:0A:C4:12:34" }, "mac", /not a MAC/],
    [{ mac: "24:0A:C4:12:34:5G" }, "mac", /not a MAC/],
    [{ mac: "24:0A:C4:12:34:56", guid: "FF:FF" }, "guid", /not a GUID/],
    [{ guid: "00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00" }, "guid", /all-zero/],
    [{ guid: "25:00:00:00:00:00:00:00:00:00:00:00:08:0D:00:00" }, "guid", /assigned/],
    [{ mac: MAC, topic: "" }, "topic", /empty/],
    [{ mac: MAC, topic: "vscp/{guid}/{clas}" }, "topic", /unknown escape \{clas\}/],
    [{ mac: MAC, topic: "vscp/{guid" }, "topic", /not closed/],
    [{ mac: MAC, topic: "vscp/guid}" }, "topic", /without "\{"/],
    [{ mac: MAC, topic: "vscp/+/{type}" }, "topic", /wildcard "\+"/],
    [{ mac: MAC, topic: "vscp/#" }, "topic", /wildcard "#"/],
    [{ mac: MAC, topic: "$SYS/{guid}" }, "topic", /reserved/],
    [{ mac: MAC, topic: "vscp/\u0000" }, "topic", /control character/],
    [{ mac: MAC, qos: 2 }, "qos", /not 0 or 1/],
    [{ mac: MAC, zone: 256 }, "zone", /0\.\.255/],
    [{ mac: MAC, subzone: -1 }, "subzone", /0\.\.255/],
    [{ mac: MAC, entries: [{ obis: "1-0:99.99.9" }] }, "entries[0].obis", /not in the OBIS catalog/],
    [{ mac: MAC, entries: [{ obis: "1.8.0" }] }, "entries[0].obis", /neither an OBIS code/],
    [{ mac: MAC, entries: [{ obis: "1-0:9.7.0", enabled: true }] }, "entries[0].obis", /no VSCP measurement type/],
    [{ mac: MAC, entries: [{ obis: "1-0:1.8.0" }, { obis: "1-0:1.8.0", zone: 1 }] }, "entries[1].obis", /configured twice/],
    [{ mac: MAC, entries: [{ obis: "1-0:1.8.0", sensorIndex: 1.5 }] }, "entries[0].sensorIndex", /0\.\.255/],
    [{ mac: MAC, entries: [{ obis: "1-0:1.8.0", sensorIndex: 256 }] }, "entries[0].sensorIndex", /0\.\.255/],
    [{ mac: MAC, entries: [{ obis: "1-0:1.8.0", zone: "1" as unknown as number }] }, "entries[0].zone", /0\.\.255/],
    [{ mac: MAC, entries: [{ obis: "1-0:1.8.0", enabled: "yes" as unknown as boolean }] }, "entries[0].enabled", /true or false/],
    [
      { mac: MAC, entries: [{ obis: "1-0:31.7.0", sensorIndex: 4 }] },
      "entries[0].sensorIndex",
      /sensor index 4 is used by both 1-0:1.7.0 and 1-0:31.7.0/,
    ],
  ];
  for (const [config, field, message] of cases) {
    it(`${field}: ${JSON.stringify(config)}`, () => {
      const error = configError(config);
      expect(error.field).toBe(field);
      expect(error.message).toMatch(message);
      expect(error.message.startsWith(`${field}: `)).toBe(true);
    });
  }

  it("allows moving a value onto a freed index, and disabling a code without a VSCP type", () => {
    const mapping = new VscpMapping(catalog, {
      mac: MAC,
      entries: [
        { obis: "1-0:1.7.0", enabled: false },
        { obis: "1-0:31.7.0", sensorIndex: 4 },
        { obis: "1-0:9.7.0", enabled: false },
      ],
    });
    expect(mapping.published[mapping.slotOf("1-0:1.7.0")]).toBe(0);
    expect(mapping.guidTextOf(mapping.slotOf("1-0:31.7.0")).endsWith(":00:04")).toBe(true);
    expect(mapping.publishOrder.length).toBe(new VscpMapping(catalog, { mac: MAC }).publishOrder.length - 1);
  });
});
