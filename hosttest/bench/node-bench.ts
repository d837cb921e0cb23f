import { createRequire } from "node:module";
import { Runner, type PipelineName } from "../xs/runner";

export interface NodeThroughput {
  telegrams: number;
  seconds: number;
  megabytesPerSecond: number;
  microsecondsPerTelegram: number;
}

const MIN_SECONDS = 1;

/** Runs `batch` until at least MIN_SECONDS have passed (after a warm-up), timing whole batches. */
function timed(batch: () => number, bytesPerTelegram: number): NodeThroughput {
  for (let i = 0; i < 20; i++) batch();
  let telegrams = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < MIN_SECONDS) {
    telegrams += batch();
    elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  }
  return {
    telegrams,
    seconds: elapsed,
    megabytesPerSecond: (telegrams * bytesPerTelegram) / elapsed / 1e6,
    microsecondsPerTelegram: (elapsed * 1e6) / telegrams,
  };
}

/** One of our pipelines in Node, fed exactly as in XS (same Runner, same chunks of 1..128 bytes). */
export function ourThroughput(pipeline: PipelineName, stream: Uint8Array, telegramsInStream: number, seed: number): NodeThroughput {
  const runner = new Runner();
  runner.load("stream", stream);
  runner.prepare(pipeline, "stream", seed);
  const batch = 120;
  return timed(() => {
    if (runner.run(batch) !== batch) throw new Error(`${pipeline} stopped producing frames`);
    return batch;
  }, stream.length / telegramsInStream);
}

interface D0Protocol {
  initState(): void;
  checkMessage(message: Buffer): boolean;
  handleMessage(message: Buffer): Buffer | null;
}
type D0Constructor = new (options: object, store: (error: Error | null, data: Record<string, unknown> | null) => void) => D0Protocol;

/**
 * smartmeter-obis's D0 protocol parser on the same telegrams, one whole telegram per call (its transports
 * hand it complete messages): sign-on line, then the data block, as in its mode D.
 */
export function smartmeterObisThroughput(telegrams: { name: string; bytes: Uint8Array }[]): NodeThroughput & {
  valuesPerTelegram: number;
  rejected: string[];
} {
  const require = createRequire(import.meta.url);
  const D0 = require("smartmeter-obis/lib/protocols/D0Protocol.js") as D0Constructor;
  let values = 0;
  let failed = false;
  const protocol = new D0({ transportSerialBaudrate: 115200, debug: 0, logger: () => {} }, (error, data) => {
    if (error || data === null) failed = true;
    else values = Object.keys(data).length;
  });
  /** Sign-on line, then the data block, as in its mode D; false when it does not deliver values. */
  const parseOne = (buffer: Buffer): boolean => {
    failed = false;
    values = 0;
    protocol.initState();
    protocol.checkMessage(buffer);
    const rest = protocol.handleMessage(buffer);
    if (rest === null || !protocol.checkMessage(rest)) return false;
    protocol.handleMessage(rest);
    return !failed && values > 0;
  };
  // Time only the telegrams it accepts; the others are listed.
  const accepted: Buffer[] = [];
  const rejected: string[] = [];
  let valueCount = 0;
  for (const telegram of telegrams) {
    const buffer = Buffer.from(telegram.bytes);
    if (parseOne(buffer)) {
      accepted.push(buffer);
      valueCount += values;
    } else {
      rejected.push(telegram.name);
    }
  }
  if (accepted.length === 0) throw new Error("smartmeter-obis accepted no telegram");
  const bytes = accepted.reduce((n, b) => n + b.length, 0);
  const result = timed(() => {
    for (const buffer of accepted) parseOne(buffer);
    return accepted.length;
  }, bytes / accepted.length);
  return { ...result, valuesPerTelegram: valueCount / accepted.length, rejected };
}
