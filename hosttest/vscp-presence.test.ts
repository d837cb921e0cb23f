import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { VscpConfigError } from "../modules/vscp/config-error";
import { VscpMapping } from "../modules/vscp/mapping";
import { PresenceEncoder, STATUS_OFFLINE, STATUS_ONLINE } from "../modules/vscp/presence";
import { TelegramParser } from "../modules/p1/parser";
import { Reading } from "../modules/p1/reading";
import { TelegramSnapshot } from "../modules/vscp/snapshot";
import { ByteWriter, latin1StringLength } from "../modules/vscp/writer";
import fc from "fast-check";
import { catalog, forEachFrame, parseLines, text } from "./support/vscp-telegrams";

const vscp = createRequire(import.meta.url)("node-vscp");
const MAC = "24:0A:C4:12:34:56";
const NODE = "FF:FF:FF:FF:FF:FF:FF:FE:24:0A:C4:12:34:56:00:00";
const WALL = Date.UTC(2024, 11, 12, 19, 13, 48, 123);

function presence(options = {}, config = {}): PresenceEncoder {
  return new PresenceEncoder(new VscpMapping(catalog, { mac: MAC, ...config }), options);
}

describe("presence messages, byte-exact", () => {
  it("new node online: CLASS1.PROTOCOL / 2 with the node's 16 GUID bytes", () => {
    const p = presence();
    expect(p.newNodeOnlineTopic).toBe(`vscp/${NODE}/0/2/0/0`);
    expect(text(p.buffer, p.newNodeOnline(WALL))).toBe(
      `{"vscpHead":32864,"vscpObId":0,"vscpDateTime":"2024-12-12T19:13:48Z","vscpTimeStamp":123000,"vscpClass":0,"vscpType":2,` +
        `"vscpGuid":"${NODE}","vscpData":[255,255,255,255,255,255,255,254,36,10,196,18,52,86,0,0],"vscpNote":"New node online"}`,
    );
  });

  it("level-I heartbeat: CLASS1.INFORMATION / 9 with [0, zone, subzone]", () => {
    const p = presence({}, { zone: 12, subzone: 34 });
    expect(p.heartbeatTopic).toBe(`vscp/${NODE}/20/9/0/0`);
    expect(text(p.buffer, p.heartbeat(WALL))).toBe(
      `{"vscpHead":32864,"vscpObId":0,"vscpDateTime":"2024-12-12T19:13:48Z","vscpTimeStamp":123000,"vscpClass":20,"vscpType":9,` +
        `"vscpGuid":"${NODE}","vscpData":[0,12,34],"vscpNote":"Node heartbeat"}`,
    );
  });

  it("level-II heartbeat: CLASS2.INFORMATION / 2 with the node name as UTF-8", () => {
    const p = presence({ nodeName: "Mätare" });
    expect(p.level2HeartbeatTopic).toBe(`vscp/${NODE}/1026/2/0/0`);
    expect(text(p.buffer, p.level2Heartbeat(NaN))).toBe(
      `{"vscpHead":32864,"vscpObId":0,"vscpDateTime":"1970-01-01T00:00:00Z","vscpTimeStamp":0,"vscpClass":1026,"vscpType":2,` +
        `"vscpGuid":"${NODE}","vscpData":[77,195,164,116,97,114,101],"vscpNote":"Node heartbeat"}`,
    );
  });

  it("cuts a long node name to 64 bytes without splitting a character", () => {
    const p = presence({ nodeName: "ö".repeat(40) });
    expect(p.nodeNameBytes.length).toBe(64);
    const data: number[] = JSON.parse(text(p.buffer, p.level2Heartbeat(WALL))).vscpData;
    expect(new TextDecoder("utf-8", { fatal: true }).decode(Uint8Array.from(data))).toBe("ö".repeat(32));
    const odd = presence({ nodeName: "a" + "ö".repeat(40) });
    expect(odd.nodeNameBytes.length).toBe(63);
  });

  it("is read by node-vscp as the same events", () => {
    const p = presence();
    for (const [length, cls, type] of [[p.newNodeOnline(WALL), 0, 2]] as const) {
      const event = new vscp.Event(JSON.parse(text(p.buffer, length)));
      expect([event.vscpClass, event.vscpType, event.vscpGuid, event.vscpHead]).toEqual([cls, type, NODE, 32864]);
      expect(vscp.guidToStr(event.vscpData)).toBe(NODE);
    }
    const hb = new vscp.Event(JSON.parse(text(p.buffer, p.heartbeat(WALL))));
    expect([hb.vscpClass, hb.vscpType, hb.vscpData]).toEqual([20, 9, [0, 0, 0]]);
  });

  it("uses the base GUID's node GUID and the template for presence topics", () => {
    const p = presence({}, { guid: "FD:10:00:00:00:00:00:00:00:00:00:00:11:22:00:05", topic: "v/{guid}/{class}/{type}" });
    expect(p.heartbeatTopic).toBe("v/FD:10:00:00:00:00:00:00:00:00:00:00:11:22:00:00/20/9");
  });
});

describe("status, stats and telegram topics", () => {
  it("derives them from the prefix and the MAC", () => {
    const p = presence();
    expect([p.statusTopic, p.statsTopic, p.telegramTopic]).toEqual([
      "p1vscp/240AC4123456/status",
      "p1vscp/240AC4123456/stats",
      "p1vscp/240AC4123456/telegram",
    ]);
    expect([STATUS_ONLINE, STATUS_OFFLINE]).toEqual(["online", "offline"]);
    const q = presence({ prefix: "house", deviceId: "meter1" });
    expect(q.statusTopic).toBe("house/meter1/status");
  });

  it("refuses prefixes and device ids that are not one topic level, and a missing MAC", () => {
    for (const [options, field] of [
      [{ prefix: "a/b" }, "prefix"],
      [{ prefix: "" }, "prefix"],
      [{ prefix: "a+" }, "prefix"],
      [{ deviceId: "#" }, "deviceId"],
    ] as const) {
      expect(() => presence(options)).toThrow(VscpConfigError);
      try {
        presence(options);
      } catch (error) {
        expect((error as VscpConfigError).field).toBe(field);
      }
    }
    const guidOnly = new VscpMapping(catalog, { guid: "FD:10:00:00:00:00:00:00:00:00:00:00:11:22:00:00" });
    expect(() => new PresenceEncoder(guidOnly)).toThrow(/mac: /);
    expect(new PresenceEncoder(guidOnly, { deviceId: "x" }).statusTopic).toBe("p1vscp/x/status");
  });
});

describe("telegram snapshot", () => {
  it("holds every value in the meter's units, the header and the meter time", () => {
    const snapshot = new TelegramSnapshot(catalog);
    let json = "";
    forEachFrame("SE_aidon_6560_ADN9_CT_9AD0.txt", (reading) => {
      json = text(snapshot.buffer, snapshot.write(reading));
    });
    expect(
      json.startsWith(
        '{"header":"ADN9 6560","meterTime":"210729140950W","utc":"2021-07-29T13:09:50Z","clockValid":true,' +
          '"values":{"1-0:1.8.0":{"value":1219311.383,"unit":"Wh"},"1-0:2.8.0":{"value":3281.871,"unit":"Wh"},' +
          '"1-0:3.8.0":{"value":16166.083,"unit":"VArh"},',
      ),
    ).toBe(true);
    expect(json.endsWith('"1-0:0.4.2":{"value":995},"1-0:0.4.3":{"value":0.01}},"unknown":[],"omitted":0}')).toBe(true);
    const parsed = JSON.parse(json);
    expect(Object.keys(parsed.values)).toHaveLength(28);
    expect(parsed.values["1-0:1.7.0"]).toEqual({ value: 0, unit: "W" });
    expect(json).toContain('"1-0:1.7.0":{"value":0.000,"unit":"W"}');
  });

  it("escapes the header, keeps texts and unknown lines, and reports an invalid clock", () => {
    const snapshot = new TelegramSnapshot(catalog);
    forEachFrame("SE_sagemcom_ELL5_ellevio_4760.txt", (reading) => {
      expect(JSON.parse(text(snapshot.buffer, snapshot.write(reading))).header).toBe("ELL5\\253833635_A");
    });
    const reading = parseLines(["0-0:1.0.0(632525252525W)", '0-0:96.1.0(4B"414D)', "1-0:99.99.9(12*kWh)", "1-0:31.7.0(001.0*A)"]);
    const json = text(snapshot.buffer, snapshot.write(reading));
    const parsed = JSON.parse(json);
    expect(parsed.meterTime).toBe("632525252525W");
    expect([parsed.utc, parsed.clockValid]).toEqual([null, false]);
    expect(parsed.values["0-0:96.1.0"]).toEqual({ text: '4B"414D' });
    expect(parsed.values["1-0:31.7.0"]).toEqual({ value: 1, unit: "A" });
    expect(json).toContain('"1-0:31.7.0":{"value":1.0,"unit":"A"}');
    expect(parsed.unknown).toEqual(["1-0:99.99.9(12*kWh)"]);
    const noClock = JSON.parse(text(snapshot.buffer, snapshot.write(parseLines(["1-0:31.7.0(001.0*A)"]))));
    expect([noClock.meterTime, noClock.utc, noClock.clockValid]).toEqual([null, null, false]);
  });

  it("names the unit of a DSMR 2.2 gas reading, which is not next to its value", () => {
    const snapshot = new TelegramSnapshot(catalog);
    let gas: unknown;
    forEachFrame(
      "NL_iskra_MT382_DSMR22_nocrc.txt",
      (reading) => {
        gas = JSON.parse(text(snapshot.buffer, snapshot.write(reading))).values["0-1:24.3.0"];
      },
      true,
    );
    expect(gas).toEqual({ value: 1.001, unit: "m3" });
  });

  it("leaves out what does not fit a small buffer and says so, still valid JSON", () => {
    const snapshot = new TelegramSnapshot(catalog, 400);
    forEachFrame("SE_sagemcom_ELL5_ellevio_4760.txt", (reading) => {
      const length = snapshot.write(reading);
      expect(length).toBeLessThanOrEqual(400);
      const parsed = JSON.parse(text(snapshot.buffer, length));
      expect(parsed.omitted).toBeGreaterThan(0);
      expect(Object.keys(parsed.values).length + parsed.omitted).toBe(26);
    });
  });

  const parseFrame = (header: string, lines: readonly string[]): Reading => {
    const bytes = Buffer.from(`/${header}\r\n\r\n${lines.map((l) => `${l}\r\n`).join("")}!`, "latin1");
    const reading = new Reading(catalog);
    new TelegramParser(catalog).parse(bytes, bytes.length, reading);
    return reading;
  };

  it("a 647-control-character header and a 24-character clock: no RangeError, complete JSON within the buffer", () => {
    const snapshot = new TelegramSnapshot(catalog);
    const reading = parseFrame("\x01".repeat(647), [`0-0:1.0.0(${"\x02".repeat(24)})`, "1-0:1.7.0(0001.727*kW)"]);
    const length = snapshot.write(reading);
    expect(length).toBeLessThanOrEqual(snapshot.buffer.length);
    const parsed = JSON.parse(text(snapshot.buffer, length));
    expect(parsed.meterTime).toBe("\x02".repeat(24));
    expect(parsed.values["1-0:1.7.0"]).toEqual({ value: 1.727, unit: "kW" });
  });

  it("never writes past its buffer, and leaves out only what really does not fit (any header, clock and lines)", () => {
    // Mostly bytes that need escaping (6 bytes for a control byte), so the limits are reached.
    const textChar = fc
      .oneof(fc.constantFrom(0x01, 0x1f, 0x22, 0x5c, 0x7f, 0xff), fc.integer({ min: 0, max: 255 }))
      .filter((b) => b !== 0x0a && b !== 0x0d);
    const text32 = (max: number) => fc.array(textChar, { maxLength: max }).map((a) => String.fromCharCode(...a));
    fc.assert(
      fc.property(
        text32(900),
        text32(40),
        fc.array(text32(120), { maxLength: 12 }),
        fc.integer({ min: 0, max: 4000 }),
        (header, clock, extra, spare) => {
          const lines = [
            `0-0:1.0.0(${clock.replace(/[()]/g, "")})`,
            "1-0:1.7.0(0001.727*kW)",
            "0-0:96.13.0(" + extra.join("").replace(/[()]/g, "") + ")",
            ...extra.map((l, i) => `1-0:99.${i}.0(${l})`),
          ];
          const reading = parseFrame(header.replace(/^[/!]/, "x"), lines);
          const capacity = 300 + spare;
          const snapshot = new TelegramSnapshot(catalog, capacity);
          const length = snapshot.write(reading);
          expect(length).toBeLessThanOrEqual(capacity);
          const parsed = JSON.parse(Buffer.from(snapshot.buffer.subarray(0, length)).toString("latin1"));
          const headerWritten = reading.headerEnd === reading.headerStart || parsed.header !== "";
          const values = reading.orderLength - (reading.present[catalog.clockIndex] ? 1 : 0);
          expect((headerWritten ? 1 : 0) + Object.keys(parsed.values).length + parsed.unknown.length + parsed.omitted).toBe(
            1 + values + reading.unknownLength,
          );
          // With room for everything, nothing is left out.
          const roomy = new TelegramSnapshot(catalog, 65536);
          roomy.write(reading);
          expect(roomy.omitted).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("latin1StringLength is exactly what latin1String writes, for every byte", () => {
    const w = new ByteWriter(8);
    for (let b = 0; b < 256; b++) {
      const one = Uint8Array.of(b);
      w.pos = 0;
      w.latin1String(one, 0, 1);
      expect(latin1StringLength(one, 0, 1), `byte ${b}`).toBe(w.pos);
    }
  });

  it("refuses a buffer too small for the smallest snapshot", () => {
    expect(() => new TelegramSnapshot(catalog, 100)).toThrow(RangeError);
  });
});
