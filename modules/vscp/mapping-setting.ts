import type { ObisCatalog } from "../p1/obis-catalog";
import { type ChannelDefinition, isChannelKey } from "./channels";
import { VscpConfigError } from "./config-error";
import { VscpMapping, type EntryOverride, type VscpMappingConfig } from "./mapping";

/*
 * The per-value mapping as a setting: only the rows that differ from the default mapping, as text that
 * fits Preferences (no floats, short strings):
 *
 *   row;row;…        row = code=enabled,sensorIndex,zone,subzone
 *
 * `code` is an OBIS code of the catalog or a channel key; `enabled` is 1 or 0, the others whole numbers
 * 0–255. A value left empty keeps its default and trailing empty values are left out:
 * `1-0:21.7.0=,90` gives L1's import power sensor index 90, `netL1=0` switches the net power of L1 off,
 * `1-0:1.8.0=1,0,2,1` sets all four. The default zone and subzone are the `zone` and `subzone` settings.
 */

/** The setting's field name in messages. */
export const MAPPING_FIELD = "mapping";

const ROW_SEPARATOR = ";";
const VALUE_NAMES = Object.freeze(["enabled", "sensor index", "zone", "subzone"] as const);

/** A base GUID for checking a mapping where no MAC is at hand (GUIDs do not affect whether a mapping is valid). */
const CHECK_GUID = "FF:FF:FF:FF:FF:FF:FF:FE:00:00:00:00:00:00:00:00";

function refuse(row: number, code: string | undefined, message: string): VscpConfigError {
  return new VscpConfigError(MAPPING_FIELD, `row ${row}${code === undefined ? "" : ` (${code})`}: ${message}`);
}

/** A value 0–255 in decimal, or NaN. */
function byteOf(text: string): number {
  if (!/^[0-9]{1,3}$/.test(text)) return NaN;
  const value = Number(text);
  return value <= 255 ? value : NaN;
}

/**
 * The rows of a mapping text, checked for form only (which codes exist is checkMapping's business).
 * Throws VscpConfigError on the field `mapping`, naming the row (1 = the first).
 */
export function parseMapping(text: string): EntryOverride[] {
  const entries: EntryOverride[] = [];
  if (text === "") return entries;
  const rows = text.split(ROW_SEPARATOR);
  rows.forEach((row, i) => {
    const number = i + 1;
    const equals = row.indexOf("=");
    if (equals <= 0) throw refuse(number, undefined, `"${row.slice(0, 40)}" is not code=enabled,sensor index,zone,subzone`);
    const code = row.slice(0, equals);
    const values = row.slice(equals + 1).split(",");
    if (values.length > VALUE_NAMES.length)
      throw refuse(number, code, `${values.length} values; at most 4 (enabled,sensor index,zone,subzone)`);
    const entry: EntryOverride = { obis: code };
    let any = false;
    values.forEach((value, k) => {
      if (value === "") return;
      const byte = byteOf(value);
      if (k === 0) {
        if (byte !== 0 && byte !== 1) throw refuse(number, code, `enabled "${value.slice(0, 10)}" is not 1 or 0`);
        entry.enabled = byte === 1;
      } else if (Number.isNaN(byte)) {
        throw refuse(number, code, `${VALUE_NAMES[k]} "${value.slice(0, 10)}" is not a whole number 0..255`);
      } else if (k === 1) entry.sensorIndex = byte;
      else if (k === 2) entry.zone = byte;
      else entry.subzone = byte;
      any = true;
    });
    if (!any) throw refuse(number, code, "changes nothing (give enabled,sensor index,zone,subzone)");
    entries.push(entry);
  });
  return entries;
}

/** The text of rows (the inverse of parseMapping; values not set are left empty, trailing ones out). */
export function formatMapping(entries: readonly EntryOverride[]): string {
  return entries
    .map((entry) => {
      const values = [
        entry.enabled === undefined ? "" : entry.enabled ? "1" : "0",
        entry.sensorIndex === undefined ? "" : String(entry.sensorIndex),
        entry.zone === undefined ? "" : String(entry.zone),
        entry.subzone === undefined ? "" : String(entry.subzone),
      ];
      while (values[values.length - 1] === "") values.pop();
      return `${entry.obis}=${values.join(",")}`;
    })
    .join(ROW_SEPARATOR);
}

/** A mapping for looking at or checking rows where no MAC is at hand; without entries, the default mapping. */
export function mappingWithoutMac(
  catalog: ObisCatalog,
  channels: readonly ChannelDefinition[],
  config: Pick<VscpMappingConfig, "zone" | "subzone" | "entries"> = {},
): VscpMapping {
  return new VscpMapping(catalog, { ...config, guid: CHECK_GUID }, channels);
}

export interface CheckedMapping {
  /** The rows to apply. */
  entries: EntryOverride[];
  /** Rows left out because this firmware does not know their code (only with `skipUnknown`). */
  skipped: string[];
}

/**
 * Parses a mapping text and checks it against the catalog and the channels: every code known and named
 * once, no two published values with one sensor index. Throws VscpConfigError on the field `mapping`
 * naming the row, e.g. `row 3 (1-0:21.7.0): sensor index 5 is used by 1-0:1.7.0`. With `skipUnknown`
 * (start-up), rows naming a code this firmware does not know, e.g. a channel of a newer one, are left
 * out and listed instead.
 */
export function checkMapping(
  text: string,
  catalog: ObisCatalog,
  channels: readonly ChannelDefinition[],
  skipUnknown = false,
): CheckedMapping {
  const parsed = parseMapping(text);
  if (parsed.length === 0) return { entries: [], skipped: [] }; // the default mapping: nothing to build and compare
  const defaults = mappingWithoutMac(catalog, channels);
  const entries: EntryOverride[] = [];
  const rowOf: number[] = [];
  const slots: number[] = [];
  const skipped: string[] = [];
  const enabled = Uint8Array.from(defaults.published);
  const index = Uint8Array.from(defaults.sensorIndex);
  const rowBySlot = new Int16Array(defaults.size).fill(-1);
  parsed.forEach((entry, i) => {
    const row = i + 1;
    let slot: number;
    try {
      slot = defaults.slotOf(entry.obis);
    } catch {
      throw refuse(row, entry.obis, "is neither an OBIS code like 1-0:1.8.0 nor a channel name");
    }
    if (slot < 0) {
      if (skipUnknown) {
        skipped.push(entry.obis);
        return;
      }
      throw refuse(row, entry.obis, `is not ${isChannelKey(entry.obis) ? "a channel of this firmware" : "in the OBIS catalog"}`);
    }
    if (rowBySlot[slot] >= 0) throw refuse(row, entry.obis, `${defaults.codeOf(slot)} is already in row ${rowBySlot[slot]}`);
    rowBySlot[slot] = row;
    if (!defaults.publishable[slot] && entry.enabled !== false) {
      throw refuse(row, entry.obis, `${defaults.labelOf(slot)} has no VSCP type, so it is never sent`);
    }
    if (entry.enabled !== undefined) enabled[slot] = entry.enabled ? 1 : 0;
    if (entry.sensorIndex !== undefined) index[slot] = entry.sensorIndex;
    entries.push(entry);
    rowOf.push(row);
    slots.push(slot);
  });
  // Two published values with one sensor index would share a GUID and a topic: blame the row that takes an
  // index a value outside the rows or an earlier row already has.
  const users = new Uint16Array(256);
  for (let slot = 0; slot < defaults.size; slot++) if (enabled[slot]) users[index[slot]]++;
  slots.forEach((slot, i) => {
    if (!enabled[slot] || users[index[slot]] < 2) return;
    for (let other = 0; other < defaults.size; other++) {
      if (other === slot || !enabled[other] || index[other] !== index[slot] || rowBySlot[other] > rowOf[i]) continue;
      throw refuse(rowOf[i], entries[i].obis, `sensor index ${index[slot]} is used by ${defaults.codeOf(other)}`);
    }
  });
  // Whatever the VSCP layer still refuses (it checks the same rules), named by its row.
  try {
    mappingWithoutMac(catalog, channels, { entries });
  } catch (error) {
    if (!(error instanceof VscpConfigError)) throw error;
    const at = /^entries\[(\d+)\]/.exec(error.field);
    if (!at) throw new VscpConfigError(MAPPING_FIELD, error.message);
    const i = Number(at[1]);
    throw refuse(rowOf[i], entries[i].obis, error.message.slice(error.field.length + 2));
  }
  return { entries, skipped };
}
