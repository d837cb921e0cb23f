import type { PipelineName } from "./runner";
import { XsWorker, type FrameCost } from "./xs-worker";

export interface HotRunOptions {
  /** Chunk-size seed (pseudo-random chunks of 1..128 bytes). */
  seed: number;
  /** Frames fed before measuring, so one-time set-up is not counted. */
  warmUp: number;
  frames: number;
  /** Free string/buffer space in the tight measurement. */
  chunkMarginBytes?: number;
  /**
   * Also count slots over this many frames: few enough that a pipeline that does allocate cannot
   * trigger a collection (which would reset the count) before the run ends.
   */
  sampleFrames?: number;
}

export interface HotRunResult {
  /** Normal machine: heap growth counts slot allocations (objects, arrays, closures, string wrappers). */
  slots: FrameCost;
  /** Chunk space limited to the live data plus a margin: string/buffer allocations force a collection. */
  chunks: FrameCost;
  /** Slot count over `sampleFrames` frames (null when not asked for). */
  sample: FrameCost | null;
}

/** Measures one pipeline in a fresh XS worker, in steady state, twice (see HotRunResult). */
export async function hotRun(pipeline: PipelineName, stream: Uint8Array, options: HotRunOptions): Promise<HotRunResult> {
  const xs = await XsWorker.start();
  try {
    await xs.load("stream", stream);
    await xs.prepare(pipeline, "stream", options.seed);
    await xs.run(options.warmUp);
    const sample = options.sampleFrames ? await xs.measure(options.sampleFrames) : null;
    const slots = await xs.measure(options.frames);
    await xs.tighten(options.chunkMarginBytes ?? 4096);
    await xs.run(options.warmUp);
    const chunks = await xs.measure(options.frames);
    return { slots, chunks, sample };
  } finally {
    await xs.close();
  }
}
