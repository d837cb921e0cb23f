import { BaselineParser } from "../bench/baseline-parser";
import { probePipelines } from "../bench/p1-probes";
import type { PipelineFactory } from "./pipeline";
import { BridgePipeline } from "./bridge-pipeline";
import { P1Pipeline, Stage } from "./p1-pipeline";
import { ByteScan, StandinChecksum, StandinFlavour } from "./standin";

/**
 * Every pipeline the harness can run in XS and in Node. Adding a module is one line here.
 */
export const pipelines = {
  "byte-scan": () => new ByteScan(),
  "standin-prealloc": (record) => new StandinChecksum(record, StandinFlavour.Prealloc),
  "standin-array": (record) => new StandinChecksum(record, StandinFlavour.Array),
  "standin-string": (record) => new StandinChecksum(record, StandinFlavour.String),
  "p1-framer": (record) => new P1Pipeline(record, Stage.Frame),
  p1: (record) => new P1Pipeline(record, Stage.Parse),
  "p1-vscp": (record) => new P1Pipeline(record, Stage.Encode),
  "p1-snapshot": (record) => new P1Pipeline(record, Stage.Snapshot),
  bridge: (record) => new BridgePipeline(record),
  "bridge-alarms": (record) => new BridgePipeline(record, "alarms"),
  "bridge-energy": (record) => new BridgePipeline(record, "energy"),
  baseline: (record) => new BaselineParser(record),
  "baseline-nocrc": (record) => new BaselineParser(record, false),
  ...probePipelines(),
} satisfies Record<string, PipelineFactory>;
