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
