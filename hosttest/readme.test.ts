// The README's tables are written by hand; these checks keep them true as the code moves.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ALARM_CHANNELS, AlarmType } from "../modules/alarm/channels";
import { HEALTH_FIELDS } from "../modules/app/health";
import { FIELDS } from "../modules/config/schema";
import { DERIVED_CHANNELS } from "../modules/energy/channels";
import { MeasurementType } from "../modules/vscp/mapping";
import { ObisCatalog } from "../modules/p1/obis-catalog";
import { CHANNELS } from "../modules/app/channels";
import { EventEncoder } from "../modules/vscp/encoder";
import { VscpMapping } from "../modules/vscp/mapping";
import { checkMapping } from "../modules/vscp/mapping-setting";
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

  it("gives a mapping text example this firmware accepts", () => {
    const section = readme.slice(readme.indexOf("### Mapping"), readme.indexOf("| idx | OBIS |"));
    const example = /```\n[^\n]*\n([^\n]+)\n```/.exec(section);
    expect(example).not.toBeNull();
    expect(checkMapping(example![1], new ObisCatalog(), CHANNELS).entries.length).toBe(3);
  });

  it("lists every alarm channel in ALARM_CHANNELS order with its sensor index, key, type and label", () => {
    const start = readme.indexOf("### Alarms (CLASS1.ALARM)");
    const section = readme.slice(start, readme.indexOf("\n### ", start));
    const rows = section.split("\n").filter((line) => /^\| 1\d\d \|/.test(line));
    const typeName = (type: number) => (type === AlarmType.Warning ? "1 Warning" : type === AlarmType.Alarm ? "2 Alarm occurred" : "?");
    const cells = rows.map((row) =>
      row
        .split("|")
        .slice(1, 5)
        .map((cell) => cell.trim()),
    );
    expect(cells).toEqual(ALARM_CHANNELS.map((c) => [String(c.sensorIndex), c.key, typeName(c.vscpType), c.label]));
  });

  it("shows an alarm event as the encoder writes it", () => {
    const mapping = new VscpMapping(new ObisCatalog(), { mac: "24:0A:C4:12:34:56", zone: 3, subzone: 7 }, ALARM_CHANNELS);
    const encoder = new EventEncoder(mapping);
    const length = encoder.encodeStored(mapping.slotOf("fuseAlarmL1"), Uint8Array.of(0x31), 0, 1, Date.UTC(2025, 0, 15, 16, 41) / 1000, 0);
    const json = Buffer.from(encoder.buffer.subarray(0, length)).toString("latin1");
    expect(readme).toContain(`\n${json}\n`);
  });

  it("lists every health figure of the stats message and status page, in the table's order, with its meaning", () => {
    const section = readme.slice(readme.indexOf("### Stats JSON"), readme.indexOf("### Telegram snapshot"));
    const rows = section.split("\n").filter((line) => line.startsWith("| `"));
    const kindText = (field: (typeof HEALTH_FIELDS)[number]) =>
      "stats" in field
        ? "status page only"
        : field.kind === "flag"
          ? "0 or 1"
          : field.kind === "text"
            ? "text or null"
            : field.kind === "gauge"
              ? "integer or null"
              : "integer";
    expect(rows).toEqual(HEALTH_FIELDS.map((field) => `| \`${field.key}\` | ${kindText(field)} | ${field.about} |`));
  });

  it("lists every derived channel with its default sensor index, type and label, in slot order", () => {
    const section = readme.slice(readme.indexOf("### Derived values and the capacity tariff"), readme.indexOf("* **Net power**"));
    const rows = section.split("\n").filter((line) => /^\| \d+ \|/.test(line));
    const typeName = (type: number) =>
      `${type} ${Object.entries(MeasurementType)
        .find(([, t]) => t === type)![0]
        .replace(/([a-z])([A-Z])/g, "$1_$2")
        .toUpperCase()}`;
    expect(rows).toEqual(
      DERIVED_CHANNELS.map((c) => `| ${c.sensorIndex} | ${c.key} | ${typeName(c.vscpType)} | ${c.unit} (W) | ${c.label} |`),
    );
  });
});
