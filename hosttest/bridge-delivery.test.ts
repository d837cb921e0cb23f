// End to end through the bridge core with fake ports and the real VSCP encoder: every event exactly once, in order.
import { describe, expect, it } from "vitest";
import { DEFAULT_OUTBOX_BYTES } from "../modules/app/outbox-sizing";
import { EVENT_HEADER_BYTES, RECORD_HEADER_BYTES } from "../modules/app/outbox";
import { expectedEvents, makeRig, seeded } from "./fakes/rig";
import { corrupt, stamp, swedishTelegrams, T0, telegramSeries } from "./fakes/telegrams";

/** Outbox bytes of one telegram's events: record header, then per event slot, digit count and the value digits. */
function compactBytes(events: readonly { payload: string }[]): number {
  const digits = (e: { payload: string }) => (JSON.parse(e.payload) as { vscpData: number[] }).vscpData.length - 5;
  return RECORD_HEADER_BYTES + events.reduce((sum, e) => sum + EVENT_HEADER_BYTES + digits(e), 0);
}

function startConnected(rig: ReturnType<typeof makeRig>): void {
  rig.bridge.start();
  rig.clock.advance(1000); // join (100 ms) + connect (50 ms)
  expect(rig.mqtt.connected).toBe(true);
}

describe("bridge delivery", () => {
  it("publishes a telegram's events together, in catalog order, after status and new node online", () => {
    const rig = makeRig();
    startConnected(rig);
    const [t] = telegramSeries(1);
    rig.telegram(t, 0);
    const want = expectedEvents([t]);
    expect(want.length).toBe(26);
    expect(rig.events()).toEqual(want);
    const topics = rig.mqtt.received.map((m) => m.topic);
    expect(topics[0]).toBe(rig.presence.statusTopic);
    expect(rig.mqtt.received[0]).toMatchObject({ payload: "online", retain: true });
    expect(topics[1]).toBe(rig.presence.newNodeOnlineTopic);
    const { options } = rig.mqtt.connects[0];
    expect(options).toMatchObject({ clientId: "p1vscp-240ac4123456", username: "meter", password: "s3cret-pass" });
    expect(options.will).toEqual({ topic: rig.presence.statusTopic, payload: "offline", retain: true });
    expect(rig.bridge.refreshHealth()).toMatchObject({ telegramsOk: 1, eventsQueued: 26, eventsPublished: 26, queueDepth: 0 });
  });

  it("publishes nothing of a telegram whose CRC does not verify, and counts it", () => {
    const rig = makeRig();
    startConnected(rig);
    const [a, b] = telegramSeries(2);
    rig.telegram(corrupt(a));
    rig.telegram(b);
    expect(rig.events()).toEqual(expectedEvents([b]));
    expect(rig.bridge.refreshHealth()).toMatchObject({ telegramsOk: 1, crcErrors: 1 });
  });

  it("rejects telegrams without CRC unless configured to accept them", () => {
    const noCrc = (t: Buffer) => Buffer.from(t.toString("latin1").replace(/!([0-9A-F]{4})/, "!"), "latin1");
    const [t] = telegramSeries(1);
    const strict = makeRig();
    startConnected(strict);
    strict.telegram(noCrc(t));
    expect(strict.events()).toEqual([]);
    expect(strict.bridge.refreshHealth()).toMatchObject({ noCrcRejected: 1, telegramsOk: 0 });
    const lax = makeRig({ acceptNoCrc: true });
    startConnected(lax);
    lax.telegram(noCrc(t));
    expect(lax.events()).toEqual(expectedEvents([t]));
  });

  it("broker away for 5 minutes while telegrams arrive every 10 s: after reconnect every event arrives once, in order", () => {
    const rig = makeRig();
    startConnected(rig);
    const series = telegramSeries(6 + 30 + 6);
    for (const t of series.slice(0, 6)) rig.telegram(t);
    rig.mqtt.goDown();
    for (const t of series.slice(6, 36)) rig.telegram(t);
    expect(rig.bridge.outbox.messages).toBe(30 * 26);
    expect(rig.events().length).toBe(6 * 26);
    rig.mqtt.goUp();
    for (const t of series.slice(36)) rig.telegram(t);
    rig.clock.advance(30_000);
    const got = rig.events();
    const want = expectedEvents(series);
    expect(got.length).toBe(want.length);
    expect(got).toEqual(want);
    expect(new Set(got.map((e) => e.payload)).size).toBe(got.length);
    expect(rig.bridge.refreshHealth()).toMatchObject({
      telegramsOk: 42,
      eventsQueued: 42 * 26,
      eventsPublished: 42 * 26,
      queueDepth: 0,
      queueDrops: 0,
      queueDroppedTelegrams: 0,
      mqttReconnects: 1,
      mqttDisconnects: 1,
    });
    // Presence again on the reconnect.
    expect(rig.mqtt.on(rig.presence.newNodeOnlineTopic).length).toBe(2);
    expect(rig.mqtt.on(rig.presence.statusTopic).map((m) => m.payload)).toEqual(["online", "online"]);
  });

  it("the default outbox holds 10 minutes of the largest Swedish telegram without a drop", () => {
    const largest = swedishTelegrams().find((t) => t.name.startsWith("SE_aidon_6560"))!.bytes;
    const series = Array.from({ length: 61 }, (_, i) => stamp(largest, T0 + i * 10_000));
    const rig = makeRig();
    expect(rig.bridge.outbox.capacity).toBe(DEFAULT_OUTBOX_BYTES);
    startConnected(rig);
    rig.mqtt.goDown();
    for (const t of series) rig.telegram(t);
    expect(rig.bridge.outbox.droppedTelegrams).toBe(0);
    expect(rig.bridge.outbox.telegrams).toBe(61);
    expect(rig.bridge.outbox.usedBytes).toBe(61 * compactBytes(expectedEvents([series[0]])));
    rig.mqtt.goUp();
    rig.clock.advance(30_000);
    expect(rig.events()).toEqual(expectedEvents(series));
  });

  it("10 minutes of broker outage (60 telegrams at 10 s, every meter, ring already part used) lose nothing with the default capacity", () => {
    const corpus = swedishTelegrams();
    const largest = corpus.find((t) => t.name.startsWith("SE_aidon_6560"))!.bytes;
    // Before the outage: a mixed series, so the outage starts somewhere inside the ring, not at offset 0.
    const before = telegramSeries(37);
    // The outage: 60 telegrams, half of them the largest meter's, the rest cycling through the corpus.
    const during = Array.from({ length: 60 }, (_, i) =>
      stamp(i % 2 === 0 ? largest : corpus[i % corpus.length].bytes, T0 + (37 + i) * 10_000),
    );
    const after = telegramSeries(3, T0 + 97 * 10_000);
    const rig = makeRig();
    startConnected(rig);
    for (const t of before) rig.telegram(t);
    rig.mqtt.goDown();
    for (const t of during) rig.telegram(t);
    expect(rig.bridge.outbox.messages).toBe(60 * 26);
    rig.mqtt.goUp();
    for (const t of after) rig.telegram(t);
    rig.clock.advance(30_000);
    const all = [...before, ...during, ...after];
    expect(rig.events()).toEqual(expectedEvents(all));
    expect(rig.bridge.refreshHealth()).toMatchObject({
      telegramsOk: 100,
      eventsQueued: 100 * 26,
      eventsPublished: 100 * 26,
      queueDepth: 0,
      queueBytes: 0,
      queueDrops: 0,
      queueDroppedTelegrams: 0,
      mqttDisconnects: 1,
    });
  });

  it("outbox overflow drops the oldest whole telegrams; the rest arrive; drops are counted", () => {
    // One meter, so that every telegram takes about the same room.
    const meter = swedishTelegrams()[0].bytes;
    const series = Array.from({ length: 12 }, (_, i) => stamp(meter, T0 + i * 10_000));
    const perTelegram = series.map((t) => expectedEvents([t]));
    const telegramBytes = Math.max(...perTelegram.map(compactBytes));
    const rig = makeRig({ outboxBytes: Math.floor(telegramBytes * 4.5) });
    startConnected(rig);
    rig.mqtt.goDown();
    for (const t of series) rig.telegram(t);
    rig.mqtt.goUp();
    rig.clock.advance(30_000);
    const got = rig.events();
    const kept = got.length / 26;
    expect(Number.isInteger(kept)).toBe(true);
    expect(kept).toBeGreaterThanOrEqual(3);
    expect(kept).toBeLessThanOrEqual(4);
    expect(got).toEqual(perTelegram.slice(12 - kept).flat());
    expect(rig.bridge.refreshHealth()).toMatchObject({
      queueDroppedTelegrams: 12 - kept,
      queueDrops: (12 - kept) * 26,
      eventsPublished: kept * 26,
      queueDepth: 0,
    });
  });

  for (const refusal of ["busy", "throw"] as const) {
    it(`a link that answers "${refusal}" (send buffer full) on every third publish loses and duplicates nothing`, () => {
      const rig = makeRig();
      rig.mqtt.outcome = (n) => (n % 3 === 0 ? refusal : "ok");
      startConnected(rig);
      const series = telegramSeries(40);
      for (const t of series.slice(0, 10)) rig.telegram(t);
      rig.mqtt.goDown();
      for (const t of series.slice(10, 30)) rig.telegram(t);
      rig.mqtt.goUp();
      for (const t of series.slice(30)) rig.telegram(t);
      rig.clock.advance(30_000);
      expect(rig.events()).toEqual(expectedEvents(series));
      const h = rig.bridge.refreshHealth();
      expect(h.queueDepth).toBe(0);
      if (refusal === "busy") expect(h.publishRetries).toBeGreaterThan(100);
      else expect(h.portErrors).toBeGreaterThan(100);
      expect(rig.mqtt.on(rig.presence.statusTopic).length).toBe(2);
    });
  }

  it("the byte stream split at random points gives the same published events", () => {
    const series = telegramSeries(8);
    const stream = Buffer.concat(series);
    const want = expectedEvents(series);
    for (let seed = 1; seed <= 20; seed++) {
      const random = seeded(seed);
      const sizes = Array.from({ length: 64 }, () => 1 + Math.floor(random() * (seed % 2 ? 40 : 900)));
      const rig = makeRig();
      startConnected(rig);
      rig.telegram(stream, 1000, sizes);
      expect(rig.events(), `seed ${seed}`).toEqual(want);
    }
  });

  it("noise, garbage and a cut telegram between good ones cost nothing of the good ones", () => {
    const series = telegramSeries(3);
    const cut = series[1].subarray(0, 300);
    const rig = makeRig();
    startConnected(rig);
    rig.telegram(Buffer.concat([Buffer.from([0x00, 0xff, 0x7e, 0x13]), series[0], cut, series[2]]));
    expect(rig.events()).toEqual(expectedEvents([series[0], series[2]]));
    expect(rig.bridge.refreshHealth()).toMatchObject({ telegramsOk: 2, truncated: 1 });
  });
});
