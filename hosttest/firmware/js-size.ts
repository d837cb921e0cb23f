// After `npm run build:firmware`: the flash size of each ESP32 board's JavaScript archive (mc.xs.c: the
// preloaded modules' bytecode and heap, SDK modules included), compiled to an object with the RISC-V
// compiler of the ESP-IDF check (its data is the same size for Xtensa), against one app slot. The rest of
// the image (XS engine, ESP-IDF, Wi-Fi, lwIP, native modules) needs Espressif's linker and is not measured.
//
//   FIRMWARE_OUT=<dir as for build:firmware> npx tsx hosttest/firmware/js-size.ts
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const repo = resolve(import.meta.dirname, "../..");
const out = resolve(process.env.FIRMWARE_OUT ?? join(tmpdir(), "p1vscp-firmware"));
const CHECK = process.env.ESP_IDF_CHECK ?? resolve(repo, "../shared/esp-idf-check/check.sh");

function slotBytes(): number {
  const table = readFileSync(join(repo, "boards/esp32-family/sdkconfig/partitions.csv"), "utf8");
  const slot = table.split("\n").find((line) => /^\s*ota_0\s*,/.test(line));
  return Number(slot?.split(",")[4].trim());
}

function find(dir: string, name: string): string | undefined {
  if (!existsSync(dir)) return undefined;
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (entry === name) return path;
    if (statSync(path).isDirectory()) {
      const found = find(path, name);
      if (found) return found;
    }
  }
  return undefined;
}

const slot = slotBytes();
console.log(`app slot ${slot} bytes (${slot / 1024} KiB); JavaScript archive of each board (text + data of mc.xs.o):`);
for (const board of ["esp32", "esp32-nodemcu", "esp32-m5atom_lite", "esp32-esp32c3", "esp32-esp32s3", "esp32-esp32c6"]) {
  const source = find(join(out, board, "tmp"), "mc.xs.c");
  if (!source) {
    console.log(`${board.padEnd(18)} no mc.xs.c under ${join(out, board)} (run npm run build:firmware first)`);
    continue;
  }
  const objects = mkdtempSync(join(tmpdir(), "p1vscp-size-"));
  try {
    const dir = source.slice(0, -"/mc.xs.c".length);
    const compiled = spawnSync(CHECK, ["-t", "esp32c3", "--keep-obj", objects, "-I", dir, source], { encoding: "utf8" });
    const object = join(objects, "mc.xs.o");
    if (compiled.status !== 0 || !existsSync(object)) {
      console.log(`${board.padEnd(18)} compile failed: ${(compiled.stdout + compiled.stderr).split("\n").slice(-3).join(" ")}`);
      continue;
    }
    const size = spawnSync("riscv64-unknown-elf-size", [object], { encoding: "utf8" }).stdout.split("\n")[1].trim().split(/\s+/);
    const bytes = Number(size[0]) + Number(size[1]);
    console.log(
      `${board.padEnd(18)} ${String(bytes).padStart(8)} bytes; ${String(slot - bytes).padStart(8)} bytes of the slot left for the engine, ESP-IDF and native code`,
    );
  } finally {
    rmSync(objects, { recursive: true, force: true });
  }
}
