// At-least-once delivery against a real mosquitto, with the link failing the way Wi-Fi, NAT and brokers fail:
// the bridge talks to the broker through a proxy that can swallow bytes silently and then reset, and the broker
// is stopped or killed in the middle of a telegram. Every event arrives; duplicates only from the in-flight window;
// order per sensor kept. The figures of each run are printed as the README's fault table.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeEach, describe, expect, test } from "vitest";
import { DEFAULT_INFLIGHT_EVENTS } from "../../modules/config/schema";
import { HostBridge } from "../sim/host-bridge";
import { MemoryStore } from "../sim/memory-store";
import { ScriptedMeterSource } from "../sim/scripted-source";
import { mosquittoPath, startTestBroker, type TestBroker } from "./broker";
import { expectedEvents, splitTelegrams } from "./expected-events";
import { FaultProxy } from "./fault-proxy";
import { FAST, MAC, NODE_GUID, sleep, until } from "./harness";
import { Subscriber, type Received } from "./subscriber";
import { decodeMeasurement } from "./vscp-check";

/** Keep-alive of these runs: a silent link is found within 1.5 × 6 = 9 s. */
const KEEP_ALIVE_S = 6;
const TELEGRAMS = splitTelegrams(readFileSync(fileURLToPath(new URL("../fixtures/sim/day.txt", import.meta.url)), "latin1")).slice(0, 16);
const EXPECTED = TELEGRAMS.flatMap(expectedEvents).map((e) => `${e.dateTime}#${e.sensorIndex}#${e.text}`);
const PACE_MS = 400;

/** The meter's own values (the derived channels, sensor indexes 100–127, are checked in energy-bridge.test.ts). */
const isMeasurement = (topic: string) =>
  topic.startsWith("vscp/") && topic.split("/")[2] === "1040" && Number(topic.split("/").at(-1)) < 100;
/** How a consumer recognises an event, and so a duplicate: GUID (in the topic), sensor index and meter time. */
const identity = (m: Received) => {
  const e = decodeMeasurement(m);
  return `${e.dateTime}#${e.sensorIndex}#${e.text}`;
};

interface Figures {
  fault: string;
  sent: number;
  received: number;
  lost: number;
  duplicated: number;
  redelivered: number;
  reconnects: number;
}
const table: Figures[] = [];

let broker: TestBroker;
let proxy: FaultProxy;
let subscriber: Subscriber;
let host: HostBridge | undefined;
let meter: ScriptedMeterSource;

async function startBridge(qos: number): Promise<void> {
  meter = new ScriptedMeterSource();
  host = new HostBridge({
    meter,
    mac: MAC,
    broker: { host: proxy.host, port: proxy.port },
    store: new MemoryStore({ keepAlive: KEEP_ALIVE_S, qos }),
    bridge: { ...FAST, connectTimeoutS: 5 },
    log: () => {},
  });
  host.start();
  await subscriber.waitFor((m) => m.some((x) => x.topic.startsWith(`vscp/${NODE_GUID}/0/2/`)), "new node online");
}

beforeEach(async () => {
  broker = await startTestBroker();
  proxy = await FaultProxy.start(broker.host, broker.port);
  subscriber = await Subscriber.connect(broker.host, broker.port, {
    topics: ["vscp/#"],
    clientId: `faults-${process.pid}`,
    persistent: true,
  });
});

afterEach(async () => {
  host?.stop();
  host = undefined;
  await proxy.close();
  await subscriber.close();
  await broker.close();
});

afterAll(() => {
  if (table.length === 0) return;
  const lines = [
    "| fault | events sent | received | lost | duplicated | redelivered (stats) | reconnects |",
    "|---|---|---|---|---|---|---|",
  ];
  for (const f of table)
    lines.push(`| ${f.fault} | ${f.sent} | ${f.received} | ${f.lost} | ${f.duplicated} | ${f.redelivered} | ${f.reconnects} |`);
  process.stdout.write(`\n${lines.join("\n")}\n\n`);
});

/**
 * Feeds the telegrams at PACE_MS; `fault(i)` runs right after telegram i was handed to the bridge, while its
 * events are on their way. Then waits until every event arrived and checks loss, duplicates and order.
 */
async function run(name: string, fault: (index: number) => Promise<void> | void, qos = 1): Promise<Figures> {
  await startBridge(qos);
  const h = host!;
  for (let i = 0; i < TELEGRAMS.length; i++) {
    meter.feed(TELEGRAMS[i]);
    await fault(i);
    await sleep(PACE_MS);
  }
  const want = new Set(EXPECTED);
  const arrived = () => new Set(subscriber.messages.filter((m) => isMeasurement(m.topic)).map(identity));
  if (qos === 1) await until(() => [...want].every((k) => arrived().has(k)), `all ${want.size} events at the subscriber`, 60_000);
  await until(() => h.health.queueDepth === 0, "the outbox to empty", 20_000);
  await sleep(500); // anything repeated would arrive now
  const events = subscriber.messages.filter((m) => isMeasurement(m.topic));
  const keys = events.map(identity);
  const unique = new Set(keys);
  const health = h.health;
  const figures: Figures = {
    fault: name,
    sent: health.eventsQueued,
    received: keys.length,
    lost: [...want].filter((k) => !unique.has(k)).length,
    duplicated: keys.length - unique.size,
    redelivered: health.redelivered,
    reconnects: health.mqttReconnects,
  };
  table.push(figures);
  expect(health.eventsQueued).toBe(EXPECTED.length + h.energy.eventsAdded);
  if (qos === 0) return figures;

  expect(figures.lost).toBe(0);
  expect([...unique].every((k) => want.has(k))).toBe(true);
  // Duplicates can only be events that were in flight at a drop: at most a window per reconnect (plus, when the
  // broker itself went away, what it had in flight to this subscriber: mosquitto's own QoS 1 redelivery, 20 at most).
  const brokerSide = name.includes("broker") ? 20 : 0;
  expect(figures.duplicated).toBeLessThanOrEqual(DEFAULT_INFLIGHT_EVENTS * Math.max(1, health.mqttReconnects) + brokerSide);
  // Per sensor, first arrivals keep the meter's order.
  for (const sensor of new Set(events.map((m) => decodeMeasurement(m).sensorIndex))) {
    const firsts: string[] = [];
    const seen = new Set<string>();
    for (const m of events) {
      const e = decodeMeasurement(m);
      if (e.sensorIndex !== sensor) continue;
      const k = identity(m);
      if (seen.has(k)) continue;
      seen.add(k);
      firsts.push(e.dateTime);
    }
    expect([...firsts].sort()).toEqual(firsts);
  }
  return figures;
}

describe.skipIf(!mosquittoPath())("faults between the bridge and mosquitto (QoS 1)", () => {
  test("silent drop mid-telegram: 3 s of swallowed bytes, then a reset", async () => {
    await run("silent drop mid-telegram, reset after 3 s", async (i) => {
      if (i !== 4) return;
      proxy.swallow();
      await sleep(3000);
      proxy.reset();
    });
    expect(proxy.swallowedBytes).toBeGreaterThan(0);
    expect(host!.health.mqttReconnects).toBeGreaterThanOrEqual(1);
  }, 120_000);

  test("silent drop that never resets: the bridge itself declares the link dead within 1.5 × keep-alive", async () => {
    let swallowedAt = 0;
    let noticedAfterMs = -1;
    await run("silent drop, no reset (found by the keep-alive)", async (i) => {
      if (i !== 4) return;
      proxy.swallow();
      swallowedAt = performance.now();
      const h = host!;
      await until(() => !h.health.mqttConnected, "the bridge to notice the silent link", 30_000);
      noticedAfterMs = performance.now() - swallowedAt;
    });
    expect(noticedAfterMs).toBeGreaterThan(0);
    // 1.5 × keep-alive, plus the test's polling and a loaded machine's timer delays.
    expect(noticedAfterMs).toBeLessThanOrEqual(KEEP_ALIVE_S * 1500 + 2000);
  }, 120_000);

  test("graceful broker stop mid-telegram", async () => {
    await run("broker stopped (SIGTERM) mid-telegram, back after 2 s", async (i) => {
      if (i !== 4) return;
      await broker.stop();
      await sleep(2000);
      await broker.start();
    });
  }, 120_000);

  test("broker killed (SIGKILL) mid-telegram", async () => {
    await run("broker killed (SIGKILL) mid-telegram, back after 2 s", async (i) => {
      if (i !== 4) return;
      await broker.kill();
      await sleep(2000);
      await broker.start();
    });
  }, 120_000);

  test("Wi-Fi-style flapping: every 2 s the link goes silent for 0.5 s, then resets", async () => {
    await run("flapping: silent 0.5 s then reset, every 2 s", async (i) => {
      if (i % 5 !== 2) return;
      proxy.swallow();
      await sleep(500);
      proxy.reset();
    });
    expect(host!.health.mqttReconnects).toBeGreaterThanOrEqual(2);
  }, 120_000);

  test("for comparison, QoS 0 (configured): what is in flight at a silent drop is lost", async () => {
    const figures = await run(
      "QoS 0: silent drop mid-telegram, reset after 3 s",
      async (i) => {
        if (i !== 4) return;
        proxy.swallow();
        await sleep(3000);
        proxy.reset();
      },
      0,
    );
    expect(figures.lost).toBeGreaterThan(0);
    expect(figures.redelivered).toBe(0);
  }, 120_000);
});
