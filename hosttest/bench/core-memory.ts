import { fileURLToPath } from "node:url";
import { meterStream, swedishTelegrams } from "../xs/corpus";
import { XsWorker, type LiveMemory } from "../xs/xs-worker";

// What each part of the bridge core keeps alive inside XS (hosttest/xs/memory-entry.ts builds them one by one and
// the host reads the live memory from an XS snapshot in between), what the first Swedish telegrams add (per-slot
// parts made on first use), and the whole core as the firmware composes it, before and after an hour of telegrams.
// @agoric/xsnap needs SES lockdown: import "@endo/init" before this module.

const ENTRY = fileURLToPath(new URL("../xs/memory-entry.ts", import.meta.url));

/** The parts in the order memory-entry.ts builds them (each needs the ones before it). */
export const CORE_PARTS = [
  "catalog",
  "mapping",
  "encoder",
  "presence",
  "snapshot",
  "discovery",
  "outbox",
  "parser",
  "reading",
  "framer",
  "publishPolicy",
  "powerHistory",
  "energy",
  "alarms",
] as const;

/** sizeof(txSlot) in xsnap's 64-bit XS; 16 on the ESP32 (32-bit pointers). */
export const XS_SLOT_BYTES_64 = 32;
export const XS_SLOT_BYTES_ESP32 = 16;

export interface PartMemory {
  part: string;
  /** Live bytes in XS's string/buffer chunks (the same bytes on the device, except array items: see `units`). */
  chunkBytes: number;
  /** Live slots (32 bytes each here, 16 on the ESP32). */
  slots: number;
}

export interface CoreMemory {
  command: string;
  units: string;
  /** Each part right after it is built, with the default settings (the outbox at its default size). */
  parts: PartMemory[];
  /**
   * What use adds: the Swedish corpus through framer, parser, encoder (each event and its topic) and snapshot
   * (per-slot parts made on first use), then Home Assistant discovery for the last telegram (once a session).
   */
  afterUse: (PartMemory & { count: number })[];
  /** Sum of parts and what use adds. */
  total: PartMemory;
  /** The core as composed from the default settings (deadband policy) on fake ports, on its own: built, then after an hour. */
  composed: { built: PartMemory; afterAnHour: PartMemory };
}

export const CORE_MEMORY_COMMAND = "npm run bench:memory (also key coreMemory of npm run bench -- --json)";

function difference(part: string, before: LiveMemory, after: LiveMemory): PartMemory {
  return { part, chunkBytes: after.chunkBytes - before.chunkBytes, slots: (after.slotBytes - before.slotBytes) / XS_SLOT_BYTES_64 };
}

export async function coreMemory(): Promise<CoreMemory> {
  const stream = meterStream(swedishTelegrams());
  const parts: PartMemory[] = [];
  const afterUse: CoreMemory["afterUse"] = [];
  let xs = await XsWorker.start(ENTRY);
  try {
    await xs.requestText("gc");
    let before = await xs.liveMemory();
    for (const part of CORE_PARTS) {
      await xs.requestText(part);
      const after = await xs.liveMemory();
      parts.push(difference(part, before, after));
      before = after;
    }
    for (const [step, part] of [
      ["telegrams", "events of the corpus"],
      ["discoveryMessages", "discovery messages"],
    ] as const) {
      const reply = await xs.requestText(step, step === "telegrams" ? stream : undefined);
      const after = await xs.liveMemory();
      afterUse.push({ ...difference(part, before, after), count: JSON.parse(reply.value) as number });
      before = after;
    }
  } finally {
    await xs.close();
  }

  let composed: CoreMemory["composed"];
  xs = await XsWorker.start(ENTRY);
  try {
    await xs.requestText("gc");
    const empty = await xs.liveMemory();
    await xs.requestText("composed");
    const built = await xs.liveMemory();
    await xs.requestText("hour");
    composed = {
      built: difference("composed", empty, built),
      afterAnHour: difference("composedAfterAnHour", empty, await xs.liveMemory()),
    };
  } finally {
    await xs.close();
  }

  const all = [...parts, ...afterUse];
  return {
    command: CORE_MEMORY_COMMAND,
    units:
      "live memory after a collection in xsnap's 64-bit XS: chunkBytes (strings, buffers, typed array contents: the same bytes on " +
      "the ESP32; the item arrays of plain arrays hold slots, half on the ESP32) and slots (32 bytes here, 16 on the ESP32)",
    parts,
    afterUse,
    total: {
      part: "total",
      chunkBytes: all.reduce((n, p) => n + p.chunkBytes, 0),
      slots: all.reduce((n, p) => n + p.slots, 0),
    },
    composed,
  };
}

function thousands(x: number): string {
  return String(Math.round(x)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** The breakdown as a table: per part chunk bytes, slots, and both as ESP32 bytes (slots × 16). */
export function formatCoreMemory(m: CoreMemory): string {
  const row = (p: PartMemory) =>
    `  ${p.part.padEnd(28)} ${thousands(p.chunkBytes).padStart(8)} ${thousands(p.slots).padStart(7)} ` +
    `${thousands(p.slots * XS_SLOT_BYTES_64).padStart(9)} ${thousands(p.slots * XS_SLOT_BYTES_ESP32).padStart(9)}`;
  const lines = [
    "  part                         chunk B   slots  slot B 64  slot B ESP32",
    ...m.parts.map(row),
    ...m.afterUse.map((p) => row({ ...p, part: `${p.part} (${p.count})` })),
    row(m.total),
    row({ ...m.composed.built, part: "composed, built" }),
    row({ ...m.composed.afterAnHour, part: "composed, +1 hour" }),
    `  ${m.units}`,
    `  reproduce: ${m.command}`,
  ];
  return `${lines.join("\n")}\n`;
}
