import { OBIS_ENTRIES, Layout, type ObisEntry } from "./obis-table";
import { obisKeyOf } from "./obis-key";

/** Looks up catalog entries by packed OBIS key without allocating. */
export class ObisCatalog {
  readonly entries: readonly ObisEntry[];
  readonly size: number;
  /** Index of the meter clock entry 0-0:1.0.0. */
  readonly clockIndex: number;
  /** Packed key → slot; built at start-up (a Map made at module level would be frozen by the preload). */
  private readonly slots = new Map<number, number>();

  constructor(entries: readonly ObisEntry[] = OBIS_ENTRIES) {
    this.entries = entries;
    this.size = entries.length;
    entries.forEach((entry, slot) => {
      const key = obisKeyOf(entry.obis);
      if (this.slots.has(key)) throw new Error(`duplicate OBIS code ${entry.obis} in catalog`);
      this.slots.set(key, slot);
    });
    this.clockIndex = entries.findIndex((e) => e.layout === Layout.Clock);
  }

  /** Slot of the entry with this packed key, or −1. */
  indexOf(key: number): number {
    const slot = this.slots.get(key);
    return slot === undefined ? -1 : slot;
  }

  /** Slot of the entry written `A-B:C.D.E`, or −1. */
  indexOfCode(code: string): number {
    return this.indexOf(obisKeyOf(code));
  }
}
