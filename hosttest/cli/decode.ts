// decode [--json] [--allow-no-crc] FILE...: prints every frame found in each file (one raw byte stream each).
import { readFileSync } from "node:fs";
import { Framer, type FrameSink } from "../../modules/p1/framer";
import { ObisCatalog } from "../../modules/p1/obis-catalog";
import { TelegramParser } from "../../modules/p1/parser";
import { Reading } from "../../modules/p1/reading";
import { FrameStatus } from "../../modules/p1/status";
import { frameRecord, type FrameRecord } from "./frame-record";

const USAGE = "usage: npm run --silent decode -- [--json] [--allow-no-crc] [--utc-offset MINUTES] FILE...";

interface Options {
  json: boolean;
  allowNoCrc: boolean;
  utcOffset: number;
  files: string[];
}

function parseArgs(argv: string[]): Options {
  const options: Options = { json: false, allowNoCrc: false, utcOffset: 60, files: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--json") options.json = true;
    else if (arg === "--allow-no-crc") options.allowNoCrc = true;
    else if (arg === "--utc-offset") {
      options.utcOffset = Number(argv[++i]);
      if (!Number.isInteger(options.utcOffset)) throw new Error("--utc-offset takes whole minutes, e.g. 60");
    } else if (arg === "--help" || arg === "-h") throw new Error(USAGE);
    else if (arg.startsWith("--")) throw new Error(`unknown option ${arg}`);
    else options.files.push(arg);
  }
  if (options.files.length === 0) throw new Error("no input file");
  return options;
}

function printTable(file: string, index: number, r: FrameRecord): void {
  const crc = r.crc.sent === null ? "none" : `${r.crc.sent} (computed ${r.crc.computed})`;
  console.log(`${file} frame ${index + 1}: ${r.status}  header ${JSON.stringify(r.header)}  crc ${crc}`);
  if (r.time) console.log(`  time   ${r.time.raw}  ${r.time.utc ?? "invalid"}${r.time.valid ? "" : " (not a valid clock)"}`);
  for (const v of r.values) console.log(`  ${v.obis.padEnd(12)} ${String(v.value).padStart(16)} ${v.unit.padEnd(6)} ${v.raw}`);
  for (const u of r.unknown) console.log(`  unknown ${u.length > 100 ? u.slice(0, 100) + "…" : u}`);
}

function main(): number {
  let options: Options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error((error as Error).message === USAGE ? USAGE : `${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const catalog = new ObisCatalog();
  const parser = new TelegramParser(catalog, { defaultUtcOffsetMinutes: options.utcOffset });
  const reading = new Reading(catalog);
  let allOk = true;
  for (const file of options.files) {
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(file);
    } catch (error) {
      console.error(`cannot read ${file}: ${(error as Error).message}`);
      allOk = false;
      continue;
    }
    let index = 0;
    const sink: FrameSink = {
      onFrame(framer) {
        const parsed = framer.status === FrameStatus.Hdlc ? null : parser.parse(framer.buffer, framer.length, reading);
        const record = frameRecord(framer, parsed);
        const accepted = framer.status === FrameStatus.Ok || (options.allowNoCrc && framer.status === FrameStatus.NoCrc);
        if (!accepted) allOk = false;
        if (options.json) console.log(JSON.stringify({ ...record, file }));
        else printTable(file, index, record);
        index++;
      },
    };
    const framer = new Framer(sink);
    framer.push(bytes);
    framer.end();
    if (index === 0) {
      allOk = false;
      if (options.json) console.log(JSON.stringify({ file, status: "no-frame", garbageBytes: framer.counters.garbageBytes }));
      else console.log(`${file}: no frame found (${framer.counters.garbageBytes} bytes of other data)`);
    }
  }
  return allOk ? 0 : 1;
}

process.exitCode = main();
