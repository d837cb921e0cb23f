import type { PipelineFactory } from "./pipeline";
import { P1Pipeline } from "./p1-pipeline";
import { NullPipeline, StandinChecksum } from "./standin";

/**
 * Every pipeline the harness can run in XS and in Node. Adding a module is one line here.
 */
export const pipelines = {
  "byte-scan": () => new NullPipeline(),
  "standin-prealloc": (record) => new StandinChecksum(record, "prealloc"),
  "standin-array": (record) => new StandinChecksum(record, "array"),
  "standin-string": (record) => new StandinChecksum(record, "string"),
  "p1-framer": (record) => new P1Pipeline(record, false),
  p1: (record) => new P1Pipeline(record),
} satisfies Record<string, PipelineFactory>;
