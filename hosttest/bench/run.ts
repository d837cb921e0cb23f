// npm run bench [-- --json]: throughput in Node against smartmeter-obis, XS compute/heap per telegram, what each part
// of the bridge core keeps alive in XS (key coreMemory), the latency from a telegram's last byte to its last event at
// an MQTT subscriber, and the firmware's memory in the Linux simulator build (key firmware).
// Measures and prints; asserts nothing (timings vary by machine, XS figures are deterministic).
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { meterStream, repoRoot, swedishTelegrams } from "../xs/corpus";
import { Runner } from "../xs/runner";
import { formatFirmware } from "../firmware/figures";
import { ourThroughput, smartmeterObisThroughput } from "./node-bench";

const TARGETS = { xsHeapSlotsPerTelegram: 0, xsFramerCrcParserCompute: 60_000, xsPipelineCompute: 250_000, nodeRatio: 25 };

function packageVersion(name: string): string {
  const path = join(repoRoot, "node_modules", name, "package.json");
  return (JSON.parse(readFileSync(path, "utf8")) as { version: string }).version;
}

function xsEngineVersion(): string {
  const worker = join(repoRoot, "node_modules/@agoric/xsnap/xsnap-native/xsnap/build/bin/lin/release/xsnap-worker");
  const result = spawnSync(worker, ["-v"], { encoding: "utf8" });
  return result.stdout.trim() || "unknown";
}

/**
 * The firmware's memory figures (hosttest/firmware/measure.ts) in a child process that holds the meter lock (the
 * lin board's meter pty is a fixed path). `--no-firmware` leaves them out.
 */
function firmwareFigures(): unknown {
  const command = "flock /tmp/p1vscp-e2e.lock npm run bench:firmware";
  if (process.argv.includes("--no-firmware")) return { skipped: "--no-firmware", command };
  if (!process.env.MODDABLE) return { skipped: "$MODDABLE is not set (point it at a Moddable SDK with its Linux tools built)", command };
  const child = spawnSync(
    "flock",
    ["/tmp/p1vscp-e2e.lock", join(repoRoot, "node_modules/.bin/tsx"), join(repoRoot, "hosttest/firmware/measure.ts"), "--json"],
    { cwd: repoRoot, encoding: "utf8", maxBuffer: 16 << 20, stdio: ["ignore", "pipe", "inherit"] },
  );
  const line = child.stdout.trim().split("\n").at(-1) ?? "";
  if (child.status !== 0 || !line.startsWith("{")) return { error: `exit ${child.status}: see the messages above`, command };
  return JSON.parse(line) as unknown;
}

function eventsPerTelegram(stream: Uint8Array): number {
  const runner = new Runner();
  runner.load("se", stream);
  const dump = JSON.parse(runner.dump("p1-vscp", "se", 7)) as { frames: number; entries: { events: { events: unknown[] } | null }[] };
  const events = dump.entries.reduce((n, e) => n + (e.events?.events.length ?? 0), 0);
  return events / dump.frames;
}

async function main(): Promise<void> {
  const json = process.argv.includes("--json");
  const files = swedishTelegrams();
  const stream = meterStream(files);
  const telegrams = files.map((f) => ({ name: f.name, bytes: meterStream([f]) }));
  const note = (text: string) => {
    if (!json) process.stderr.write(`${text}\n`);
  };

  note("Node: our framer+parser …");
  const ours = ourThroughput("p1", stream, files.length, 7);
  const oursFramer = ourThroughput("p1-framer", stream, files.length, 7);
  const oursPipeline = ourThroughput("p1-vscp", stream, files.length, 7);
  note("Node: smartmeter-obis D0 …");
  const peer = smartmeterObisThroughput(telegrams);
  note("MQTT: latency through a broker …");
  const { measureLatency, formatLatency } = await import("../e2e/latency");
  const latencyRun = await measureLatency({ telegrams: 50 });
  const { samplesMs: _samples, ...latency } = latencyRun;

  note("Firmware: memory in the Linux simulator build …");
  const firmware = firmwareFigures();

  // SES lockdown (needed by @agoric/xsnap) only after the Node timings.
  await import("@endo/init");
  const { xsCost, xsBreakdown, probeTelegramShape, whereTheUnitsGo } = await import("./xs-bench");
  note("XS: pipelines …");
  const xs = {
    framerCrcParser: await xsCost("p1", stream),
    framerCrc: await xsCost("p1-framer", stream),
    pipeline: await xsCost("p1-vscp", stream),
    pipelineWithSnapshot: await xsCost("p1-snapshot", stream),
    baseline: await xsCost("baseline", stream),
    baselineWithoutCrc: await xsCost("baseline-nocrc", stream),
    byteScan: await xsCost("byte-scan", stream),
    breakdown: await xsBreakdown(stream),
  };
  note("XS: what each part of the bridge core keeps alive …");
  const { coreMemory, formatCoreMemory } = await import("./core-memory");
  const memory = await coreMemory();
  const where = whereTheUnitsGo(
    xs.breakdown,
    probeTelegramShape(stream),
    xs.framerCrcParser.computePerTelegram,
    xs.byteScan.computePerTelegram,
    stream.length / files.length,
  );

  const ratio = ours.megabytesPerSecond / peer.megabytesPerSecond;
  const result = {
    corpus: {
      telegrams: files.length,
      files: files.map((f) => f.name),
      meanTelegramBytes: Math.round((stream.length / files.length) * 10) / 10,
      eventsPerTelegram: eventsPerTelegram(stream),
      chunks: "pseudo-random 1..128 bytes (seed 7); smartmeter-obis gets whole telegrams",
    },
    node: {
      ours: ours,
      oursFramerOnly: oursFramer,
      oursWholePipeline: oursPipeline,
      smartmeterObis: peer,
      ratio: Math.round(ratio * 10) / 10,
    },
    xs: { ...xs, where },
    coreMemory: memory,
    latency,
    firmware,
    targets: {
      xsHeapSlotsPerTelegram: {
        target: TARGETS.xsHeapSlotsPerTelegram,
        measured: Math.max(
          xs.framerCrcParser.heapSlotsPerTelegram,
          xs.pipeline.heapSlotsPerTelegram,
          xs.pipelineWithSnapshot.heapSlotsPerTelegram,
        ),
      },
      xsFramerCrcParserCompute: { target: TARGETS.xsFramerCrcParserCompute, measured: xs.framerCrcParser.computePerTelegram },
      xsPipelineCompute: { target: TARGETS.xsPipelineCompute, measured: xs.pipeline.computePerTelegram },
      nodeRatio: { target: TARGETS.nodeRatio, measured: Math.round(ratio * 10) / 10 },
    },
    versions: {
      node: process.version,
      xsEngine: xsEngineVersion(),
      "@agoric/xsnap": packageVersion("@agoric/xsnap"),
      "smartmeter-obis": packageVersion("smartmeter-obis"),
      esbuild: packageVersion("esbuild"),
      project: (JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { version: string }).version,
    },
  };

  if (json) {
    console.log(JSON.stringify(result, null, 2));
    return;
  }
  // (SES lockdown makes toLocaleString ignore its options.)
  const n = (x: number, digits = 0) => {
    const [whole, fraction] = x.toFixed(digits).split(".");
    return whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",") + (fraction ? `.${fraction}` : "");
  };
  const met = (ok: boolean) => (ok ? "met" : "MISSED");
  console.log(
    `Swedish corpus: ${files.length} telegrams, ${n(result.corpus.meanTelegramBytes, 1)} bytes and ${n(result.corpus.eventsPerTelegram, 1)} events each`,
  );
  console.log("");
  console.log("Node (wall clock)                       MB/s    µs/telegram");
  console.log(
    `  our framer + CRC + parser         ${n(ours.megabytesPerSecond, 1).padStart(9)} ${n(ours.microsecondsPerTelegram, 2).padStart(13)}`,
  );
  console.log(
    `  our framer + CRC only             ${n(oursFramer.megabytesPerSecond, 1).padStart(9)} ${n(oursFramer.microsecondsPerTelegram, 2).padStart(13)}`,
  );
  console.log(
    `  our whole pipeline (+ encoding)   ${n(oursPipeline.megabytesPerSecond, 1).padStart(9)} ${n(oursPipeline.microsecondsPerTelegram, 2).padStart(13)}`,
  );
  console.log(
    `  smartmeter-obis D0 parser         ${n(peer.megabytesPerSecond, 1).padStart(9)} ${n(peer.microsecondsPerTelegram, 2).padStart(13)}` +
      (peer.rejected.length > 0 ? `   (rejects ${peer.rejected.join(", ")})` : ""),
  );
  console.log(
    `  ratio ours / smartmeter-obis      ${n(ratio, 1).padStart(9)}×   (target ≥ ${TARGETS.nodeRatio}×: ${met(ratio >= TARGETS.nodeRatio)})`,
  );
  console.log("");
  console.log("XS (deterministic, per telegram)         compute   heap slots   chunk check");
  const row = (label: string, c: { computePerTelegram: number; heapSlotsPerTelegram: number; tightHeapGrowth: number }) =>
    console.log(
      `  ${label.padEnd(36)} ${n(c.computePerTelegram).padStart(9)} ${n(c.heapSlotsPerTelegram, 2).padStart(12)}   ${c.tightHeapGrowth === 0 ? "none" : "allocates"}`,
    );
  row("framer + CRC + parser", xs.framerCrcParser);
  row("framer + CRC only", xs.framerCrc);
  row("whole pipeline (+ encode all events)", xs.pipeline);
  row("whole pipeline + telegram snapshot", xs.pipelineWithSnapshot);
  row("baseline line/regex/parseFloat", xs.baseline);
  row("baseline without CRC", xs.baselineWithoutCrc);
  row("byte scan (loop floor)", xs.byteScan);
  console.log(
    `  targets: framer+CRC+parser ≤ ${n(TARGETS.xsFramerCrcParserCompute)} (${met(xs.framerCrcParser.computePerTelegram <= TARGETS.xsFramerCrcParserCompute)}), ` +
      `pipeline ≤ ${n(TARGETS.xsPipelineCompute)} (${met(xs.pipeline.computePerTelegram <= TARGETS.xsPipelineCompute)}), ` +
      `0 heap slots (${met(result.targets.xsHeapSlotsPerTelegram.measured === 0)})`,
  );
  console.log("");
  const w = where;
  console.log(`Where framer + CRC + parser's units go (one telegram of ${n(w.telegramBytes)} bytes and ${w.dataLines} data lines)`);
  console.log(
    `  framing + CRC      ${n(w.framingPerTelegram).padStart(7)}   ${n(w.framingPerByte, 1)} per byte ` +
      `(touching each byte once: ${n(w.byteScanPerByte, 1)}, the plain CRC loop alone: ${n(w.plainCrcLoopPerByte, 1)})`,
  );
  console.log(
    `  parsing            ${n(w.parsingPerTelegram).padStart(7)}   ${n(w.parsingPerLine, 0)} per data line ` +
      `(${n(w.valueLinesPerLine, 0)} of it in the one-pass line path)`,
  );
  console.log(
    `  chunks, hand-over  ${n(w.chunksAndHandOverPerTelegram).padStart(7)}   ` + "(feeding 1–128-byte chunks, the frame to the parser)",
  );
  console.log("");
  console.log("XS compute by sub-step, one telegram");
  for (const [step, value] of Object.entries(xs.breakdown))
    console.log(`  ${step.padEnd(16)} ${typeof value === "number" ? n(value).padStart(9) : value}`);
  console.log("");
  console.log("What each part of the bridge core keeps alive inside XS (built one by one, default settings)");
  process.stdout.write(formatCoreMemory(memory));
  console.log("");
  console.log("End to end (wall clock)");
  console.log(`  ${formatLatency(latencyRun)}`);
  console.log("");
  console.log("Firmware memory (Linux simulator build, SDK instrumentation)");
  console.log(`  ${formatFirmware(firmware).split("\n").join("\n  ")}`);
  console.log("");
  console.log(
    Object.entries(result.versions)
      .map(([k, v]) => `${k} ${v}`)
      .join(", "),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
