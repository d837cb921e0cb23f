// The README's tables are written by hand; these checks keep them true as the code moves.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FIELDS } from "../modules/config/schema";
import { ObisCatalog } from "../modules/p1/obis-catalog";
import { VscpMapping } from "../modules/vscp/mapping";
import { REPO } from "./support/p1";

const readme = readFileSync(join(REPO, "README.md"), "utf8");

describe("README", () => {
  it("documents every configuration key with its default", () => {
    for (const field of FIELDS) {
      const row = readme.split("\n").find((line) => line.startsWith(`| ${field.key} |`) || line.startsWith(`| ${field.key} (secret) |`));
      expect(row, field.key).toBeDefined();
      const shown = field.type === "string" ? (field.default === "" ? '""' : `\`${field.default}\``) : String(field.default);
      expect(row!.split("|")[3].trim(), field.key).toBe(shown);
    }
  });

  it("lists the sensor index of every Swedish value as the mapping numbers it", () => {
    const mapping = new VscpMapping(new ObisCatalog(), { mac: "24:0A:C4:12:34:56" });
    for (let slot = 0; slot < mapping.catalog.size; slot++) {
      if (!mapping.published[slot] || mapping.sensorIndex[slot] > 25) continue;
      const obis = mapping.catalog.entries[slot].obis;
      expect(readme, obis).toContain(`| ${mapping.sensorIndex[slot]} | ${obis} |`);
    }
  });
});
