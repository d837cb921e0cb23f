import { CHANNELS } from "../app/channels";
import { MAPPING_PART_CHARS, mappingText, type Settings } from "../config/schema";
import { ObisCatalog } from "../p1/obis-catalog";
import { VscpConfigError } from "../vscp/config-error";
import { checkMapping, mappingWithoutMac } from "../vscp/mapping-setting";

/** One row of the page's mapping table: code, label, enabled (1/0), sensor index, zone, subzone, their defaults, seen (1/0). */
export type MappingTableRow = [string, string, number, number, number, number, number, number, number, number, number];

export interface MappingTable {
  /** Every catalog code with a VSCP type, then every channel. */
  rows: MappingTableRow[];
  /** Longest mapping setting part; the page splits the rows it sends at row boundaries. */
  partChars: number;
  /** Why the stored mapping is not used (the rows then show the defaults), or "". */
  problem: string;
}

/**
 * The mapping as the setup page edits it: every value that can be published with its current and default
 * settings (the defaults' zone and subzone are the `zone` and `subzone` settings), and whether the meter sent it
 * in its last telegram. Built per request: nothing of it stays in memory.
 */
export function mappingTable(settings: Settings, seenCodes: readonly string[]): MappingTable {
  const catalog = new ObisCatalog();
  const zones = { zone: settings.zone, subzone: settings.subzone };
  const defaults = mappingWithoutMac(catalog, CHANNELS, zones);
  let current = defaults;
  let problem = "";
  try {
    const { entries } = checkMapping(mappingText(settings), catalog, CHANNELS);
    current = mappingWithoutMac(catalog, CHANNELS, { ...zones, entries });
  } catch (error) {
    if (!(error instanceof VscpConfigError)) throw error;
    problem = `${error.message}; the default mapping is used`;
  }
  const rows: MappingTableRow[] = [];
  for (let slot = 0; slot < defaults.size; slot++) {
    if (!defaults.publishable[slot]) continue;
    const code = defaults.codeOf(slot);
    rows.push([
      code,
      defaults.labelOf(slot),
      current.published[slot],
      current.sensorIndex[slot],
      current.zoneOf[slot],
      current.subzoneOf[slot],
      defaults.published[slot],
      defaults.sensorIndex[slot],
      defaults.zoneOf[slot],
      defaults.subzoneOf[slot],
      seenCodes.indexOf(code) >= 0 ? 1 : 0,
    ]);
  }
  return { rows, partChars: MAPPING_PART_CHARS, problem };
}
