import { readFileSync, readdirSync, existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DEFAULT_OUTBOX_BYTES, SMALL_OUTBOX_BYTES } from "../modules/app/outbox-sizing";
import { selectBoard } from "../modules/device/board";
import { LOADED_AT_RUN_TIME } from "./firmware/run-time-modules";

const devkitc = {
  name: "ESP32 DevKitC",
  chip: "esp32",
  uartPort: 2,
  rxPin: 16,
  rts: { pin: 4, activeLow: false },
  led: { pin: 2, activeLow: false, kind: "gpio" },
  button: { pin: 0, activeLow: true },
};

function problemsOf(raw: unknown): string[] {
  const selection = selectBoard(raw);
  expect(selection.board).toBeUndefined();
  return selection.problems;
}

describe("selectBoard", () => {
  it("accepts a complete ESP32 wiring", () => {
    const { board, problems } = selectBoard(devkitc);
    expect(problems).toEqual([]);
    expect(board).toEqual({
      name: "ESP32 DevKitC",
      chip: "esp32",
      uartPort: 2,
      rxPin: 16,
      device: "",
      rts: { mode: "gpio", pin: 4, activeLow: false },
      led: { pin: 2, activeLow: false, kind: "gpio" },
      button: { pin: 0, activeLow: true },
    });
  });

  it("never uses UART0, which the console and debugger own", () => {
    const problems = problemsOf({ ...devkitc, uartPort: 0 });
    expect(problems).toEqual(["board.uartPort: UART0 belongs to the console and debugger; use 1 or 2"]);
  });

  it("rejects UARTs the chip does not have (and the C6's LP UART)", () => {
    expect(problemsOf({ ...devkitc, uartPort: 3 })[0]).toBe("board.uartPort: must be 1 or 2 on esp32");
    expect(problemsOf({ ...devkitc, chip: "esp32c3", uartPort: 2, rxPin: 4, rts: "none", led: "none", button: "none" })[0]).toBe(
      "board.uartPort: must be 1 on esp32c3",
    );
    expect(problemsOf({ ...devkitc, chip: "esp32c6", uartPort: 2, rxPin: 4, rts: "none", led: "none", button: "none" })[0]).toBe(
      "board.uartPort: must be 1 on esp32c6",
    );
  });

  it("rejects flash pins, input-only outputs, out-of-range pins and pins used twice", () => {
    expect(problemsOf({ ...devkitc, rxPin: 6 })).toEqual(["board.rxPin: GPIO 6 is wired to the flash chip"]);
    expect(problemsOf({ ...devkitc, rts: { pin: 34 } })).toEqual(["board.rts.pin: GPIO 34 is input-only"]);
    expect(problemsOf({ ...devkitc, rxPin: 40 })).toEqual(["board.rxPin: must be a GPIO number 0..39"]);
    expect(problemsOf({ ...devkitc, rts: { pin: 16 } })).toEqual(["board.rts.pin: GPIO 16 is already used by another signal"]);
    expect(problemsOf({ ...devkitc, chip: "esp32c3", uartPort: 1, rxPin: 12, rts: "none", led: "none", button: "none" })).toEqual([
      "board.rxPin: GPIO 12 is wired to the flash chip",
    ]);
  });

  it("accepts an input-only pin for RX (esp32 GPIO 34..39)", () => {
    expect(selectBoard({ ...devkitc, rxPin: 36 }).problems).toEqual([]);
  });

  it("reads RTS wired to +5 V, none, and active-low GPIO", () => {
    expect(selectBoard({ ...devkitc, rts: "5v" }).board?.rts).toEqual({ mode: "5v" });
    expect(selectBoard({ ...devkitc, rts: "none" }).board?.rts).toEqual({ mode: "none" });
    expect(selectBoard({ ...devkitc, rts: { pin: 4, activeLow: true } }).board?.rts).toEqual({ mode: "gpio", pin: 4, activeLow: true });
    expect(problemsOf({ ...devkitc, rts: "ground" })).toEqual(['board.rts: must be {"pin": n, "activeLow": bool}, "5v" or "none"']);
  });

  it("reports a missing board and an unknown chip", () => {
    expect(problemsOf(undefined)[0]).toContain("board: missing");
    expect(problemsOf({ ...devkitc, chip: "esp8266" })[0]).toContain('board.chip: "esp8266"');
  });

  it("on lin needs a tty path and no GPIO", () => {
    const lin = { name: "sim", chip: "lin", device: "/dev/pts/3", rts: "none" };
    expect(selectBoard(lin).board).toMatchObject({ chip: "lin", device: "/dev/pts/3", rts: { mode: "none" } });
    expect(problemsOf({ ...lin, device: "ttyUSB0" })[0]).toContain("board.device");
    expect(problemsOf({ ...lin, rts: { pin: 4 } })[0]).toContain("no GPIO on lin");
  });
});

describe("the board's outbox", () => {
  it("is the fragment's outboxKiB in bytes, or left to the default", () => {
    expect(selectBoard(devkitc).board?.outboxBytes).toBeUndefined();
    expect(selectBoard({ ...devkitc, outboxKiB: 9 }).board?.outboxBytes).toBe(9 * 1024);
    expect(problemsOf({ ...devkitc, outboxKiB: 0 })[0]).toContain("board.outboxKiB");
    expect(problemsOf({ ...devkitc, outboxKiB: 2.5 })[0]).toContain("board.outboxKiB");
    expect(problemsOf({ ...devkitc, outboxKiB: "9" })[0]).toContain("board.outboxKiB");
  });
});

describe("boards/ fragments and the manifest", () => {
  const boardsDir = new URL("../boards/", import.meta.url);
  const manifest = JSON.parse(readFileSync(new URL("../manifest.json", import.meta.url), "utf8"));
  const boardDirs = readdirSync(boardsDir).filter(
    (name) => existsSync(new URL(`${name}/manifest.json`, boardsDir)) && name !== "esp32-family",
  );

  it("every board fragment's wiring passes selectBoard", () => {
    expect(boardDirs.length).toBeGreaterThanOrEqual(5);
    for (const name of boardDirs) {
      const fragment = JSON.parse(readFileSync(new URL(`${name}/manifest.json`, boardsDir), "utf8"));
      const { board, problems } = selectBoard(fragment.config?.board);
      expect(problems, name).toEqual([]);
      expect(board?.name, name).toBeTruthy();
    }
  });

  it("each board's outbox is one of the sizes outbox-sizing.ts defines: the small one only where the README says why", () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    const memory = readme.slice(readme.indexOf("### Memory on the device"), readme.indexOf("### Wiring"));
    const small: string[] = [];
    for (const name of boardDirs) {
      const fragment = JSON.parse(readFileSync(new URL(`${name}/manifest.json`, boardsDir), "utf8"));
      const bytes = selectBoard(fragment.config?.board).board?.outboxBytes ?? DEFAULT_OUTBOX_BYTES;
      expect([DEFAULT_OUTBOX_BYTES, SMALL_OUTBOX_BYTES], name).toContain(bytes);
      if (bytes === SMALL_OUTBOX_BYTES) small.push(fragment.config.board.name);
    }
    expect(SMALL_OUTBOX_BYTES).toBeLessThan(DEFAULT_OUTBOX_BYTES);
    for (const board of small) {
      expect(memory, board).toContain(board);
      expect(memory, board).toContain(`${SMALL_OUTBOX_BYTES / 1024} KiB outbox`);
    }
  });

  it("every board fragment is reachable from a manifest platform, specific keys before esp32/*", () => {
    const keys = Object.keys(manifest.platforms);
    const included = new Set<string>();
    for (const key of keys) {
      const include = manifest.platforms[key].include;
      if (typeof include === "string") included.add(include.replace("./boards/", "").replace("/manifest.json", ""));
    }
    for (const name of boardDirs) expect(included.has(name), name).toBe(true);
    const wildcard = keys.indexOf("esp32/*");
    for (const key of keys.filter((k) => k.startsWith("esp32/") && k !== "esp32/*")) expect(keys.indexOf(key), key).toBeLessThan(wildcard);
    for (const platform of ["esp32", "esp32/esp32c3", "esp32/esp32s3", "esp32/esp32c6", "esp32/m5atom_lite", "lin"])
      expect(keys, platform).toContain(platform);
  });

  it("preloads every pure module by name (wildcards skip .ts files), all but those loaded at run time", () => {
    const preload: string[] = manifest.preload;
    expect(preload.some((entry) => entry.includes("*"))).toBe(false);
    for (const folder of ["config", "device"]) {
      for (const file of readdirSync(new URL(`../modules/${folder}/`, import.meta.url))) {
        if (!file.endsWith(".ts") || file.endsWith(".d.ts")) continue;
        const name = `modules/${folder}/${file.slice(0, -3)}`;
        if (LOADED_AT_RUN_TIME.has(name)) expect(preload, file).not.toContain(name);
        else expect(preload, file).toContain(name);
      }
    }
  });
});
