// The firmware memory figures (hosttest/firmware/measure.ts): their shape and how they print.

export const FIRMWARE_COMMAND = "flock /tmp/p1vscp-e2e.lock npm run bench:firmware";

export const PHASES = [
  "boot",
  "firstTelegram",
  "steady",
  "statusPage",
  "outageOutboxFull",
  "reconnectDrain",
  "hourOfTelegrams",
  "tlsHandshake",
  "tlsSteady",
  "tlsStatusPage",
] as const;
export type Phase = (typeof PHASES)[number];

/** One phase's figures: peaks of the 1 s samples, except where noted. */
export interface PhaseFigures {
  samples: number;
  chunkUsedPeak: number;
  /** Chunk heap the machine had allocated (it grows only when a collection cannot free enough): what it needed. */
  chunkAllocated: number;
  slotUsedPeak: number;
  slotAllocated: number;
  /** Deepest the XS stack got (a true peak, kept by the engine). */
  stackPeak: number;
  garbageCollections: number;
  socketsPeak: number;
  keysUsed: number;
}

export interface FirmwareFigures {
  command: string;
  build: string;
  units: string;
  phases: Record<Phase, PhaseFigures | null>;
  /** The largest of each figure over all phases. */
  overall: PhaseFigures;
  checks: Record<string, number | string | boolean>;
}

/** The figures as a table (or why there are none). */
export function formatFirmware(figures: unknown): string {
  const f = figures as FirmwareFigures | { skipped?: string; error?: string; command: string };
  if (!("phases" in f)) return `${"skipped" in f ? `skipped: ${f.skipped}` : `failed: ${f.error}`}\nreproduce: ${f.command}\n`;
  const rows = [["phase", "chunk used", "chunk alloc", "slots used", "slot alloc", "stack", "GCs", "sockets"]];
  for (const [name, p] of [...Object.entries(f.phases), ["overall", f.overall] as const]) {
    if (!p) {
      rows.push([name, "-", "-", "-", "-", "-", "-", "-"]);
      continue;
    }
    rows.push(
      [name, p.chunkUsedPeak, p.chunkAllocated, p.slotUsedPeak, p.slotAllocated, p.stackPeak, p.garbageCollections, p.socketsPeak].map(
        String,
      ),
    );
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const lines = rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  "));
  return `${lines.join("\n")}\nchecks: ${JSON.stringify(f.checks)}\n${f.units}\nreproduce: ${f.command}\n`;
}
