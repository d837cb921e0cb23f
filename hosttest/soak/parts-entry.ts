import { Outbox } from "../../modules/app/outbox";
import { DEFAULT_OUTBOX_BYTES } from "../../modules/app/outbox-sizing";
import { Framer } from "../../modules/p1/framer";
import { ObisCatalog } from "../../modules/p1/obis-catalog";
import { TelegramParser } from "../../modules/p1/parser";
import { Reading } from "../../modules/p1/reading";
import { EventEncoder } from "../../modules/vscp/encoder";
import { VscpMapping } from "../../modules/vscp/mapping";
import { PresenceEncoder } from "../../modules/vscp/presence";
import { TelegramSnapshot } from "../../modules/vscp/snapshot";

// Entry for measuring what each part of the bridge core keeps alive: each command builds one part (kept), then
// collects; the host reads the live memory in between. Parts are built in dependency order.

interface XsnapGlobals {
  gc(): void;
  handleCommand?: (message: ArrayBuffer) => ArrayBuffer | undefined;
}

const xs = globalThis as unknown as XsnapGlobals;
const kept: unknown[] = [];
let catalog: ObisCatalog | null = null;
let mapping: VscpMapping | null = null;

const build: Record<string, () => unknown> = {
  catalog: () => (catalog = new ObisCatalog()),
  mapping: () => (mapping = new VscpMapping(catalog!, { mac: "24:0A:C4:12:34:56" })),
  encoder: () => new EventEncoder(mapping!),
  presence: () => new PresenceEncoder(mapping!, {}),
  snapshot: () => new TelegramSnapshot(catalog!),
  outbox: () => new Outbox(DEFAULT_OUTBOX_BYTES),
  parser: () => new TelegramParser(catalog!),
  reading: () => new Reading(catalog!),
  framer: () => new Framer({ onFrame() {} }, { capacity: 4096 }),
};

xs.handleCommand = (message: ArrayBuffer): ArrayBuffer | undefined => {
  const part = new TextDecoder().decode(new Uint8Array(message));
  if (Object.hasOwn(build, part)) kept.push(build[part]());
  xs.gc();
  return undefined;
};
