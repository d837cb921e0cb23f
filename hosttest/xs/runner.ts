import type { Pipeline, PipelineFactory } from "./pipeline";
import { pipelines } from "./pipelines";

export type PipelineName = keyof typeof pipelines;

const CHUNK_TABLE_SIZE = 4096; // power of two: the index wraps with a mask
const MAX_CHUNK = 128;

/**
 * Deterministic chunk sizes 1..128 (xorshift32), identical in every engine.
 * A seed of 0 means "one chunk per stream" (the whole input at once).
 */
export function chunkSizes(seed: number): Uint8Array {
  const sizes = new Uint8Array(CHUNK_TABLE_SIZE);
  let x = seed | 0 || 1;
  for (let i = 0; i < CHUNK_TABLE_SIZE; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    sizes[i] = ((x >>> 0) % MAX_CHUNK) + 1;
  }
  return sizes;
}

/**
 * Engine-neutral driver: the very same code runs under Node (imported) and inside XS (bundled),
 * so both engines are fed the same bytes in the same chunks and dump with the same code.
 */
export class Runner {
  private readonly streams = new Map<string, Uint8Array>();
  private hot: Pipeline | null = null;
  private hotStream: Uint8Array = new Uint8Array(0);
  private sizes: Uint8Array = new Uint8Array(CHUNK_TABLE_SIZE);
  private position = 0;
  private chunk = 0;

  load(name: string, bytes: Uint8Array): void {
    this.streams.set(name, bytes);
  }

  /** Feeds a whole stream through a fresh pipeline and returns its canonical dump as JSON. */
  dump(pipeline: PipelineName, stream: string, seed: number): string {
    const bytes = this.stream(stream);
    const entries: unknown[] = [];
    const target = this.create(pipeline, (entry) => entries.push(entry));
    if (seed === 0) {
      target.push(bytes, 0, bytes.length);
    } else {
      const sizes = chunkSizes(seed);
      let c = 0;
      for (let position = 0; position < bytes.length; ) {
        const end = Math.min(position + sizes[c], bytes.length);
        c = (c + 1) & (CHUNK_TABLE_SIZE - 1);
        target.push(bytes, position, end);
        position = end;
      }
    }
    target.end();
    return JSON.stringify({ frames: target.frames, entries });
  }

  /** Sets up the pipeline that `run` feeds: no recorder, stream replayed round robin. */
  prepare(pipeline: PipelineName, stream: string, seed: number): void {
    const bytes = this.stream(stream);
    if (bytes.length === 0) throw new Error(`stream ${stream} is empty: nothing to replay`);
    this.hot = this.create(pipeline, null);
    this.hotStream = bytes;
    this.sizes = chunkSizes(seed);
    this.position = 0;
    this.chunk = 0;
  }

  /**
   * Feeds the prepared pipeline until `count` more frames are complete. Allocates nothing itself.
   * Returns the frames completed, or -1 if the stream stopped producing frames. The budget shrinks only by
   * bytes pushed, so an empty stream is refused here and in `prepare` rather than looped on.
   */
  run(count: number): number {
    const target = this.hot;
    if (target === null) return -1;
    const bytes = this.hotStream;
    const length = bytes.length;
    if (length === 0) return -1;
    const sizes = this.sizes;
    const goal = target.frames + count;
    let budget = (count + 1) * (length + MAX_CHUNK) * 2;
    let position = this.position;
    let chunk = this.chunk;
    while (target.frames < goal) {
      let end = position + sizes[chunk];
      chunk = (chunk + 1) & (CHUNK_TABLE_SIZE - 1);
      if (end > length) end = length;
      target.push(bytes, position, end);
      budget -= end - position;
      position = end === length ? 0 : end;
      if (budget < 0) return -1;
    }
    this.position = position;
    this.chunk = chunk;
    return count;
  }

  private stream(name: string): Uint8Array {
    const bytes = this.streams.get(name);
    if (bytes === undefined) throw new Error(`stream not loaded: ${name}`);
    return bytes;
  }

  private create(pipeline: PipelineName, record: Parameters<PipelineFactory>[0]): Pipeline {
    const factory: PipelineFactory | undefined = pipelines[pipeline];
    if (factory === undefined) throw new Error(`unknown pipeline: ${pipeline}`);
    return factory(record);
  }
}
