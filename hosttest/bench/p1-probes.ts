import { crc16 } from "../../modules/p1/crc16";
import { Layout } from "../../modules/p1/obis-table";
import { Framer, type FrameSink } from "../../modules/p1/framer";
import { readMeterTime } from "../../modules/p1/meter-time";
import { ObisCatalog } from "../../modules/p1/obis-catalog";
import { TelegramParser } from "../../modules/p1/parser";
import { Reading } from "../../modules/p1/reading";
import { FrameStatus } from "../../modules/p1/frame-status";
import { unitAmong, unitKey } from "../../modules/p1/units";
import { EventEncoder } from "../../modules/vscp/encoder";
import { VscpMapping } from "../../modules/vscp/mapping";
import type { Pipeline } from "../xs/pipeline";

// Cost breakdown of the P1 core: each probe repeats one sub-step on one captured telegram, so the XS
// compute meter can tell which part of framing, parsing and encoding costs what. The parser's private
// steps are reached through a cast (names as in modules/p1/parser.ts); a renamed step fails at set-up.
// parse:value-lines is the one-pass path most lines take; parse:walk, obis, groups, number and units are
// the steps of the general path (the clock line, and any line the one-pass path declines).

/** The line walk of the parser's general path (lines end at LF; a CR before it belongs to the line end). */
function lineEnd(frame: Uint8Array, pos: number, length: number): number {
  let lf = frame.indexOf(0x0a, pos);
  if (lf < 0 || lf > length) lf = length;
  return lf > pos && frame[lf - 1] === 0x0d ? lf - 1 : lf;
}

function nextLine(frame: Uint8Array, end: number, length: number): number {
  if (end < length && frame[end] === 0x0d) end++;
  return end < length ? end + 1 : end;
}

interface ParserSteps {
  parseValueLines(frame: Uint8Array, start: number, length: number, linesEnd: number, reading: Reading): number;
  readObis(frame: Uint8Array, start: number, end: number): boolean;
  readGroups(frame: Uint8Array, pos: number, end: number): boolean;
  readNumber(frame: Uint8Array, start: number, end: number): boolean;
  obisKey: number;
  obisEnd: number;
  groupStart: Int32Array;
  groupEnd: Int32Array;
  groupCount: number;
  numberEnd: number;
}

export const PROBES = [
  "empty",
  "framer",
  "crc",
  "parse",
  "parse:clear",
  "parse:value-lines",
  "parse:walk",
  "parse:obis",
  "parse:groups",
  "parse:lookup",
  "parse:number",
  "parse:units",
  "parse:time",
  "encode",
  "encode:begin",
] as const;
export type ProbeName = (typeof PROBES)[number];

const MAX_LINES = 128;
const MAC = "24:0A:C4:12:34:56";
const DEVICE_WALL_MS = 1_767_225_600_000;

/** Captures the first good telegram fed to it, then runs its probe once per push. */
export class ProbePipeline implements Pipeline, FrameSink {
  frames = 0;
  private readonly catalog = new ObisCatalog();
  private readonly parser = new TelegramParser(this.catalog);
  private readonly steps = this.parser as unknown as ParserSteps;
  private readonly reading = new Reading(this.catalog);
  private readonly encoder = new EventEncoder(new VscpMapping(this.catalog, { mac: MAC }));
  private readonly capture = new Framer(this);
  private readonly replay = new Framer({ onFrame() {} });
  private frame = new Uint8Array(0);
  private raw = new Uint8Array(0);
  private length = 0;
  private captured = false;
  // Per line of the captured telegram (set-up, once).
  private lines = 0;
  private readonly lineStart = new Int32Array(MAX_LINES);
  private readonly lineStop = new Int32Array(MAX_LINES);
  private readonly obisEnd = new Int32Array(MAX_LINES);
  private readonly keys = new Float64Array(MAX_LINES);
  // Per numeric value: value group span, unit span, catalog slot.
  private values = 0;
  private readonly valueStart = new Int32Array(MAX_LINES);
  private readonly valueStop = new Int32Array(MAX_LINES);
  private readonly unitStart = new Int32Array(MAX_LINES);
  private readonly unitStop = new Int32Array(MAX_LINES);
  private readonly valueSlot = new Int16Array(MAX_LINES);
  private clockStart = 0;
  private clockStop = 0;
  private readonly run: () => void;

  constructor(probe: ProbeName) {
    this.run = this.stepFor(probe);
  }

  push(bytes: Uint8Array, start: number, end: number): void {
    if (this.captured) {
      this.run();
      this.frames++;
    } else {
      this.capture.push(bytes, start, end);
    }
  }

  end(): void {}

  onFrame(framer: Framer): void {
    this.frames++;
    if (this.captured || framer.status !== FrameStatus.Ok) return;
    this.captured = true;
    this.length = framer.length;
    this.frame = framer.buffer.slice(0, framer.length);
    const crc = framer.crcSent.toString(16).toUpperCase().padStart(4, "0");
    this.raw = new Uint8Array(this.length + 6);
    this.raw.set(this.frame);
    for (let i = 0; i < 4; i++) this.raw[this.length + i] = crc.charCodeAt(i);
    this.raw[this.length + 4] = 0x0d;
    this.raw[this.length + 5] = 0x0a;
    this.analyse();
    this.parser.parse(this.frame, this.length, this.reading);
  }

  /** Splits the captured telegram the way the parser does, recording every span a probe needs. */
  private analyse(): void {
    const s = this.steps;
    const frame = this.frame;
    const length = this.length;
    let pos = nextLine(frame, lineEnd(frame, 1, length), length);
    while (pos < length && this.lines < MAX_LINES) {
      const end = lineEnd(frame, pos, length);
      const n = this.lines++;
      this.lineStart[n] = pos;
      this.lineStop[n] = end;
      if (s.readObis(frame, pos, end)) {
        this.obisEnd[n] = s.obisEnd;
        this.keys[n] = s.obisKey;
        const slot = this.catalog.indexOf(s.obisKey);
        if (slot >= 0 && s.readGroups(frame, s.obisEnd, end)) {
          const layout = this.catalog.entries[slot].layout;
          const g = layout === Layout.Timestamped || layout === Layout.Gas22 ? s.groupCount - 1 : 0;
          const gs = s.groupStart[g];
          const ge = s.groupEnd[g];
          if (layout === Layout.Clock) {
            this.clockStart = gs;
            this.clockStop = ge;
          } else if (layout !== Layout.Text && s.readNumber(frame, gs, ge)) {
            const v = this.values++;
            this.valueStart[v] = gs;
            this.valueStop[v] = ge;
            this.unitStart[v] = s.numberEnd < ge ? s.numberEnd + 1 : ge;
            this.unitStop[v] = ge;
            this.valueSlot[v] = slot;
          }
        }
      } else {
        this.obisEnd[n] = end;
      }
      pos = nextLine(frame, end, length);
    }
  }

  private stepFor(probe: ProbeName): () => void {
    switch (probe) {
      case "empty":
        return () => {};
      case "framer":
        return () => this.replay.push(this.raw, 0, this.raw.length);
      case "crc":
        return () => {
          crc16(this.frame, 0, this.length);
        };
      case "parse":
        return () => {
          this.parser.parse(this.frame, this.length, this.reading);
        };
      case "parse:clear":
        return () => this.reading.clear();
      case "parse:value-lines":
        // The one-pass path over the data lines (after the blank line), in one call as parse() makes it, up to a line
        // it declines.
        return () => {
          const first = this.lineStop[0] === this.lineStart[0] ? 1 : 0;
          this.steps.parseValueLines(this.frame, this.lineStart[first], this.length, this.length - 1, this.reading);
        };
      case "parse:walk":
        return () => {
          const _s = this.steps,
            frame = this.frame,
            length = this.length;
          let pos = 1;
          while (pos < length) pos = nextLine(frame, lineEnd(frame, pos, length), length);
        };
      case "parse:obis":
        return () => {
          for (let n = 0; n < this.lines; n++) this.steps.readObis(this.frame, this.lineStart[n], this.lineStop[n]);
        };
      case "parse:groups":
        return () => {
          for (let n = 0; n < this.lines; n++) this.steps.readGroups(this.frame, this.obisEnd[n], this.lineStop[n]);
        };
      case "parse:lookup":
        return () => {
          for (let n = 0; n < this.lines; n++) this.catalog.indexOf(this.keys[n]);
        };
      case "parse:number":
        return () => {
          for (let v = 0; v < this.values; v++) this.steps.readNumber(this.frame, this.valueStart[v], this.valueStop[v]);
        };
      case "parse:units":
        return () => {
          for (let v = 0; v < this.values; v++) {
            const units = this.catalog.entries[this.valueSlot[v]].units;
            unitAmong(units, unitKey(this.frame, this.unitStart[v], this.unitStop[v]), this.frame, this.unitStart[v], this.unitStop[v]);
          }
        };
      case "parse:time":
        return () => readMeterTime(this.frame, this.clockStart, this.clockStop, this.reading.time, 60, 2020);
      case "encode":
        return () => {
          const count = this.encoder.beginTelegram(this.reading, DEVICE_WALL_MS);
          for (let i = 0; i < count; i++) this.encoder.encode(i);
        };
      case "encode:begin":
        return () => {
          this.encoder.beginTelegram(this.reading, DEVICE_WALL_MS);
        };
    }
  }
}

/** Probes as pipeline registry entries ("probe:parse" …). */
export function probePipelines(): Record<`probe:${ProbeName}`, () => Pipeline> {
  const out = {} as Record<`probe:${ProbeName}`, () => Pipeline>;
  for (const probe of PROBES) out[`probe:${probe}`] = () => new ProbePipeline(probe);
  return out;
}
