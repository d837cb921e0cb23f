// At-least-once delivery through the bridge core with a fake link whose broker acknowledges late, never, out of
// order, or drops the connection with events in flight: every event arrives, duplicates only from the window.
import { describe, expect, it } from "vitest";
import { DEFAULT_INFLIGHT_EVENTS } from "../modules/config/schema";
import type { Received } from "./fakes/fake-mqtt";
import { expectedEvents, makeRig, type Rig } from "./fakes/rig";
import { telegramSeries } from "./fakes/telegrams";

function startConnected(rig: Rig): void {
  rig.bridge.start();
  rig.clock.advance(1000);
  expect(rig.mqtt.connected).toBe(true);
}

/** The VSCP event messages the broker got (presence excluded), with their flags. */
function eventMessages(rig: Rig): Received[] {
  const presence = new Set([rig.presence.heartbeatTopic, rig.presence.level2HeartbeatTopic, rig.presence.newNodeOnlineTopic]);
  return rig.mqtt.received.filter((m) => m.topic.startsWith("vscp/") && !presence.has(m.topic));
}

/** First arrival of each event, in arrival order (a consumer's view after dropping duplicates). */
function unique(messages: readonly Received[]): { topic: string; payload: string }[] {
  const seen = new Set<string>();
  const out: { topic: string; payload: string }[] = [];
  for (const m of messages) {
    const key = `${m.topic}\n${m.payload}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ topic: m.topic, payload: m.payload });
  }
  return out;
}

function duplicates(messages: readonly Received[]): number {
  return messages.length - unique(messages).length;
}

describe("at-least-once delivery (QoS 1)", () => {
  it("publishes events at QoS 1 by default; an event leaves the outbox only when acknowledged", () => {
    const rig = makeRig();
    rig.mqtt.ackTiming = () => "hold";
    startConnected(rig);
    const [t] = telegramSeries(1);
    rig.telegram(t, 0);
    const sent = eventMessages(rig);
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.length).toBeLessThanOrEqual(DEFAULT_INFLIGHT_EVENTS);
    expect(sent.length).toBe(rig.bridge.inFlight.count);
    expect(sent.every((m) => m.qos === 1 && !m.duplicate && m.packetId > 0)).toBe(true);
    expect(new Set(sent.map((m) => m.packetId)).size).toBe(sent.length);
    expect(rig.bridge.outbox.messages).toBe(26); // nothing released yet
    rig.mqtt.ackHeld();
    rig.clock.advance(0);
    rig.mqtt.ackHeld();
    rig.clock.advance(0);
    rig.mqtt.ackHeld();
    rig.clock.advance(0);
    expect(rig.events()).toEqual(expectedEvents([t]));
    expect(rig.bridge.outbox.messages).toBe(0);
    expect(rig.bridge.refreshHealth()).toMatchObject({ eventsPublished: 26, queueDepth: 0, redelivered: 0 });
  });

  it("keeps at most the window in flight, in events and in bytes", () => {
    const byEvents = makeRig({ inFlightEvents: 5, inFlightBytes: 1 << 20 });
    byEvents.mqtt.ackTiming = () => "hold";
    startConnected(byEvents);
    byEvents.telegram(telegramSeries(1)[0], 0);
    expect(eventMessages(byEvents).length).toBe(5);
    byEvents.mqtt.ackHeld([byEvents.mqtt.held[1]]); // not the oldest: nothing can leave yet
    byEvents.clock.advance(0);
    expect(eventMessages(byEvents).length).toBe(5);
    byEvents.mqtt.ackHeld([byEvents.mqtt.held[0]]); // the two oldest leave, two more go out
    byEvents.clock.advance(0);
    expect(eventMessages(byEvents).length).toBe(7);
    expect(byEvents.bridge.inFlight.count).toBe(5);

    const byBytes = makeRig({ inFlightEvents: 100, inFlightBytes: 1000 });
    byBytes.mqtt.ackTiming = () => "hold";
    startConnected(byBytes);
    byBytes.telegram(telegramSeries(1)[0], 0);
    const sent = eventMessages(byBytes);
    const bytes = sent.reduce((sum, m) => sum + m.payload.length, 0);
    // A new event goes out while fewer than 1000 payload bytes are in flight: at most one event beyond.
    expect(bytes - sent[sent.length - 1].payload.length).toBeLessThan(1000);
    expect(bytes).toBeGreaterThanOrEqual(1000);
    expect(sent.length).toBeLessThan(26);
  });

  it("late acknowledgements (2 s each): every event arrives once, in order, nothing redelivered", () => {
    const rig = makeRig();
    rig.mqtt.ackTiming = () => 2000;
    startConnected(rig);
    const series = telegramSeries(12);
    for (const t of series) rig.telegram(t);
    rig.clock.advance(30_000);
    const got = eventMessages(rig);
    expect(got.map(({ topic, payload }) => ({ topic, payload }))).toEqual(expectedEvents(series));
    expect(rig.bridge.refreshHealth()).toMatchObject({ redelivered: 0, queueDepth: 0, mqttDisconnects: 0 });
  });

  it("acknowledgements out of order: events leave the outbox in order, none lost or sent twice", () => {
    const rig = makeRig();
    rig.mqtt.ackTiming = () => "hold";
    startConnected(rig);
    const series = telegramSeries(4);
    for (const t of series) rig.telegram(t, 0);
    for (let round = 0; round < 20 && rig.mqtt.held.length > 0; round++) {
      const held = rig.mqtt.held.slice();
      // newest first, then the rest shuffled by a fixed rule
      rig.mqtt.ackHeld([...held].reverse().filter((_, i) => i % 2 === 0));
      rig.mqtt.ackHeld(rig.mqtt.held.slice());
      rig.clock.advance(0);
    }
    expect(eventMessages(rig).map(({ topic, payload }) => ({ topic, payload }))).toEqual(expectedEvents(series));
    expect(rig.bridge.outbox.messages).toBe(0);
    expect(rig.bridge.inFlight.count).toBe(0);
  });

  it("a broker that never acknowledges: the session is dropped after the timeout, the events go out again with DUP", () => {
    const rig = makeRig({ ackTimeoutS: 20 });
    let acking = false;
    rig.mqtt.ackTiming = () => (acking ? 0 : "never");
    startConnected(rig);
    const [t] = telegramSeries(1);
    rig.telegram(t, 0);
    const firstRound = eventMessages(rig);
    expect(firstRound.length).toBe(rig.bridge.inFlight.count);
    rig.clock.advance(19_000);
    expect(rig.bridge.health.mqttDisconnects).toBe(0);
    acking = true;
    rig.clock.advance(2_000);
    expect(rig.bridge.health.mqttDisconnects).toBe(1);
    rig.clock.advance(30_000); // backoff, reconnect, resend
    const all = eventMessages(rig);
    expect(unique(all)).toEqual(expectedEvents([t]));
    const again = all.slice(firstRound.length, firstRound.length * 2);
    expect(again.map((m) => m.payload)).toEqual(firstRound.map((m) => m.payload)); // first, in order
    expect(again.every((m) => m.duplicate && m.qos === 1)).toBe(true);
    expect(again.map((m) => m.packetId)).toEqual(firstRound.map((m) => m.packetId));
    expect(all.slice(firstRound.length * 2).some((m) => m.duplicate)).toBe(false);
    expect(rig.bridge.refreshHealth()).toMatchObject({ redelivered: firstRound.length, queueDepth: 0 });
    expect(duplicates(all)).toBe(firstRound.length);
  });

  it("the connection drops with events in flight: they go out again first, in order, before anything newer", () => {
    const rig = makeRig();
    rig.mqtt.ackTiming = () => "hold";
    startConnected(rig);
    const series = telegramSeries(3);
    rig.telegram(series[0], 0);
    const inFlight = eventMessages(rig);
    expect(inFlight.length).toBe(rig.bridge.inFlight.count);
    // The broker acknowledged the second and third, not the first; then the link dies.
    rig.mqtt.ackHeld([inFlight[1].packetId, inFlight[2].packetId]);
    rig.mqtt.dropConnection();
    rig.mqtt.ackTiming = () => 0;
    rig.telegram(series[1], 0); // queued while down
    rig.clock.advance(30_000);
    rig.telegram(series[2]);
    const all = eventMessages(rig);
    const after = all.slice(inFlight.length);
    // The unacknowledged ones again, DUP set; the two acknowledged ones are not repeated.
    const resent = inFlight.filter((_, i) => i !== 1 && i !== 2);
    expect(after.slice(0, resent.length).map((m) => [m.payload, m.duplicate])).toEqual(resent.map((m) => [m.payload, true]));
    expect(after.slice(resent.length).some((m) => m.duplicate)).toBe(false);
    expect(unique(all)).toEqual(expectedEvents(series));
    expect(rig.bridge.refreshHealth()).toMatchObject({ redelivered: resent.length, queueDepth: 0, mqttDisconnects: 1 });
  });

  it("stop with events in flight, start again: they go out again first, with DUP", () => {
    const rig = makeRig();
    rig.mqtt.ackTiming = () => "never";
    startConnected(rig);
    const [t] = telegramSeries(1);
    rig.telegram(t, 0);
    const first = eventMessages(rig);
    rig.bridge.stop();
    rig.mqtt.ackTiming = () => 0;
    startConnected(rig);
    rig.clock.advance(5_000);
    const again = eventMessages(rig).slice(first.length);
    expect(again.slice(0, first.length).map((m) => [m.payload, m.duplicate])).toEqual(first.map((m) => [m.payload, true]));
    expect(unique(eventMessages(rig))).toEqual(expectedEvents([t]));
    expect(rig.bridge.outbox.messages).toBe(0);
  });

  it("a link that swallows everything silently is dropped within 1.5 × keep-alive; nothing is lost", () => {
    const rig = makeRig({ mqtt: { host: "127.0.0.1", port: 1883, clientId: "p1vscp-test", keepAliveSeconds: 30 } });
    startConnected(rig);
    const series = telegramSeries(12);
    for (const t of series.slice(0, 3)) rig.telegram(t);
    rig.mqtt.silent = true;
    const silentFrom = rig.clock.now;
    let droppedAt = -1;
    for (const t of series.slice(3, 9)) {
      rig.telegram(t, 0);
      for (let s = 0; s < 10 && droppedAt < 0; s++) {
        rig.clock.advance(1000);
        if (rig.bridge.health.mqttDisconnects > 0) droppedAt = rig.clock.now;
      }
      if (droppedAt >= 0) {
        rig.mqtt.silent = false; // the next session works
        rig.clock.advance(10_000 - ((rig.clock.now - silentFrom) % 10_000));
      }
    }
    expect(droppedAt).toBeGreaterThan(0);
    expect(droppedAt - silentFrom).toBeLessThanOrEqual(45_000);
    for (const t of series.slice(9)) rig.telegram(t);
    rig.clock.advance(30_000);
    const all = eventMessages(rig);
    expect(unique(all)).toEqual(expectedEvents(series));
    expect(duplicates(all)).toBe(0); // the swallowed ones never reached the broker: sent again, seen once
    expect(rig.bridge.health.redelivered).toBeGreaterThan(0);
  });

  it("with keep-alive 0 no silence check runs (pings are off); the acknowledgement timeout still ends a dead session", () => {
    const rig = makeRig({ mqtt: { host: "127.0.0.1", port: 1883, clientId: "p1vscp-test", keepAliveSeconds: 0 }, ackTimeoutS: 30 });
    startConnected(rig);
    rig.clock.advance(600_000);
    expect(rig.bridge.health.mqttDisconnects).toBe(0);
    rig.mqtt.silent = true;
    rig.telegram(telegramSeries(1)[0], 0);
    rig.clock.advance(31_000);
    expect(rig.bridge.health.mqttDisconnects).toBe(1);
  });

  it("QoS 0 (configured): events leave the outbox as soon as the link took them, no window, no DUP", () => {
    const rig = makeRig({ qos: 0 });
    rig.mqtt.ackTiming = () => "never";
    startConnected(rig);
    const [t] = telegramSeries(1);
    rig.telegram(t, 0);
    const sent = eventMessages(rig);
    expect(sent.length).toBe(26);
    expect(sent.every((m) => m.qos === 0 && m.packetId === 0 && !m.duplicate)).toBe(true);
    expect(rig.bridge.outbox.messages).toBe(0);
    expect(() => makeRig({ qos: 2 })).toThrow(/qos/);
  });
});
