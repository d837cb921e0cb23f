import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import { xsnap, type XsnapWorker } from "@agoric/xsnap";
import { tmpName } from "tmp";
import { track, untrack, type LiveWorker } from "../support/live-workers";
import { bundleForXs } from "./bundle";
import type { PipelineName } from "./runner";

// @agoric/xsnap needs SES lockdown in this process: import "@endo/init" before this module.

export interface Metered<T> {
  value: T;
  /** XS compute meter for the command (bytecodes and metered native work; deterministic). */
  compute: number;
  /** XS heap slots in use when the command returned (counter is reset to the live count by a GC). */
  heapCount: number;
}

export interface FrameCost {
  /** Frames fed (-1: the stream stopped producing frames). */
  ran: number;
  computePerFrame: number;
  /** Heap slots still counted after the run minus after an empty run: 0 means nothing was allocated. */
  heapGrowth: number;
  heapSlotsPerFrame: number;
}

export interface LiveMemory {
  /** Bytes of live strings, buffers and other chunks. */
  chunkBytes: number;
  /** Bytes of live slots (objects, properties, closures …). */
  slotBytes: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function xsnapOptions(): Record<string, unknown> {
  return {
    os: os.type(),
    spawn,
    fs: { ...fs.promises, createReadStream: fs.createReadStream, tmpName },
    meteringLimit: 0,
    stderr: "inherit",
    stdout: "inherit",
    name: "p1-xs-harness",
  };
}

async function* single(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

function concatBytes(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function findTag(bytes: Uint8Array, tag: string, limit: number): number {
  outer: for (let i = 4; i + 4 <= limit; i++) {
    for (let k = 0; k < 4; k++) if (bytes[i + k] !== tag.charCodeAt(k)) continue outer;
    return i;
  }
  throw new Error(`XS snapshot: no ${tag} atom`);
}

/**
 * An XS snapshot starts with atoms [size:u32 BE][tag:4]: "CREA" holds the machine's creation
 * parameters (12 native int32, first initialChunkSize then incrementalChunkSize), "BLOC" the live
 * chunks. (CREA also holds the profile id and tag after the 12 fields.) The restored machine gets exactly the live chunks plus `marginBytes`.
 */
function limitChunkSpace(snapshot: Uint8Array, marginBytes: number): void {
  const view = new DataView(snapshot.buffer, snapshot.byteOffset, snapshot.byteLength);
  const crea = findTag(snapshot, "CREA", 256);
  const bloc = findTag(snapshot, "BLOC", 512);
  if (view.getUint32(crea - 4) < 8 + 12 * 4 || bloc < crea) throw new Error("XS snapshot: unexpected layout");
  const live = view.getUint32(bloc - 4) - 8;
  view.setInt32(crea + 4, live + marginBytes, true);
  view.setInt32(crea + 8, marginBytes, true);
}

/**
 * One xsnap process running the bundled Runner (hosttest/xs/xs-entry.ts). Listed in live-workers from start to
 * close, so a test that times out does not leave it running (hosttest/support/vitest-setup.ts).
 */
export class XsWorker implements LiveWorker {
  private inFlight = 0;

  private constructor(private worker: XsnapWorker) {
    track(this);
  }

  /** `entry`: the script's entry module (default hosttest/xs/xs-entry.ts). */
  static async start(entry?: string): Promise<XsWorker> {
    const script = await bundleForXs(entry);
    const xs = new XsWorker(await xsnap(xsnapOptions()));
    try {
      await xs.evaluate(script);
    } catch (error) {
      await xs.terminate();
      throw error;
    }
    return xs;
  }

  /** Runs a script in the engine (the harness bundle at start; tests that need a stuck engine). */
  async evaluate(script: string): Promise<void> {
    this.inFlight++;
    try {
      await this.worker.evaluate(script);
    } finally {
      this.inFlight--;
    }
  }

  /**
   * Restarts the worker from a snapshot of itself whose string/buffer (chunk) space has only
   * `marginBytes` free, so that a run allocating more than that in chunks forces a collection,
   * which the run's canary reveals in the heap count. Call after loading and preparing.
   */
  async tighten(marginBytes = 4096): Promise<void> {
    const parts: Uint8Array[] = [];
    for await (const part of this.worker.makeSnapshotStream("tighten")) parts.push(part);
    await this.worker.close();
    const snapshot = concatBytes(parts);
    limitChunkSpace(snapshot, marginBytes);
    this.worker = await xsnap({ ...xsnapOptions(), snapshotStream: single(snapshot) });
  }

  async load(name: string, bytes: Uint8Array): Promise<void> {
    await this.command({ op: "load", name }, bytes);
  }

  /** Canonical dump (JSON text) of a stream fed through a fresh pipeline in chunks from `seed`. */
  async dump(pipeline: PipelineName, stream: string, seed: number): Promise<string> {
    const result = await this.command({ op: "dump", pipeline, stream, seed });
    return JSON.parse(result.value) as string;
  }

  async prepare(pipeline: PipelineName, stream: string, seed: number): Promise<void> {
    await this.command({ op: "prepare", pipeline, stream, seed });
  }

  /** Collects garbage, then feeds `count` frames; the meter covers exactly that. */
  async run(count: number): Promise<Metered<number>> {
    const metered = await this.command({ op: "run", count });
    const ran = JSON.parse((await this.command({ op: "ran" })).value) as { ran: number };
    return { ...metered, value: ran.ran };
  }

  /**
   * Cost of `count` frames, measured as the difference to an empty run so the command's own
   * fixed cost cancels out. The pipeline must be prepared and warmed up.
   */
  async measure(count: number): Promise<FrameCost> {
    const empty = await this.run(0);
    const full = await this.run(count);
    const heapGrowth = full.heapCount - empty.heapCount;
    return { ran: full.value, computePerFrame: (full.compute - empty.compute) / count, heapGrowth, heapSlotsPerFrame: heapGrowth / count };
  }

  async close(): Promise<void> {
    untrack(this);
    await this.worker.close();
  }

  /** One command to an entry of its own (a JSON header line, no payload); the reply is the entry's text. */
  async request(header: object): Promise<Metered<string>> {
    return this.command(header);
  }

  /** A command that is plain text (no JSON header), for entries that take a single word; `payload` after a line feed. */
  async requestText(text: string, payload?: Uint8Array): Promise<Metered<string>> {
    const head = encoder.encode(payload ? `${text}\n` : text);
    const message = new Uint8Array(head.length + (payload?.length ?? 0));
    message.set(head, 0);
    if (payload) message.set(payload, head.length);
    this.inFlight++;
    try {
      const { reply, meterUsage } = await this.worker.issueCommand(message);
      return { value: decoder.decode(reply), compute: meterUsage.compute, heapCount: meterUsage.currentHeapCount };
    } finally {
      this.inFlight--;
    }
  }

  /**
   * Live memory after a garbage collection, exact: the sizes of the string/buffer chunks and of the slots an
   * XS snapshot of the machine holds (its BLOC and HEAP atoms). The worker runs on afterwards.
   */
  async liveMemory(): Promise<LiveMemory> {
    const parts: Uint8Array[] = [];
    for await (const part of this.worker.makeSnapshotStream("live")) parts.push(part);
    const snapshot = concatBytes(parts);
    const view = new DataView(snapshot.buffer, snapshot.byteOffset, snapshot.byteLength);
    const sizes: Record<string, number> = {};
    for (let at = 8; at + 8 <= snapshot.length; ) {
      const size = view.getUint32(at);
      if (size < 8) break;
      sizes[String.fromCharCode(...snapshot.subarray(at + 4, at + 8))] = size - 8;
      at += size;
    }
    if (sizes.BLOC === undefined || sizes.HEAP === undefined) throw new Error("XS snapshot: no BLOC or HEAP atom");
    return { chunkBytes: sizes.BLOC, slotBytes: sizes.HEAP };
  }

  busy(): boolean {
    return this.inFlight > 0;
  }

  async terminate(): Promise<void> {
    untrack(this);
    await this.worker.terminate();
  }

  private async command(header: object, payload?: Uint8Array): Promise<Metered<string>> {
    const head = encoder.encode(`${JSON.stringify(header)}\n`);
    const message = new Uint8Array(head.length + (payload?.length ?? 0));
    message.set(head, 0);
    if (payload) message.set(payload, head.length);
    this.inFlight++;
    try {
      const { reply, meterUsage } = await this.worker.issueCommand(message);
      const value = decoder.decode(reply);
      if (value.startsWith('{"error":')) throw new Error(`XS: ${(JSON.parse(value) as { error: string }).error}`);
      return { value, compute: meterUsage.compute, heapCount: meterUsage.currentHeapCount };
    } finally {
      this.inFlight--;
    }
  }
}
