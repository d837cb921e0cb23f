// The health table: one list of names from which the counters, the stats JSON and the status page follow;
// the last internal error and the counters that reach MQTT only through the stats.
import { describe, expect, it } from "vitest";
import {
  ERROR_TEXT_MAX,
  HEALTH_FIELDS,
  STATS_FIELDS,
  StatsWriter,
  createHealthCounters,
  healthView,
  recordInternalError,
} from "../modules/app/health";
import { expectedEvents, makeRig } from "./fakes/rig";
import { telegramSeries, withValue } from "./fakes/telegrams";

/** The VSCP profile's stats set (§7), which comes first and in this order. */
const PROFILE_KEYS = [
  "uptime",
  "telegramsOk",
  "crcErrors",
  "overflows",
  "truncated",
  "hdlcFrames",
  "unknownLines",
  "bytesReceived",
  "uartOverruns",
  "mqttReconnects",
  "queueDepth",
  "queueDrops",
  "eventsPublished",
  "timeFromDevice",
  "timeUnknown",
  "freeMemory",
  "rssi",
  "lastTelegramAge",
];

const text = (bytes: Uint8Array, length: number) => Buffer.from(bytes.subarray(0, length)).toString("latin1");

describe("the health table", () => {
  it("names each figure once; the counters object has exactly its names, in its order", () => {
    const keys = HEALTH_FIELDS.map((f) => f.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(Object.keys(createHealthCounters())).toEqual(keys);
  });

  it("writes the stats JSON with the profile's keys first, then every other published figure, integers or null", () => {
    const h = createHealthCounters();
    h.uptime = 3600.9;
    h.telegramsOk = 360;
    h.rssi = -67;
    h.meterSilent = true;
    h.malformedLines = 2;
    h.lastInternalError = "drain: TypeError: x";
    const writer = new StatsWriter();
    const json = JSON.parse(text(writer.buffer, writer.write(h))) as Record<string, unknown>;
    expect(Object.keys(json).slice(0, PROFILE_KEYS.length)).toEqual(PROFILE_KEYS);
    expect(Object.keys(json)).toEqual(STATS_FIELDS.map((f) => f.key));
    expect(json).toMatchObject({
      uptime: 3600,
      telegramsOk: 360,
      rssi: -67,
      freeMemory: null,
      lastTelegramAge: null,
      meterSilent: 1,
      malformedLines: 2,
      lastInternalError: "drain: TypeError: x",
    });
    expect(json).not.toHaveProperty("mqttConnected");
    h.lastInternalError = "";
    expect(JSON.parse(text(writer.buffer, writer.write(h))).lastInternalError).toBeNull();
  });

  it("keeps the last internal error bounded, printable, JSON-safe and without the secrets it is given", () => {
    const h = createHealthCounters();
    const secret = "hunter2-Secret";
    recordInternalError(h, "drain", new RangeError(`bad "quote" \\ ${secret}\n${"x".repeat(500)}`), [secret, ""]);
    expect(h.internalErrors).toBe(1);
    expect(h.lastInternalError.length).toBe(ERROR_TEXT_MAX);
    expect(h.lastInternalError.startsWith("drain: RangeError: bad 'quote' / ***?xx")).toBe(true);
    expect(h.lastInternalError).not.toContain(secret);
    const writer = new StatsWriter();
    expect(JSON.parse(text(writer.buffer, writer.write(h))).lastInternalError).toBe(h.lastInternalError);
    recordInternalError(h, "stats", "not an Error", []);
    expect([h.internalErrors, h.lastInternalError]).toEqual([2, "stats: not an Error"]);
  });

  it("gives the status page every figure by its stats name, unknowns as null", () => {
    const h = createHealthCounters();
    h.queueDepth = 4;
    const view = healthView(h);
    expect(Object.keys(view)).toEqual(HEALTH_FIELDS.map((f) => f.key));
    expect(view).toMatchObject({ queueDepth: 4, rssi: null, lastInternalError: null, mqttConnected: false });
  });
});

describe("the bridge's stats", () => {
  it("publish where the last internal error happened, with the MQTT password masked", () => {
    const rig = makeRig({ statsS: 10 });
    rig.bridge.start();
    rig.clock.advance(1000);
    const series = telegramSeries(3);
    const events = (rig.bridge as unknown as { events: { digitsOf(i: number): number } }).events;
    const digitsOf = events.digitsOf.bind(events);
    let calls = 0;
    events.digitsOf = (i) => {
      if (++calls === 30) throw new Error("slot broken near s3cret-pass");
      return digitsOf(i);
    };
    for (const t of series) rig.telegram(t);
    expect(rig.events()).toEqual(expectedEvents([series[0], series[2]]));
    const stats = rig.mqtt.on(rig.presence.statsTopic).map((m) => JSON.parse(m.payload));
    expect(stats.at(-1)).toMatchObject({ internalErrors: 1, lastInternalError: "telegram: Error: slot broken near ***" });
    expect(rig.mqtt.received.some((m) => m.payload.includes("s3cret-pass"))).toBe(false);
  });

  it("publish the parser's rejections, the port's framing errors, frames without CRC and values the encoder skipped", () => {
    const rig = makeRig({ statsS: 10 });
    rig.meter.framingErrors = 3;
    rig.bridge.start();
    rig.clock.advance(1000);
    const [first, second] = telegramSeries(2);
    // A voltage sent in A (unit rejected), a current that is no number (value rejected), and a value beyond what an
    // event can write (the parser never stores one today; the encoder skips it should it ever happen).
    let odd = withValue(first, "1-0:32.7.0", "230.0*A");
    odd = withValue(odd, "1-0:31.7.0", "x.y*A");
    const parser = (rig.bridge as unknown as { parser: { parse(...args: unknown[]): { mantissa: Float64Array } } }).parser;
    const parse = parser.parse.bind(parser);
    parser.parse = (...args) => {
      const reading = parse(...args);
      reading.mantissa[rig.bridge.catalog.indexOfCode("1-0:1.8.0")] = 1e16;
      return reading;
    };
    rig.telegram(odd);
    const noCrc = Buffer.from(second.toString("latin1").replace(/\n![0-9A-F]{4}/, "\n!"), "latin1");
    rig.telegram(noCrc);
    rig.clock.advance(10_000);
    const last = JSON.parse(rig.mqtt.on(rig.presence.statsTopic).at(-1)!.payload) as Record<string, number>;
    expect(last).toMatchObject({
      telegramsOk: 1,
      unitRejected: 1,
      valueRejected: 1,
      valuesUnencodable: 1,
      uartFramingErrors: 3,
      noCrcTelegrams: 1,
      noCrcRejected: 1,
    });
  });
});
