// The ESP32 partition table and sdkconfig overlay the manifest points at: two equal app slots on 4 MB,
// aligned and not overlapping, Preferences where firmware 0.1.0 kept them, rollback on, and the app
// descriptor's version equal to the firmware version.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { VERSION_PREFIX } from "../modules/update/image";

const root = new URL("../", import.meta.url);
const family = JSON.parse(readFileSync(new URL("boards/esp32-family/manifest.json", root), "utf8"));
const manifest = JSON.parse(readFileSync(new URL("manifest.json", root), "utf8"));
const sdkconfig = readFileSync(new URL("boards/esp32-family/sdkconfig/sdkconfig.defaults", root), "utf8");

interface Partition {
  name: string;
  type: string;
  subtype: string;
  offset: number;
  size: number;
}

function partitions(): Partition[] {
  return readFileSync(new URL("boards/esp32-family/sdkconfig/partitions.csv", root), "utf8")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("#"))
    .map((line) => {
      const [name, type, subtype, offset, size] = line.split(",").map((x) => x.trim());
      return { name, type, subtype, offset: Number(offset), size: Number(size) };
    });
}

describe("ESP32 partitions and sdkconfig for updates", () => {
  it("the manifest of every ESP32 board uses them", () => {
    expect(family.build).toEqual({ SDKCONFIGPATH: "./sdkconfig", PARTITIONS_FILE: "./sdkconfig/partitions.csv" });
    for (const board of ["devkitc", "m5atom-lite", "esp32c3-devkitm", "esp32s3-devkitc", "esp32c6-devkitc"]) {
      const own = JSON.parse(readFileSync(new URL(`boards/${board}/manifest.json`, root), "utf8"));
      expect(own.include).toBe("../esp32-family/manifest.json");
    }
  });

  it("two equal app slots, otadata, and the NVS of firmware 0.1.0, inside 4 MB without overlap", () => {
    const table = partitions();
    const byName = new Map(table.map((p) => [p.name, p]));
    expect(byName.get("nvs")).toMatchObject({ type: "data", subtype: "nvs", offset: 0x9000, size: 0x6000 });
    expect(byName.get("otadata")).toMatchObject({ type: "data", subtype: "ota", size: 0x2000 });
    const slots = table.filter((p) => p.type === "app");
    expect(slots.map((p) => p.subtype)).toEqual(["ota_0", "ota_1"]);
    expect(slots[0].size).toBe(slots[1].size);
    for (const slot of slots) expect(slot.offset % 0x10000).toBe(0);
    const sorted = [...table].sort((a, b) => a.offset - b.offset);
    expect(sorted[0].offset).toBeGreaterThanOrEqual(0x9000); // after the bootloader and the table at 0x8000
    for (let i = 1; i < sorted.length; i++) expect(sorted[i].offset).toBeGreaterThanOrEqual(sorted[i - 1].offset + sorted[i - 1].size);
    const last = sorted[sorted.length - 1];
    expect(last.offset + last.size).toBeLessThanOrEqual(4 * 1024 * 1024);
  });

  it("turns on the bootloader's rollback and names the firmware version in the app descriptor", () => {
    expect(sdkconfig).toMatch(/^CONFIG_BOOTLOADER_APP_ROLLBACK_ENABLE=y$/m);
    expect(sdkconfig).toMatch(/^CONFIG_APP_PROJECT_VER_FROM_CONFIG=y$/m);
    const version = /^CONFIG_APP_PROJECT_VER="([^"]*)"$/m.exec(sdkconfig)?.[1];
    expect(version).toBe(`${VERSION_PREFIX}${manifest.config.firmware}`);
    expect(version!.length).toBeLessThan(32); // esp_app_desc_t.version is char[32]
  });
});
