import { Framer, type FrameSink } from "../../modules/p1/framer";
import { ObisCatalog } from "../../modules/p1/obis-catalog";
import { TelegramParser } from "../../modules/p1/parser";
import { Reading } from "../../modules/p1/reading";
import { FrameStatus } from "../../modules/p1/frame-status";
import { EventEncoder } from "../../modules/vscp/encoder";
import { VscpMapping } from "../../modules/vscp/mapping";
import { TelegramSnapshot } from "../../modules/vscp/snapshot";
import { frameRecord } from "../cli/frame-record";
import { printable, stateDump } from "./dump";
import type { Pipeline, Recorder } from "./pipeline";

/** How far down the firmware's chain a pipeline goes (each stage includes the ones before). */
export const Stage = { Frame: 0, Parse: 1, Encode: 2, Snapshot: 3 } as const;
export type StageCode = (typeof Stage)[keyof typeof Stage];

const MAC = "24:0A:C4:12:34:56";
/** Device clock handed to the encoder (used only when the meter clock is not valid): fixed, so runs repeat. */
const DEVICE_WALL_MS = 1_767_225_600_000; // 2026-01-01T00:00:00Z

/** The core as the firmware chains it: bytes → Framer (CRC) → TelegramParser → Reading → EventEncoder → TelegramSnapshot. */
export class P1Pipeline implements Pipeline, FrameSink {
  frames = 0;
  readonly framer: Framer;
  readonly reading: Reading;
  readonly encoder: EventEncoder;
  readonly snapshot: TelegramSnapshot;
  private readonly parser: TelegramParser;

  constructor(
    private readonly record: Recorder | null,
    private readonly stage: StageCode,
  ) {
    const catalog = new ObisCatalog();
    this.parser = new TelegramParser(catalog);
    this.reading = new Reading(catalog);
    this.encoder = new EventEncoder(new VscpMapping(catalog, { mac: MAC }));
    this.snapshot = new TelegramSnapshot(catalog);
    this.framer = new Framer(this);
  }

  push(bytes: Uint8Array, start: number, end: number): void {
    this.framer.push(bytes, start, end);
  }

  end(): void {
    this.framer.end();
  }

  onFrame(framer: Framer): void {
    this.frames++;
    const parsed = this.stage >= Stage.Parse && framer.status !== FrameStatus.Hdlc;
    if (parsed) this.parser.parse(framer.buffer, framer.length, this.reading);
    // Like the firmware: only CRC-checked telegrams become events.
    const encoded = this.stage >= Stage.Encode && framer.status === FrameStatus.Ok;
    let events = 0;
    if (encoded) {
      events = this.encoder.beginTelegram(this.reading, DEVICE_WALL_MS);
      if (this.record === null) for (let i = 0; i < events; i++) this.encoder.encode(i);
    }
    // Like the bridge: a snapshot of every CRC-checked telegram.
    const snapshotLength = this.stage >= Stage.Snapshot && framer.status === FrameStatus.Ok ? this.snapshot.write(this.reading) : -1;
    if (this.record !== null) {
      this.record({
        ...dumpP1Frame(framer, parsed ? this.reading : null),
        events: encoded ? dumpEvents(this.encoder, events) : null,
        ...(this.stage >= Stage.Snapshot
          ? { snapshot: snapshotLength < 0 ? null : printable(this.snapshot.buffer, 0, snapshotLength) }
          : {}),
      });
    }
  }
}

/** Everything observable about one frame: the framer's fields and bytes, the decode record, the raw Reading. */
export function dumpP1Frame(framer: Framer, reading: Reading | null): Record<string, unknown> {
  return {
    framer: stateDump(framer, ["buffer", "sink", "counters"]),
    counters: stateDump(framer.counters),
    bytes: printable(framer.buffer, 0, framer.length),
    record: frameRecord(framer, reading),
    reading: reading === null ? null : stateDump(reading, ["catalog", "frame"]),
  };
}

/** Every event of the telegram: topic and payload bytes, plus the encoder's time choice and skipped values. */
export function dumpEvents(encoder: EventEncoder, count: number): unknown {
  const events: unknown[] = [];
  for (let i = 0; i < count; i++) {
    const length = encoder.encode(i);
    events.push({ slot: encoder.slotOf(i), topic: encoder.topicOf(i), payload: printable(encoder.buffer, 0, length) });
  }
  return {
    epochSeconds: encoder.epochSeconds,
    timestampMicros: encoder.timestampMicros,
    timeSource: encoder.timeSource,
    valuesSkipped: encoder.valuesSkipped,
    events,
  };
}
