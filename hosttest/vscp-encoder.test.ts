import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { EventEncoder, TimeSource } from "../modules/vscp/encoder";
import { VscpMapping } from "../modules/vscp/mapping";
import { formatDecimal } from "../modules/vscp/writer";
import { catalog, forEachFrame, parseLines, shiftDecimal, shiftOfUnit, telegramNames, text } from "./support/vscp-telegrams";

// node-vscp is the VSCP author's own decoder: an independent reading of what we publish.
const vscp = createRequire(import.meta.url)("node-vscp");

const MAC = "24:0A:C4:12:34:56";
const GUID_PREFIX = "FF:FF:FF:FF:FF:FF:FF:FE:24:0A:C4:12:34:56:00:";

/** The profile's default numbering (§5) and types/units (§4), written out independently of the catalog. */
const PROFILE: readonly [obis: string, type: number, unit: number][] = [
  ["1-0:1.8.0", 13, 1],
  ["1-0:2.8.0", 13, 1],
  ["1-0:3.8.0", 65, 0],
  ["1-0:4.8.0", 65, 0],
  ["1-0:1.7.0", 14, 0],
  ["1-0:2.7.0", 14, 0],
  ["1-0:3.7.0", 64, 0],
  ["1-0:4.7.0", 64, 0],
  ["1-0:21.7.0", 14, 0],
  ["1-0:41.7.0", 14, 0],
  ["1-0:61.7.0", 14, 0],
  ["1-0:22.7.0", 14, 0],
  ["1-0:42.7.0", 14, 0],
  ["1-0:62.7.0", 14, 0],
  ["1-0:23.7.0", 64, 0],
  ["1-0:43.7.0", 64, 0],
  ["1-0:63.7.0", 64, 0],
  ["1-0:24.7.0", 64, 0],
  ["1-0:44.7.0", 64, 0],
  ["1-0:64.7.0", 64, 0],
  ["1-0:32.7.0", 16, 0],
  ["1-0:52.7.0", 16, 0],
  ["1-0:72.7.0", 16, 0],
  ["1-0:31.7.0", 5, 0],
  ["1-0:51.7.0", 5, 0],
  ["1-0:71.7.0", 5, 0],
];

function encoderFor(config = {}): EventEncoder {
  return new EventEncoder(new VscpMapping(catalog, { mac: MAC, ...config }));
}

/** All events of a reading as [topic, payload text]. */
function events(encoder: EventEncoder, reading: Parameters<EventEncoder["beginTelegram"]>[0], wallMs = NaN): [string, string][] {
  const out: [string, string][] = [];
  const count = encoder.beginTelegram(reading, wallMs);
  for (let i = 0; i < count; i++) out.push([encoder.topicOf(i), text(encoder.buffer, encoder.encode(i))]);
  return out;
}

/** The published decimal string of one hand-written line. */
function published(line: string): string {
  const encoder = encoderFor();
  const list = events(encoder, parseLines([line]));
  expect(list).toHaveLength(1);
  const data: number[] = JSON.parse(list[0][1]).vscpData;
  return String.fromCharCode(...data.slice(4, -1));
}

describe("golden bytes: SE_sagemcom_ELL5_ellevio_4760.txt, MAC 24:0A:C4:12:34:56", () => {
  const GOLDEN: [string, string][] = [
    [
      "vscp/FF:FF:FF:FF:FF:FF:FF:FE:24:0A:C4:12:34:56:00:00/1040/13/0/0",
      '{"vscpHead":32864,"vscpObId":0,"vscpDateTime":"2024-12-12T19:13:48Z","vscpTimeStamp":0,"vscpClass":1040,"vscpType":13,"vscpGuid":"FF:FF:FF:FF:FF:FF:FF:FE:24:0A:C4:12:34:56:00:00","vscpData":[0,0,0,1,52,55,53,50,50,46,50,55,56,0],"vscpNote":"Active energy import","measurement":{"value":47522.278,"unit":1,"sensorindex":0,"zone":0,"subzone":0}}',
    ],
    [
      "vscp/FF:FF:FF:FF:FF:FF:FF:FE:24:0A:C4:12:34:56:00:01/1040/13/1/1",
      '{"vscpHead":32864,"vscpObId":0,"vscpDateTime":"2024-12-12T19:13:48Z","vscpTimeStamp":0,"vscpClass":1040,"vscpType":13,"vscpGuid":"FF:FF:FF:FF:FF:FF:FF:FE:24:0A:C4:12:34:56:00:01","vscpData":[1,0,0,1,48,46,48,48,49,0],"vscpNote":"Active energy export","measurement":{"value":0.001,"unit":1,"sensorindex":1,"zone":0,"subzone":0}}',
    ],
    [
      "vscp/FF:FF:FF:FF:FF:FF:FF:FE:24:0A:C4:12:34:56:00:02/1040/65/2/2",
      '{"vscpHead":32864,"vscpObId":0,"vscpDateTime":"2024-12-12T19:13:48Z","vscpTimeStamp":0,"vscpClass":1040,"vscpType":65,"vscpGuid":"FF:FF:FF:FF:FF:FF:FF:FE:24:0A:C4:12:34:56:00:02","vscpData":[2,0,0,0,53,57,46,48,51,57,0],"vscpNote":"Reactive energy import","measurement":{"value":59.039,"unit":0,"sensorindex":2,"zone":0,"subzone":0}}',
    ],
    [
      "vscp/FF:FF:FF:FF:FF:FF:FF:FE:24:0A:C4:12:34:56:00:03/1040/65/3/3",
      '{"vscpHead":32864,"vscpObId":0,"vscpDateTime":"2024-12-12T19:13:48Z","vscpTimeStamp":0,"vscpClass":1040,"vscpType":65,"vscpGuid":"FF:FF:FF:FF:FF:FF:FF:FE:24:0A:C4:12:34:56:00:03","vscpData":[3,0,0,0,49,50,53,55,48,46,57,55,54,0],"vscpNote":"Reactive energy export","measurement":{"value":12570.976,"unit":0,"sensorindex":3,"zone":0,"subzone":0}}',
    ],
    [
      "vscp/FF:FF:FF:FF:FF:FF:FF:FE:24:0A:C4:12:34:56:00:04/1040/14/4/4",
      '{"vscpHead":32864,"vscpObId":0,"vscpDateTime":"2024-12-12T19:13:48Z","vscpTimeStamp":0,"vscpClass":1040,"vscpType":14,"vscpGuid":"FF:FF:FF:FF:FF:FF:FF:FE:24:0A:C4:12:34:56:00:04","vscpData":[4,0,0,0,49,50,51,49,0],"vscpNote":"Active power import","measurement":{"value":1231,"unit":0,"sensorindex":4,"zone":0,"subzone":0}}',
    ],
    [
      "vscp/FF:FF:FF:FF:FF:FF:FF:FE:24:0A:C4:12:34:56:00:05/1040/14/5/5",
      '{"vscpHead":32864,"vscpObId":0,"vscpDateTime":"2024-12-12T19:13:48Z","vscpTimeStamp":0,"vscpClass":1040,"vscpType":14,"vscpGuid":"FF:FF:FF:FF:FF:FF:FF:FE:24:0A:C4:12:34:56:00:05","vscpData":[5,0,0,0,48,0],"vscpNote":"Active power export","measurement":{"value":0,"unit":0,"sensorindex":5,"zone":0,"subzone":0}}',
    ],
    [
      "vscp/FF:FF:FF:FF:FF:FF:FF:FE:24:0A:C4:12:34:56:00:06/1040/64/6/6",
      '{"vscpHead":32864,"vscpObId":0,"vscpDateTime":"2024-12-12T19:13:48Z","vscpTimeStamp":0,"vscpClass":1040,"vscpType":64,"vscpGuid":"FF:FF:FF:FF:FF:FF:FF:FE:24:0A:C4:12:34:56:00:06","vscpData":[6,0,0,0,48,0],"vscpNote":"Reactive power import","measurement":{"value":0,"unit":0,"sensorindex":6,"zone":0,"subzone":0}}',
    ],
    [
      "vscp/FF:FF:FF:FF:FF:FF:FF:FE:24:0A:C4:12:34:56:00:07/1040/64/7/7",
      '{"vscpHead":32864,"vscpObId":0,"vscpDateTime":"2024-12-12T19:13:48Z","vscpTimeStamp":0,"vscpClass":1040,"vscpType":64,"vscpGuid":"FF:FF:FF:FF:FF:FF:FF:FE:24:0A:C4:12:34:56:00:07","vscpData":[7,0,0,0,52,53,49,0],"vscpNote":"Reactive power export","measurement":{"value":451,"unit":0,"sensorindex":7,"zone":0,"subzone":0}}',
    ],
    [
      "vscp/FF:FF:FF:FF:FF:FF:FF:FE:24:0A:C4:12:34:56:00:08/1040/14/8/8",
      '{"vscpHead":32864,"vscpObId":0,"vscpDateTime":"2024-12-12T19:13:48Z","vscpTimeStamp":0,"vscpClass":1040,"vscpType":14,"vscpGuid":"FF:FF:FF:FF:FF:FF:FF:FE:24:0A:C4:12:34:56:00:08","vscpData":[8,0,0,0,51,55,54,0],"vscpNote":"Active power import L1","measurement":{"value":376,"unit":0,"sensorindex":8,"zone":0,"subzone":0}}',
    ],
    [
      "vscp/FF:FF:FF:FF:FF:FF:FF:FE:24:0A:C4:12:34:56:00:09/1040/14/9/9",
      '{"vscpHead":32864,"vscpObId":0,"vscpDateTime":"2024-12-12T19:13:48Z","vscpTimeStamp":0,"vscpClass":1040,"vscpType":14,"vscpGuid":"FF:FF:FF:FF:FF:FF:FF:FE:24:0A:C4:12:34:56:00:09","vscpData":[9,0,0,0,56,50,52,0],"vscpNote":"Active power import L2","measurement":{"value":824,"unit":0,"sensorindex":9,"zone":0,"subzone":0}}',
    ],
    [
      "vscp/FF:FF:FF:FF:FF:FF:FF:FE:24:0A:C4:12:34:56:00:0A/1040/14/10/10",
      '{"vscpHead":32864,"vscpObId":0,"vscpDateTime":"2024-12-12T19:13:48Z","vscpTimeStamp":0,"vscpClass":1040,"vscpType":14,"vscpGuid":"FF:FF:FF:FF:FF:FF:FF:FE:24:0A:C4:12:34:56:00:0A","vscpData":[10,0,0,0,51,48,0],"vscpNote":"Active power import L3","measurement":{"value":30,"unit":0,"sensorindex":10,"zone":0,"subzone":0}}',
    ],
    [
      "vscp/FF:FF:FF:FF:FF:FF:FF:FE:24:0A:C4:12:34:56:00:0B/1040/14/11/11",
      '{"vscpHead":32864,"vscpObId":0,"vscpDateTime":"2024-12-12T19:13:48Z","vscpTimeStamp":0,"vscpClass":1040,"vscpType":14,"vscpGuid":"FF:FF:FF:FF:FF:FF:FF:FE:24:0A:C4:12:34:56:00:0B","vscpData":[11,0,0,0,48,0],"vscpNote":"Active power export L1","measurement":{"value":0,"unit":0,"sensorindex":11,"zone":0,"subzone":0}}',
    ],
    [
      "vscp/FF:FF:FF:FF:FF:FF:FF:FE:24:0A:C4:12:34:56:00:0C/1040/14/12/12",
      '{"vscpHead":32864,"vscpObId":0,"vscpDateTime":"2024-12-12T19:13:48Z","vscpTimeStamp":0,"vscpClass":1040,"vscpType":14,"vscpGuid":"FF:FF:FF:FF:FF:FF:FF:FE:24:0A:C4:12:34:56:00:0C","vscpData":[12,0,0,0,48,0],"vscpNote":"Active power export L2","measurement":{"value":0,"unit":0,"sensorindex":12,"zone":0,"subzone":0}}',
    ],
    [
      "vscp/FF:FF:FF:FF:FF:FF:FF:FE:24:0A:C4:12:34:56:00:0D/1040/14/13/13",
      '{"vscpHead":32864,"vscpObId":0,"vscpDateTime":"2024-12-12T19:13:48Z","vscpTimeStamp":0,"vscpClass":1040,"vscpType":14,"vscpGuid":"FF:FF:FF:FF:FF:FF:FF:FE:24:0A:C4:12:34:56:00:0D","vscpData":[13,0,0,0,48,0],"vscpNote":"Active power export L3","measurement":{"value":0,"unit":0,"sensorindex":13,"zone":0,"subzone":0}}',
    ],
    [
      "vscp/FF:FF:FF:FF:FF:FF:FF:FE:24:0A:C4:12:34:56:00:0E/1040/64/14/14",
      '{"vscpHead":32864,"vscpObId":0,"vscpDateTime":"2024-12-12T19:13:48Z","vscpTimeStamp":0,"vscpClass":1040,"vscpType":64,"vscpGuid":"FF:FF:FF:FF:FF:FF:FF:FE:24:0A:C4:12:34:56:00:0E","vscpData":[14,0,0,0,48,0],"vscpNote":"Reactive power import L1","measurement":{"value":0,"unit":0,"sensorindex":14,"zone":0,"subzone":0}}',
    ],
    [
      "vscp/FF:FF:FF:FF:FF:FF:FF:FE:24:0A:C4:12:34:56:00:0F/1040/64/15/15",
      '{"vscpHead":32864,"vscpObId":0,"vscpDateTime":"2024-12-12T19:13:48Z","vscpTimeStamp":0,"vscpClass":1040,"vscpType":64,"vscpGuid":"FF:FF:FF:FF:FF:FF:FF:FE:24:0A:C4:12:34:56:00:0F","vscpData":[15,0,0,0,48,0],"vscpNote":"Reactive power import L2","measurement":{"value":0,"unit":0,"sensorindex":15,"zone":0,"subzone":0}}',
    ],
    [
      "vscp/FF:FF:FF:FF:FF:FF:FF:FE:24:0A:C4:12:34:56:00:10/1040/64/16/16",
      '{"vscpHead":32864,"vscpObId":0,"vscpDateTime":"2024-12-12T19:13:48Z","vscpTimeStamp":0,"vscpClass":1040,"vscpType":64,"vscpGuid":"FF:FF:FF:FF:FF:FF:FF:FE:24:0A:C4:12:34:56:00:10","vscpData":[16,0,0,0,48,0],"vscpNote":"Reactive power import L3","measurement":{"value":0,"unit":0,"sensorindex":16,"zone":0,"subzone":0}}',
    ],
    [
      "vscp/FF:FF:FF:FF:FF:FF:FF:FE:24:0A:C4:12:34:56:00:11/1040/64/17/17",
      '{"vscpHead":32864,"vscpObId":0,"vscpDateTime":"2024-12-12T19:13:48Z","vscpTimeStamp":0,"vscpClass":1040,"vscpType":64,"vscpGuid":"FF:FF:FF:FF:FF:FF:FF:FE:24:0A:C4:12:34:56:00:11","vscpData":[17,0,0,0,55,50,0],"vscpNote":"Reactive power export L1","measurement":{"value":72,"unit":0,"sensorindex":17,"zone":0,"subzone":0}}',
    ],
    [
      "vscp/FF:FF:FF:FF:FF:FF:FF:FE:24:0A:C4:12:34:56:00:12/1040/64/18/18",
      '{"vscpHead":32864,"vscpObId":0,"vscpDateTime":"2024-12-12T19:13:48Z","vscpTimeStamp":0,"vscpClass":1040,"vscpType":64,"vscpGuid":"FF:FF:FF:FF:FF:FF:FF:FE:24:0A:C4:12:34:56:00:12","vscpData":[18,0,0,0,51,52,57,0],"vscpNote":"Reactive power export L2","measurement":{"value":349,"unit":0,"sensorindex":18,"zone":0,"subzone":0}}',
    ],
    [
      "vscp/FF:FF:FF:FF:FF:FF:FF:FE:24:0A:C4:12:34:56:00:13/1040/64/19/19",
      '{"vscpHead":32864,"vscpObId":0,"vscpDateTime":"2024-12-12T19:13:48Z","vscpTimeStamp":0,"vscpClass":1040,"vscpType":64,"vscpGuid":"FF:FF:FF:FF:FF:FF:FF:FE:24:0A:C4:12:34:56:00:13","vscpData":[19,0,0,0,50,57,0],"vscpNote":"Reactive power export L3","measurement":{"value":29,"unit":0,"sensorindex":19,"zone":0,"subzone":0}}',
    ],
    [
      "vscp/FF:FF:FF:FF:FF:FF:FF:FE:24:0A:C4:12:34:56:00:14/1040/16/20/20",
      '{"vscpHead":32864,"vscpObId":0,"vscpDateTime":"2024-12-12T19:13:48Z","vscpTimeStamp":0,"vscpClass":1040,"vscpType":16,"vscpGuid":"FF:FF:FF:FF:FF:FF:FF:FE:24:0A:C4:12:34:56:00:14","vscpData":[20,0,0,0,50,51,50,46,56,0],"vscpNote":"Voltage L1","measurement":{"value":232.8,"unit":0,"sensorindex":20,"zone":0,"subzone":0}}',
    ],
    [
      "vscp/FF:FF:FF:FF:FF:FF:FF:FE:24:0A:C4:12:34:56:00:15/1040/16/21/21",
      '{"vscpHead":32864,"vscpObId":0,"vscpDateTime":"2024-12-12T19:13:48Z","vscpTimeStamp":0,"vscpClass":1040,"vscpType":16,"vscpGuid":"FF:FF:FF:FF:FF:FF:FF:FE:24:0A:C4:12:34:56:00:15","vscpData":[21,0,0,0,50,51,51,46,53,0],"vscpNote":"Voltage L2","measurement":{"value":233.5,"unit":0,"sensorindex":21,"zone":0,"subzone":0}}',
    ],
    [
      "vscp/FF:FF:FF:FF:FF:FF:FF:FE:24:0A:C4:12:34:56:00:16/1040/16/22/22",
      '{"vscpHead":32864,"vscpObId":0,"vscpDateTime":"2024-12-12T19:13:48Z","vscpTimeStamp":0,"vscpClass":1040,"vscpType":16,"vscpGuid":"FF:FF:FF:FF:FF:FF:FF:FE:24:0A:C4:12:34:56:00:16","vscpData":[22,0,0,0,50,51,56,46,53,0],"vscpNote":"Voltage L3","measurement":{"value":238.5,"unit":0,"sensorindex":22,"zone":0,"subzone":0}}',
    ],
    [
      "vscp/FF:FF:FF:FF:FF:FF:FF:FE:24:0A:C4:12:34:56:00:17/1040/5/23/23",
      '{"vscpHead":32864,"vscpObId":0,"vscpDateTime":"2024-12-12T19:13:48Z","vscpTimeStamp":0,"vscpClass":1040,"vscpType":5,"vscpGuid":"FF:FF:FF:FF:FF:FF:FF:FE:24:0A:C4:12:34:56:00:17","vscpData":[23,0,0,0,49,46,56,0],"vscpNote":"Current L1","measurement":{"value":1.8,"unit":0,"sensorindex":23,"zone":0,"subzone":0}}',
    ],
    [
      "vscp/FF:FF:FF:FF:FF:FF:FF:FE:24:0A:C4:12:34:56:00:18/1040/5/24/24",
      '{"vscpHead":32864,"vscpObId":0,"vscpDateTime":"2024-12-12T19:13:48Z","vscpTimeStamp":0,"vscpClass":1040,"vscpType":5,"vscpGuid":"FF:FF:FF:FF:FF:FF:FF:FE:24:0A:C4:12:34:56:00:18","vscpData":[24,0,0,0,52,46,48,0],"vscpNote":"Current L2","measurement":{"value":4.0,"unit":0,"sensorindex":24,"zone":0,"subzone":0}}',
    ],
    [
      "vscp/FF:FF:FF:FF:FF:FF:FF:FE:24:0A:C4:12:34:56:00:19/1040/5/25/25",
      '{"vscpHead":32864,"vscpObId":0,"vscpDateTime":"2024-12-12T19:13:48Z","vscpTimeStamp":0,"vscpClass":1040,"vscpType":5,"vscpGuid":"FF:FF:FF:FF:FF:FF:FF:FE:24:0A:C4:12:34:56:00:19","vscpData":[25,0,0,0,48,46,49,0],"vscpNote":"Current L3","measurement":{"value":0.1,"unit":0,"sensorindex":25,"zone":0,"subzone":0}}',
    ],
  ];

  it("publishes exactly these topics and payloads, in sensor index order", () => {
    const encoder = encoderFor();
    let seen: [string, string][] = [];
    expect(
      forEachFrame("SE_sagemcom_ELL5_ellevio_4760.txt", (reading) => {
        seen = events(encoder, reading, Date.UTC(2030, 0, 1));
      }),
    ).toBe(1);
    expect(seen).toEqual(GOLDEN);
    expect(encoder.timeSource).toBe(TimeSource.Meter);
  });
});

describe("every event of every Swedish telegram, decoded with node-vscp", () => {
  const names = telegramNames(/^SE_.*\.txt$/);

  it("finds the Swedish corpus", () => {
    expect(names.length).toBeGreaterThanOrEqual(12);
  });

  for (const name of names) {
    it(name, () => {
      const encoder = encoderFor();
      const frames = forEachFrame(name, (reading) => {
        // What the telegram says, read from its lines with a regular expression (independent of the parser).
        const body = new TextDecoder("latin1").decode(reading.frame.subarray(0, reading.frame.indexOf(0x21) + 1));
        const lines = new Map<string, { raw: string; unit: string }>();
        for (const m of body.matchAll(/^(\d+-\d+:\d+\.\d+\.\d+)\(([-\d.]+)\*([A-Za-z]+)\)\r?$/gm))
          lines.set(m[1], { raw: m[2], unit: m[3] });
        const clock = /^0-0:1\.0\.0\((\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)([WS])\)/m.exec(body)!;
        const offsetHours = clock[7] === "S" ? 2 : 1;
        const utc = new Date(Date.UTC(2000 + +clock[1], +clock[2] - 1, +clock[3], +clock[4] - offsetHours, +clock[5], +clock[6]));
        const expectedDate = utc.toISOString().replace(".000Z", "Z");

        const expected = PROFILE.filter(([obis]) => lines.has(obis));
        const count = encoder.beginTelegram(reading, NaN);
        expect(count).toBe(expected.length);
        expect(count).toBeGreaterThanOrEqual(26);
        for (let i = 0; i < count; i++) {
          const length = encoder.encode(i);
          expect(encoder.buffer[0]).toBe(0x7b); // "{"
          const payload = JSON.parse(text(encoder.buffer, length));
          const index = PROFILE.findIndex(([obis]) => obis === expected[i][0]);
          const [obis, type, unit] = PROFILE[index];
          const line = lines.get(obis)!;
          const value = shiftDecimal(line.raw, shiftOfUnit(line.unit));

          expect(payload.vscpData[payload.vscpData.length - 1]).toBe(0);
          expect(String.fromCharCode(...payload.vscpData.slice(4, -1))).toBe(value);
          expect(payload.measurement.value).toBe(Number(value));
          expect(payload.vscpDateTime).toBe(expectedDate);
          expect(payload.vscpHead).toBe(32864);

          const event = new vscp.Event(payload);
          const measurement = vscp.getMeasurementData(event);
          const guid = GUID_PREFIX + index.toString(16).toUpperCase().padStart(2, "0");
          expect([event.vscpClass, event.vscpType, event.vscpGuid]).toEqual([1040, type, guid]);
          expect(vscp.getNodeId(event.vscpGuid)).toBe(index);
          expect(vscp.isMeasurement(event.vscpClass)).toBe(true);
          expect([measurement.sensorindex, measurement.unit, measurement.zone, measurement.subzone]).toEqual([index, unit, 0, 0]);
          expect(measurement.value).toBe(Number(value));
          expect(encoder.topicOf(i)).toBe(`vscp/${guid}/1040/${type}/${index}/${index}`);
        }
      });
      expect(frames).toBe(1);
    });
  }
});

describe("value scaling by decimal shift", () => {
  it("follows the profile's examples", () => {
    expect(published("1-0:1.7.0(0001.231*kW)")).toBe("1231");
    expect(published("1-0:1.7.0(0000.000*kW)")).toBe("0");
    expect(published("1-0:32.7.0(232.8*V)")).toBe("232.8");
    expect(published("1-0:31.7.0(004.0*A)")).toBe("4.0");
    expect(published("1-0:1.8.0(00047522.278*kWh)")).toBe("47522.278");
    expect(published("1-0:1.8.0(000441870*Wh)")).toBe("441.870");
  });

  it("scales the W/Wh/VAr/VArh meter (Aidon 6560 CT): Wh and VArh by 1/1000, W and VAr as sent", () => {
    const encoder = encoderFor();
    let values: Record<string, string> = {};
    forEachFrame("SE_aidon_6560_ADN9_CT_9AD0.txt", (reading) => {
      values = Object.fromEntries(
        events(encoder, reading).map(([, p]) => {
          const payload = JSON.parse(p);
          return [payload.vscpNote, String.fromCharCode(...payload.vscpData.slice(4, -1))];
        }),
      );
    });
    expect(values["Active energy import"]).toBe("1219.311383"); // 01219311.383*Wh
    expect(values["Active energy export"]).toBe("3.281871"); // 00003281.871*Wh
    expect(values["Reactive energy import"]).toBe("16.166083"); // 00016166.083*VArh
    expect(values["Reactive energy export"]).toBe("51.630914");
    expect(values["Active power import"]).toBe("0.000"); // 0000.000*W keeps its three fraction digits
    expect(values["Reactive power import"]).toBe("0.000"); // 0000.000*VAr
    expect(values["Voltage L1"]).toBe("57.1");
    expect(Object.keys(values)).toHaveLength(26); // the transformer ratios 0.4.2/0.4.3 have no VSCP type
  });

  it("handles every unit spelling in the whole corpus exactly", () => {
    const spellings = new Set<string>();
    const encoder = encoderFor();
    for (const name of telegramNames(/\.txt$/)) {
      forEachFrame(
        name,
        (reading) => {
          const count = encoder.beginTelegram(reading, NaN);
          for (let i = 0; i < count; i++) {
            const slot = encoder.slotOf(i);
            const raw = new TextDecoder("latin1").decode(reading.frame.subarray(reading.valueStart[slot], reading.valueEnd[slot]));
            const unit = new TextDecoder("latin1").decode(reading.frame.subarray(reading.valueEnd[slot] + 1, reading.groupEnd[slot]));
            spellings.add(unit);
            const payload = JSON.parse(text(encoder.buffer, encoder.encode(i)));
            expect(String.fromCharCode(...payload.vscpData.slice(4, -1)), `${name} ${raw}*${unit}`).toBe(
              shiftDecimal(raw, shiftOfUnit(unit)),
            );
            expect(payload.measurement.value).toBe(Number(shiftDecimal(raw, shiftOfUnit(unit))));
          }
        },
        true,
      );
    }
    for (const unit of ["kWh", "Wh", "kvarh", "kVArh", "varh", "VArh", "kW", "W", "kvar", "kVAr", "var", "VAr", "V", "A", "Hz"]) {
      expect(spellings, unit).toContain(unit);
    }
    expect(spellings).not.toContain("kVA"); // apparent power is never an event
  });

  it("keeps the sign of negative values and never writes -0", () => {
    expect(published("1-0:1.7.0(-0001.231*kW)")).toBe("-1231");
    expect(published("1-0:1.7.0(-0000.000*kW)")).toBe("0");
    expect(published("1-0:31.7.0(-000.5*A)")).toBe("-0.5");
    expect(published("1-0:1.8.0(-000000001*Wh)")).toBe("-0.001");
    const encoder = encoderFor();
    const [[, payload]] = events(encoder, parseLines(["1-0:3.7.0(-0000.042*kvar)"]));
    const event = new vscp.Event(JSON.parse(payload));
    expect(vscp.getMeasurementData(event).value).toBe(-42);
    expect(JSON.parse(payload).measurement.value).toBe(-42);
  });

  it("formats a negative zero mantissa without a sign", () => {
    const out = new Uint8Array(40);
    const format = (m: number, e: number) => String.fromCharCode(...out.subarray(0, formatDecimal(m, e, out, new Uint8Array(24))));
    expect(format(-0, -3)).toBe("0.000");
    expect(format(-0, 3)).toBe("0");
    expect(format(-5, 2)).toBe("-500");
    expect(format(-5, -2)).toBe("-0.05");
  });

  it("writes zero with the meter's remaining precision", () => {
    expect(published("1-0:1.8.0(00000000.000*kWh)")).toBe("0.000");
    expect(published("1-0:1.8.0(000000*Wh)")).toBe("0.000");
    expect(published("1-0:1.7.0(0*W)")).toBe("0");
    expect(published("1-0:1.7.0(0*kW)")).toBe("0");
    expect(published("1-0:32.7.0(000.0*V)")).toBe("0.0");
  });

  it("keeps all digits at the parser's limits (15 significant digits, 30 fraction digits)", () => {
    expect(published("1-0:1.8.0(999999999999.999*kWh)")).toBe("999999999999.999");
    expect(published("1-0:1.8.0(999999999999999*Wh)")).toBe("999999999999.999");
    expect(published("1-0:1.7.0(99999999999999.9*kW)")).toBe("99999999999999900");
    expect(published("1-0:1.7.0(-99999999999999.9*kW)")).toBe("-99999999999999900");
    expect(published("1-0:1.8.0(0.000000000000000000000000000001*Wh)")).toBe("0.000000000000000000000000000000001");
    expect(published("1-0:1.8.0(123456789012.345*MWh)")).toBe("123456789012345");
    expect(published("1-0:1.8.0(999999999999999*MWh)")).toBe("999999999999999000");
  });
});

describe("event time (profile §2)", () => {
  const device = Date.UTC(2024, 5, 1, 10, 20, 30, 456);

  function firstPayload(encoder: EventEncoder, lines: string[], wallMs: number, utcOffset = 60) {
    const list = events(encoder, parseLines(lines, utcOffset), wallMs);
    return JSON.parse(list[0][1]);
  }

  it("converts the meter clock to UTC: W = UTC+1, S = UTC+2, no flag = the configured offset", () => {
    const encoder = encoderFor();
    expect(firstPayload(encoder, ["0-0:1.0.0(240101000000W)", "1-0:1.7.0(1.0*kW)"], device).vscpDateTime).toBe("2023-12-31T23:00:00Z");
    expect(firstPayload(encoder, ["0-0:1.0.0(240701120000S)", "1-0:1.7.0(1.0*kW)"], device).vscpDateTime).toBe("2024-07-01T10:00:00Z");
    const p = firstPayload(encoder, ["0-0:1.0.0(240701120000)", "1-0:1.7.0(1.0*kW)"], device, 180);
    expect(p.vscpDateTime).toBe("2024-07-01T09:00:00Z");
    expect(p.vscpTimeStamp).toBe(0);
    expect(encoder.timeSource).toBe(TimeSource.Meter);
  });

  it("falls back to the device clock (µs within the second) when the meter clock is missing or a placeholder", () => {
    const encoder = encoderFor();
    for (const clock of ["0-0:1.0.0(632525252525W)", "0-0:1.0.0(000101000001W)", "0-0:1.0.0(191231235959W)", "0-0:1.3.0(x)"]) {
      const p = firstPayload(encoder, [clock, "1-0:1.7.0(1.0*kW)"], device);
      expect(p.vscpDateTime, clock).toBe("2024-06-01T10:20:30Z");
      expect(p.vscpTimeStamp, clock).toBe(456000);
      expect(encoder.timeSource).toBe(TimeSource.Device);
    }
  });

  it("still sends with the device's best clock when neither clock is valid, and counts it", () => {
    const encoder = encoderFor();
    expect(firstPayload(encoder, ["1-0:1.7.0(1.0*kW)"], NaN).vscpDateTime).toBe("1970-01-01T00:00:00Z");
    const p = firstPayload(encoder, ["0-0:1.0.0(000101000001W)", "1-0:1.7.0(1.0*kW)"], 5_250);
    expect(p.vscpDateTime).toBe("1970-01-01T00:00:05Z");
    expect(p.vscpTimeStamp).toBe(250000);
    expect(encoder.timeSource).toBe(TimeSource.None);
  });
});

describe("what a telegram yields", () => {
  it("leaves out disabled entries, follows overridden sensor indices, and sends only present values", () => {
    const encoder = encoderFor({
      entries: [
        { obis: "1-0:2.7.0", enabled: false },
        { obis: "1-0:2.8.0", enabled: false },
        { obis: "1-0:1.7.0", sensorIndex: 200, zone: 7, subzone: 9 },
        { obis: "1-0:14.7.0", sensorIndex: 1 },
      ],
    });
    const reading = parseLines([
      "1-0:1.7.0(0001.500*kW)",
      "1-0:2.7.0(0000.100*kW)",
      "1-0:14.7.0(50.01*Hz)",
      "1-0:1.8.0(1.0*kWh)",
      "1-0:9.7.0(1.0*kVA)",
      "0-0:96.1.0(4B414D)",
    ]);
    const list = events(encoder, reading);
    expect(list.map(([topic]) => topic)).toEqual([
      `vscp/${GUID_PREFIX}00/1040/13/0/0`,
      `vscp/${GUID_PREFIX}01/1040/9/1/1`,
      `vscp/${GUID_PREFIX}C8/1040/14/200/200`,
    ]);
    expect(list[1][1]).toContain('"vscpType":9,');
    expect(list[1][1]).toContain(
      '"vscpData":[1,0,0,0,53,48,46,48,49,0],"vscpNote":"Frequency","measurement":{"value":50.01,"unit":0,"sensorindex":1,"zone":0,"subzone":0}}',
    );
    expect(list[2][1]).toContain('"vscpData":[200,7,9,0,49,53,48,48,0]');
    expect(list[2][1]).toContain('"measurement":{"value":1500,"unit":0,"sensorindex":200,"zone":7,"subzone":9}}');
  });

  it("publishes power factor (no unit) as type 63 as sent", () => {
    const [[topic, payload]] = events(encoderFor(), parseLines(["1-0:13.7.0(0.987)"]));
    const p = JSON.parse(payload);
    expect([p.vscpType, p.measurement.value, p.measurement.unit]).toEqual([63, 0.987, 0]);
    expect(topic).toMatch(/\/1040\/63\//);
  });

  it("refuses to encode an event the telegram does not have", () => {
    const encoder = encoderFor();
    expect(() => encoder.encode(0)).toThrow(RangeError);
    expect(encoder.beginTelegram(parseLines(["1-0:1.7.0(1.0*kW)"]), NaN)).toBe(1);
    expect(() => encoder.encode(1)).toThrow(RangeError);
  });

  it("writes every payload into the same buffer", () => {
    const encoder = encoderFor();
    const buffer = encoder.buffer;
    let events = 0;
    forEachFrame("SE_kaifa_MA304H4E_KFM5_7D16.txt", (reading) => {
      const count = encoder.beginTelegram(reading, NaN);
      events += count;
      for (let i = 0; i < count; i++) expect(encoder.encode(i)).toBeLessThanOrEqual(buffer.length);
    });
    expect(encoder.buffer).toBe(buffer);
    expect(events).toBe(26);
  });
});

describe("stored events (the outbox keeps slot, value digits and time; the payload is rendered when sent)", () => {
  /** Every event as encode(i) writes it and as encodeStored writes it from what the outbox keeps. */
  function bothWays(encoder: EventEncoder, reading: Parameters<EventEncoder["beginTelegram"]>[0], wallMs: number) {
    const count = encoder.beginTelegram(reading, wallMs);
    const stored: { slot: number; digits: Uint8Array; seconds: number; micros: number }[] = [];
    const direct: string[] = [];
    for (let i = 0; i < count; i++) {
      const length = encoder.digitsOf(i);
      // The digits at an offset inside a larger array, as they sit in the outbox's ring.
      const ring = new Uint8Array(length + 7).fill(0x5a);
      ring.set(encoder.valueDigits.subarray(0, length), 5);
      stored.push({ slot: encoder.slotOf(i), digits: ring, seconds: encoder.epochSeconds, micros: encoder.timestampMicros });
      direct.push(text(encoder.buffer, encoder.encode(i)));
    }
    return { stored, direct };
  }

  function render(encoder: EventEncoder, e: { slot: number; digits: Uint8Array; seconds: number; micros: number }): string {
    return text(encoder.buffer, encoder.encodeStored(e.slot, e.digits, 5, e.digits.length - 7, e.seconds, e.micros));
  }

  const names = telegramNames(/^SE_.*\.txt$/);
  const device = Date.UTC(2025, 2, 30, 0, 59, 59) + 987.5;

  it("writes exactly the bytes of encode(i) for every event of every Swedish telegram, meter time and device time", () => {
    expect(names.length).toBeGreaterThanOrEqual(12);
    const encoder = encoderFor();
    const all: { stored: ReturnType<typeof bothWays>["stored"]; direct: string[] }[] = [];
    for (const name of names) {
      expect(
        forEachFrame(name, (reading) => {
          all.push(bothWays(encoder, reading, device)); // the meter clock
          const placeholder = parseLines(["0-0:1.0.0(000101000001W)"]);
          placeholder.present.set(reading.present);
          placeholder.mantissa.set(reading.mantissa);
          placeholder.exponent.set(reading.exponent);
          placeholder.unit.set(reading.unit);
          all.push(bothWays(encoder, placeholder, device)); // the device clock, with µs
        }),
        name,
      ).toBe(1);
    }
    let events = 0;
    // Rendered later, after other telegrams were encoded, and interleaved: nothing left over from the last one.
    for (const round of [all, [...all].reverse()]) {
      for (const telegram of round) {
        telegram.stored.forEach((e, i) => {
          expect(render(encoder, e)).toBe(telegram.direct[i]);
        });
        events += telegram.stored.length;
      }
    }
    expect(events).toBe(2 * 2 * 26 * names.length);
    expect(all.some((t) => JSON.parse(t.direct[0]).vscpTimeStamp === 987500)).toBe(true);
  });

  it("writes the same bytes whether the stored events of two telegrams alternate or not", () => {
    const encoder = encoderFor();
    const a = bothWays(encoder, parseLines(["0-0:1.0.0(241212201348W)", "1-0:1.7.0(01.193*kW)"]), NaN);
    const b = bothWays(encoder, parseLines(["0-0:1.0.0(250101000000W)", "1-0:1.7.0(00.001*kW)"]), NaN);
    for (let k = 0; k < 3; k++) {
      expect(render(encoder, a.stored[0])).toBe(a.direct[0]);
      expect(render(encoder, b.stored[0])).toBe(b.direct[0]);
    }
  });

  it("refuses a slot that is not published and digits longer than a value can be", () => {
    const encoder = encoderFor({ entries: [{ obis: "1-0:2.7.0", enabled: false }] });
    const digits = new Uint8Array(64).fill(0x31);
    expect(() => encoder.encodeStored(catalog.indexOfCode("1-0:2.7.0"), digits, 0, 1, 0, 0)).toThrow(RangeError);
    expect(() => encoder.encodeStored(catalog.indexOfCode("0-0:96.1.0"), digits, 0, 1, 0, 0)).toThrow(RangeError);
    expect(() => encoder.encodeStored(-1, digits, 0, 1, 0, 0)).toThrow(RangeError);
    expect(() => encoder.encodeStored(catalog.indexOfCode("1-0:1.7.0"), digits, 0, 41, 0, 0)).toThrow(RangeError);
    expect(encoder.encodeStored(catalog.indexOfCode("1-0:1.7.0"), digits, 0, 40, 0, 0)).toBeLessThanOrEqual(encoder.buffer.length);
  });
});
