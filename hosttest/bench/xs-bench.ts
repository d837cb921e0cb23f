import { Framer } from "../../modules/p1/framer";
import { ObisCatalog } from "../../modules/p1/obis-catalog";
import { TelegramParser } from "../../modules/p1/parser";
import { Reading } from "../../modules/p1/reading";
import { FrameStatus } from "../../modules/p1/frame-status";
import { PROBES, type ProbeName } from "./p1-probes";
import { hotRun } from "../xs/hot-run";
import type { PipelineName } from "../xs/runner";
import { XsWorker } from "../xs/xs-worker";

// XS figures: deterministic compute units and heap slots per telegram, in steady state.
// Needs SES lockdown in this process (import "@endo/init" before loading this module).

export interface XsCost {
  computePerTelegram: number;
  heapSlotsPerTelegram: number;
  /** 0 when nothing forced a collection with string/buffer space limited (see hosttest/xs/hot-run.ts). */
  tightHeapGrowth: number;
}

const OPTIONS = { seed: 7, warmUp: 36, frames: 240, sampleFrames: 12 };

export async function xsCost(pipeline: PipelineName, stream: Uint8Array): Promise<XsCost> {
  const { slots, chunks, sample } = await hotRun(pipeline, stream, OPTIONS);
  if (slots.ran !== OPTIONS.frames) throw new Error(`${pipeline} stopped producing frames in XS`);
  // Slots over one round of the corpus (12 telegrams): no collection can hide allocations there.
  return {
    computePerTelegram: Math.round(slots.computePerFrame),
    heapSlotsPerTelegram: Math.round((sample ?? slots).heapSlotsPerFrame * 100) / 100,
    tightHeapGrowth: chunks.heapGrowth,
  };
}

/** Compute per telegram of each sub-step (probe) on one Swedish telegram, minus the probe loop itself. */
export async function xsBreakdown(stream: Uint8Array): Promise<Record<string, number | string>> {
  const xs = await XsWorker.start();
  const out: Record<string, number | string> = {};
  try {
    await xs.load("stream", stream);
    const raw: Partial<Record<ProbeName, number>> = {};
    for (const probe of PROBES) {
      try {
        await xs.prepare(`probe:${probe}`, "stream", OPTIONS.seed);
        await xs.run(OPTIONS.warmUp);
        raw[probe] = (await xs.measure(100)).computePerFrame;
      } catch (error) {
        out[probe] = `n/a: ${(error as Error).message.split("\n")[0]}`;
      }
    }
    const empty = raw.empty ?? 0;
    for (const probe of PROBES) {
      if (probe === "empty" || raw[probe] === undefined) continue;
      out[probe] = Math.round(raw[probe] - empty);
    }
  } finally {
    await xs.close();
  }
  return out;
}

/** Size of the telegram the probes replay (the stream's first good one): raw bytes with CRC and CR LF, data lines. */
export function probeTelegramShape(stream: Uint8Array): { bytes: number; lines: number } {
  const catalog = new ObisCatalog();
  const parser = new TelegramParser(catalog);
  const reading = new Reading(catalog);
  let shape: { bytes: number; lines: number } | null = null;
  const framer = new Framer({
    onFrame(f) {
      if (shape !== null || f.status !== FrameStatus.Ok) return;
      parser.parse(f.buffer, f.length, reading);
      shape = { bytes: f.length + f.crcDigits + 2, lines: reading.orderLength + reading.unknownLength };
    },
  });
  framer.push(stream);
  framer.end();
  if (shape === null) throw new Error("no good telegram in the stream");
  return shape;
}

/**
 * Where the units of framer + CRC + parser go, per stage and per byte or line, from the probes of one telegram and
 * the pipeline figures: framing (copy, CRC, line feeds) per byte against touching each byte once and the plain CRC
 * loop, parsing per data line, and what feeding the stream in chunks and handing frames over adds.
 */
export function whereTheUnitsGo(
  breakdown: Record<string, number | string>,
  shape: { bytes: number; lines: number },
  framerCrcParser: number,
  byteScanPerTelegram: number,
  meanTelegramBytes: number,
): Record<string, number> {
  const n = (key: string) => (typeof breakdown[key] === "number" ? (breakdown[key] as number) : NaN);
  const round = (x: number) => Math.round(x * 10) / 10;
  return {
    telegramBytes: shape.bytes,
    dataLines: shape.lines,
    framingPerTelegram: n("framer"),
    framingPerByte: round(n("framer") / shape.bytes),
    byteScanPerByte: round(byteScanPerTelegram / meanTelegramBytes),
    plainCrcLoopPerByte: round(n("crc") / shape.bytes),
    parsingPerTelegram: n("parse"),
    parsingPerLine: round(n("parse") / shape.lines),
    valueLinesPerLine: round(n("parse:value-lines") / shape.lines),
    chunksAndHandOverPerTelegram: Math.round(framerCrcParser - n("framer") - n("parse")),
  };
}
