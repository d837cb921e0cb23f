// Latency from a telegram's last byte (handed to the bridge) to its last VSCP event at a subscriber, through a
// real broker on loopback. A measurement, not a test: `measureLatency()` returns the figures, the caller prints.
import { fileURLToPath } from "node:url";
import { startTestBroker } from "./broker";
import { expectedEvents } from "./expected-events";
import { FAST, recordedTelegrams, sleep, startBridge } from "./harness";
import { Subscriber } from "./subscriber";

export interface LatencyOptions {
  /** Telegrams to time (from the project's day of Swedish telegrams); default 50. */
  telegrams?: number;
  /** Pause between telegrams so each is timed alone; default 100 ms. */
  gapMs?: number;
  /** MQTT QoS of the events; default 0. */
  qos?: 0 | 1;
}

export interface LatencyResult {
  broker: "mosquitto" | "embedded";
  telegrams: number;
  eventsPerTelegram: number;
  /** Per telegram, milliseconds from the last byte to the last event received. */
  samplesMs: number[];
  minMs: number;
  medianMs: number;
  p95Ms: number;
  maxMs: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export async function measureLatency(options: LatencyOptions = {}): Promise<LatencyResult> {
  const all = recordedTelegrams("day.txt");
  const count = Math.min(options.telegrams ?? 50, all.length);
  const telegrams = all.slice(0, count);
  const perTelegram = expectedEvents(telegrams[0]).length;
  const broker = await startTestBroker();
  const subscriber = await Subscriber.connect(broker.host, broker.port, { topics: ["vscp/+/1040/#"] });
  const bridge = startBridge(broker, { ...FAST, statsS: 60, heartbeatS: 60 });
  const samples: number[] = [];
  try {
    // The session is up once "new node online" could go out; wait for it before timing anything.
    const deadline = Date.now() + 10_000;
    while (!bridge.host.health.mqttConnected) {
      if (Date.now() > deadline) throw new Error("bridge did not connect");
      await sleep(10);
    }
    for (let i = 0; i < count; i++) {
      const expected = (i + 1) * perTelegram;
      const lastByteAt = bridge.meter.feed(Buffer.from(telegrams[i], "latin1"));
      await subscriber.waitFor((m) => m.length >= expected, `events of telegram ${i + 1}`, 10_000);
      samples.push(subscriber.messages[expected - 1].at - lastByteAt);
      await sleep(options.gapMs ?? 100);
    }
  } finally {
    bridge.stop();
    await subscriber.close();
    await broker.close();
  }
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    broker: broker.kind,
    telegrams: count,
    eventsPerTelegram: perTelegram,
    samplesMs: samples,
    minMs: sorted[0],
    medianMs: percentile(sorted, 50),
    p95Ms: percentile(sorted, 95),
    maxMs: sorted[sorted.length - 1],
  };
}

export function formatLatency(r: LatencyResult): string {
  const f = (ms: number) => `${ms.toFixed(2)} ms`;
  return (
    `telegram last byte → last of its ${r.eventsPerTelegram} events at a subscriber (${r.broker}, loopback, ` +
    `${r.telegrams} telegrams): median ${f(r.medianMs)}, p95 ${f(r.p95Ms)}, min ${f(r.minMs)}, max ${f(r.maxMs)}`
  );
}

// `npx tsx hosttest/e2e/latency.ts [telegrams]` prints the figure on its own.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const telegrams = process.argv[2] ? Number(process.argv[2]) : undefined;
  measureLatency({ telegrams }).then(
    (r) => console.log(formatLatency(r)),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
