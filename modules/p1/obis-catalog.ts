import { OBIS_ENTRIES, Layout, type ObisEntry } from "./obis-table";
import { obisKeyOf } from "./obis-key";

/** Longest code text a text key holds exactly (4 bits a character after a leading 1: 53 bits). */
export const MAX_TEXT_KEY_CHARS = 13;

/**
 * A code's text packed four bits a character after a leading 1: "0"–"9", "-", "." and ":" differ in their low
 * four bits, so within that alphabet (and up to MAX_TEXT_KEY_CHARS characters) each text has its own key.
 */
export function textKeyOf(code: string): number {
  let key = 1;
  for (let i = 0; i < code.length; i++) key = key * 16 + (code.charCodeAt(i) & 15);
  return key;
}

/** Looks up catalog entries by packed OBIS key without allocating. */
export class ObisCatalog {
  readonly entries: readonly ObisEntry[];
  readonly size: number;
  /** Index of the meter clock entry 0-0:1.0.0. */
  readonly clockIndex: number;
  /**
   * Packed keys in ascending order and the slot of each, searched by halving: the parser's general rules look a
   * code up here a few times a telegram at most, and a Map would keep two XS slots (32 bytes on the ESP32) per
   * code for it. Built at start-up.
   */
  private readonly sortedKeys: Float64Array;
  private readonly sortedSlots: Int16Array;
  /**
   * Slot by textKeyOf(code), for codes written exactly as in the catalog: the parser's one-pass path looks up
   * every line here, so it stays a Map (a native lookup). Built at start-up (a Map made at module level would
   * be frozen by the preload).
   */
  readonly slotsByText = new Map<number, number>();

  constructor(entries: readonly ObisEntry[] = OBIS_ENTRIES) {
    this.entries = entries;
    this.size = entries.length;
    const keys = entries.map((entry) => obisKeyOf(entry.obis));
    const order = keys.map((_, slot) => slot).sort((a, b) => keys[a] - keys[b]);
    this.sortedKeys = Float64Array.from(order, (slot) => keys[slot]);
    this.sortedSlots = Int16Array.from(order);
    for (let i = 1; i < order.length; i++) {
      if (this.sortedKeys[i] === this.sortedKeys[i - 1]) throw new Error(`duplicate OBIS code ${entries[order[i]].obis} in catalog`);
    }
    entries.forEach((entry, slot) => {
      if (!/^[0-9.:-]{1,13}$/.test(entry.obis)) throw new Error(`OBIS code ${entry.obis} has no text key`);
      this.slotsByText.set(textKeyOf(entry.obis), slot);
    });
    this.clockIndex = entries.findIndex((e) => e.layout === Layout.Clock);
  }

  /** Slot of the entry with this packed key, or −1. */
  indexOf(key: number): number {
    const keys = this.sortedKeys;
    let low = 0;
    let high = keys.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const k = keys[middle];
      if (k === key) return this.sortedSlots[middle];
      if (k < key) low = middle + 1;
      else high = middle - 1;
    }
    return -1;
  }

  /** Slot of the entry written `A-B:C.D.E`, or −1. */
  indexOfCode(code: string): number {
    return this.indexOf(obisKeyOf(code));
  }
}
