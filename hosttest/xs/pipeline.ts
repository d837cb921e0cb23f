/**
 * What the XS harness drives: something that takes meter bytes in chunks and completes frames.
 * The same pipeline code runs under Node and inside XS.
 */
export interface Pipeline {
  /** Frames completed so far, whatever their status. */
  readonly frames: number;
  push(bytes: Uint8Array, start: number, end: number): void;
  end(): void;
}

/**
 * Receives one canonical dump entry per completed frame (plain data, JSON-safe).
 * Only given when dumping for equivalence; hot runs get `null` and must not allocate.
 */
export type Recorder = (entry: unknown) => void;

export type PipelineFactory = (record: Recorder | null) => Pipeline;
