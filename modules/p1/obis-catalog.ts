import { OBIS_ENTRIES, Layout, type ObisEntry } from "./catalog";
import { obisKeyOf } from "./obis";

/** Looks up catalog entries by packed OBIS key without allocating (binary search over sorted keys). */
export class ObisCatalog {
  readonly entries: readonly ObisEntry[];
  readonly size: number;
  /** Index of the meter clock entry 0-0:1.0.0. */
  readonly clockIndex: number;
  private readonly sortedKeys: Float64Array;
  private readonly sortedSlots: Int16Array;

  constructor(entries: readonly ObisEntry[] = OBIS_ENTRIES) {
    this.entries = entries;
    this.size = entries.length;
    const keyed = entries.map((e, slot) => ({ key: obisKeyOf(e.obis), slot }));
    keyed.sort((x, y) => x.key - y.key);
    for (let i = 1; i < keyed.length; i++) {
      if (keyed[i].key === keyed[i - 1].key) throw new Error(`duplicate OBIS code ${entries[keyed[i].slot].obis} in catalog`);
    }
    this.sortedKeys = new Float64Array(keyed.map((k) => k.key));
    this.sortedSlots = new Int16Array(keyed.map((k) => k.slot));
    this.clockIndex = entries.findIndex((e) => e.layout === Layout.Clock);
  }

  /** Slot of the entry with this packed key, or −1. */
  indexOf(key: number): number {
    const keys = this.sortedKeys;
    let lo = 0;
    let hi = keys.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const k = keys[mid];
      if (k === key) return this.sortedSlots[mid];
      if (k < key) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** Slot of the entry written `A-B:C.D.E`, or −1. */
  indexOfCode(code: string): number {
    return this.indexOf(obisKeyOf(code));
  }
}
