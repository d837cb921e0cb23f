import { Framer, type FrameSink } from "../../modules/p1/framer";
import { ObisCatalog } from "../../modules/p1/obis-catalog";
import { TelegramParser } from "../../modules/p1/parser";
import { Reading } from "../../modules/p1/reading";
import { FrameStatus } from "../../modules/p1/status";
import { frameRecord } from "../cli/frame-record";
import { printable, stateDump } from "./dump";
import type { Pipeline, Recorder } from "./pipeline";

/** The P1 core as the firmware chains it: bytes → Framer (CRC) → TelegramParser → Reading. */
export class P1Pipeline implements Pipeline, FrameSink {
  frames = 0;
  readonly framer: Framer;
  readonly reading: Reading;
  private readonly parser: TelegramParser;

  /** `parse` false: framing and CRC only (to split the cost). */
  constructor(
    private readonly record: Recorder | null,
    private readonly parse = true,
  ) {
    const catalog = new ObisCatalog();
    this.parser = new TelegramParser(catalog);
    this.reading = new Reading(catalog);
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
    const parsed = this.parse && framer.status !== FrameStatus.Hdlc;
    if (parsed) this.parser.parse(framer.buffer, framer.length, this.reading);
    if (this.record !== null) this.record(dumpP1Frame(framer, parsed ? this.reading : null));
  }
}

/** Everything observable about one frame: the framer's fields and bytes, the decode record, the raw Reading. */
export function dumpP1Frame(framer: Framer, reading: Reading | null): unknown {
  return {
    framer: stateDump(framer, ["buffer", "sink", "counters"]),
    counters: stateDump(framer.counters),
    bytes: printable(framer.buffer, 0, framer.length),
    record: frameRecord(framer, reading),
    reading: reading === null ? null : stateDump(reading, ["catalog", "frame"]),
  };
}
