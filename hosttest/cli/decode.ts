// decode [--json] [--allow-no-crc] [--events [--mac MAC]] FILE...: prints every frame found in each file (one raw
// byte stream each) and, with --events, the VSCP events (topic and payload) each accepted frame becomes.
import { readFileSync } from "node:fs";
import { Framer, type FrameSink } from "../../modules/p1/framer";
import { ObisCatalog } from "../../modules/p1/obis-catalog";
import { TelegramParser } from "../../modules/p1/parser";
import { Reading } from "../../modules/p1/reading";
import { FrameStatus } from "../../modules/p1/frame-status";
import { EventEncoder } from "../../modules/vscp/encoder";
import { VscpMapping } from "../../modules/vscp/mapping";
import { frameRecord, type FrameRecord } from "./frame-record";

const USAGE =
  "usage: npm run --silent decode -- [--json] [--allow-no-crc] [--utc-offset MINUTES] [--events [--mac AA:BB:CC:DD:EE:FF]] FILE...";

/** MAC used for the event GUIDs when --mac is not given (the profile's example). */
const EXAMPLE_MAC = "24:0A:C4:12:34:56";

interface Options {
  json: boolean;
  allowNoCrc: boolean;
  utcOffset: number;
  events: boolean;
  mac: string | null;
  files: string[];
}

function parseArgs(argv: string[]): Options {
  const options: Options = { json: false, allowNoCrc: false, utcOffset: 60, events: false, mac: null, files: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--json") options.json = true;
    else if (arg === "--allow-no-crc") options.allowNoCrc = true;
    else if (arg === "--utc-offset") {
      options.utcOffset = Number(argv[++i]);
      if (!Number.isInteger(options.utcOffset)) throw new Error("--utc-offset takes whole minutes, e.g. 60");
    } else if (arg === "--events") options.events = true;
    else if (arg === "--mac") {
      options.mac = argv[++i] ?? "";
      if (!options.mac) throw new Error("--mac takes a MAC address, e.g. AA:BB:CC:DD:EE:FF");
    } else if (arg === "--help" || arg === "-h") throw new Error(USAGE);
    else if (arg.startsWith("--")) throw new Error(`unknown option ${arg}`);
    else options.files.push(arg);
  }
  if (options.files.length === 0) throw new Error("no input file");
  if (options.mac !== null && !options.events) throw new Error("--mac only applies with --events");
  return options;
}

/** Header characters the table shows; a longer or binary header is summarised (the JSON keeps it whole). */
const HEADER_SHOWN = 48;

/** The header as the table shows it: quoted, bounded, control and non-ASCII bytes as "." and counted. */
function headerText(header: string): string {
  let odd = 0;
  let shown = "";
  for (let i = 0; i < header.length; i++) {
    const code = header.charCodeAt(i);
    const plain = code >= 0x20 && code < 0x7f;
    if (!plain) odd++;
    if (i < HEADER_SHOWN) shown += plain ? header[i] : ".";
  }
  if (odd === 0 && header.length <= HEADER_SHOWN) return JSON.stringify(header);
  const notes = [`${header.length} bytes`];
  if (odd) notes.push(`${odd} control or non-ASCII shown as "."`);
  return `${JSON.stringify(shown)}${header.length > HEADER_SHOWN ? "…" : ""} (${notes.join(", ")})`;
}

/** A value as the meter wrote it, without leading zeros: "00003911.640" gives "3911.640", not 3911.64. */
function meterDigits(value: number | string, raw: string): string {
  if (typeof value === "string") return value;
  const star = raw.indexOf("*");
  const digits = /^([+-]?)0*(\d+(?:\.\d*)?)$/.exec(star < 0 ? raw : raw.slice(0, star));
  return digits ? digits[1] + digits[2] : String(value);
}

function printTable(file: string, index: number, r: FrameRecord): void {
  const crc = r.crc.sent === null ? "none" : `${r.crc.sent} (computed ${r.crc.computed})`;
  console.log(`${file} frame ${index + 1}: ${r.status}  header ${headerText(r.header)}  crc ${crc}`);
  if (r.time) console.log(`  time   ${r.time.raw}  ${r.time.utc ?? "invalid"}${r.time.valid ? "" : " (not a valid clock)"}`);
  for (const v of r.values) console.log(`  ${v.obis.padEnd(12)} ${meterDigits(v.value, v.raw).padStart(16)} ${v.unit.padEnd(6)} ${v.raw}`);
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
  let encoder: EventEncoder | null = null;
  if (options.events) {
    try {
      encoder = new EventEncoder(new VscpMapping(catalog, { mac: options.mac ?? EXAMPLE_MAC }));
    } catch (error) {
      console.error(`${(error as Error).message}\n${USAGE}`);
      return 2;
    }
  }
  const text = new TextDecoder();
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
        if (encoder && accepted && parsed) {
          // The payload bytes are printed as they would be published, not re-serialised.
          const count = encoder.beginTelegram(parsed, Date.now());
          for (let i = 0; i < count; i++) {
            const payload = text.decode(encoder.buffer.subarray(0, encoder.encode(i)));
            console.log(`${options.json ? "" : "  "}{"topic":${JSON.stringify(encoder.topicOf(i))},"payload":${payload}}`);
          }
        }
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

// A closed pipe (`decode … | head`) ends the output quietly.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw error;
});

process.exitCode = main();
