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
  /** Packed key → slot; built at start-up (a Map made at module level would be frozen by the preload). */
  private readonly slots = new Map<number, number>();
  /** Slot by textKeyOf(code), for codes written exactly as in the catalog (the parser's one-pass path). */
  readonly slotsByText = new Map<number, number>();

  constructor(entries: readonly ObisEntry[] = OBIS_ENTRIES) {
    this.entries = entries;
    this.size = entries.length;
    entries.forEach((entry, slot) => {
      const key = obisKeyOf(entry.obis);
      if (this.slots.has(key)) throw new Error(`duplicate OBIS code ${entry.obis} in catalog`);
      this.slots.set(key, slot);
      if (!/^[0-9.:-]{1,13}$/.test(entry.obis)) throw new Error(`OBIS code ${entry.obis} has no text key`);
      this.slotsByText.set(textKeyOf(entry.obis), slot);
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
