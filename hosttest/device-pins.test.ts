// The rxPin/rtsPin settings on the board's wiring, and the pin choices the setup page offers per board.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { assembleDevice, type DeviceModules } from "../modules/device/assemble";
import { applyPinOverrides, meterPinChoices, selectBoard, type Board } from "../modules/device/board";
import { checkSubmission } from "../modules/setup/form";
import { loadSettings } from "../modules/config/settings";
import { MemoryStore } from "./sim/memory-store";

function boardOf(dir: string): Board {
  const manifest = JSON.parse(readFileSync(new URL(`../boards/${dir}/manifest.json`, import.meta.url), "utf8"));
  const selection = selectBoard(manifest.config.board);
  expect(selection.problems).toEqual([]);
  return selection.board!;
}

const devkitc = boardOf("devkitc");

describe("meter pin choices", () => {
  it("DevKitC: no flash, console, strapping, LED or button pin; RTS never an input-only pin", () => {
    const pins = meterPinChoices(devkitc);
    expect(pins.boardRx).toBe(16);
    expect(pins.boardRts).toBe(4);
    for (const pin of [0, 1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 15, 20, 24]) {
      expect(pins.rx, `GPIO ${pin}`).not.toContain(pin);
      expect(pins.rts, `GPIO ${pin}`).not.toContain(pin);
    }
    expect(pins.rx).toContain(36);
    expect(pins.rts).not.toContain(36);
    expect(pins.rx).toEqual(expect.arrayContaining([4, 13, 14, 16, 17, 18, 19, 21, 22, 23, 25, 26, 27, 32, 33]));
  });

  it("every board's own wiring is consistent with its choices, and each chip keeps its reserved pins out", () => {
    const cases: [string, number[]][] = [
      ["m5atom-lite", [27, 39, 1, 3]],
      ["esp32c3-devkitm", [8, 9, 12, 18, 19, 20, 21]],
      ["esp32s3-devkitc", [0, 19, 20, 22, 26, 43, 44, 48]],
      ["esp32c6-devkitc", [8, 9, 12, 13, 16, 17, 24]],
    ];
    for (const [dir, never] of cases) {
      const board = boardOf(dir);
      const pins = meterPinChoices(board);
      expect(pins.rx.length, dir).toBeGreaterThan(5);
      for (const pin of never) expect(pins.rx, `${dir} GPIO ${pin}`).not.toContain(pin);
      expect(pins.boardRx, dir).toBe(board.rxPin);
    }
  });

  it("lin offers no GPIO", () => {
    expect(meterPinChoices(boardOf("lin"))).toEqual({ rx: [], rts: [], boardRx: -1, boardRts: -1 });
  });

  it("the setup form accepts exactly the offered pins", () => {
    const settings = loadSettings(new MemoryStore()).settings;
    const pins = meterPinChoices(devkitc);
    expect(checkSubmission(settings, { rxPin: 17 }, pins).errors).toEqual({});
    expect(checkSubmission(settings, { rxPin: 12 }, pins).errors.rxPin).toContain("not available on this board");
    expect(checkSubmission(settings, { rtsPin: 36 }, pins).errors.rtsPin).toContain("not available on this board");
  });
});

describe("pin overrides", () => {
  it("-1 keeps the board as it is wired", () => {
    const wired = applyPinOverrides(devkitc, { rxPin: -1, rtsPin: -1 });
    expect(wired).toEqual({ board: devkitc, problems: [] });
  });

  it("a valid RX and RTS replace the board's, keeping the RTS active level", () => {
    const wired = applyPinOverrides({ ...devkitc, rts: { mode: "gpio", pin: 4, activeLow: true } }, { rxPin: 17, rtsPin: 25 });
    expect(wired.problems).toEqual([]);
    expect(wired.board.rxPin).toBe(17);
    expect(wired.board.rts).toEqual({ mode: "gpio", pin: 25, activeLow: true });
  });

  it("an invalid pin is reported and the board's kept", () => {
    const wired = applyPinOverrides(devkitc, { rxPin: 6, rtsPin: 36 });
    expect(wired.board.rxPin).toBe(16);
    expect(wired.board.rts).toEqual({ mode: "gpio", pin: 4, activeLow: false });
    expect(wired.problems).toEqual([
      expect.stringMatching(/^rxPin: GPIO 6 is not available on ESP32 DevKitC \(choose -1 or 4, 13, .*\); the board's GPIO 16 kept$/),
      expect.stringMatching(/^rtsPin: GPIO 36 is not available on ESP32 DevKitC \(choose -1 or .*\); the board's GPIO 4 kept$/),
    ]);
  });

  it("RX and RTS on one GPIO: the override is refused", () => {
    expect(applyPinOverrides(devkitc, { rxPin: -1, rtsPin: 16 }).problems).toEqual([
      "rtsPin: GPIO 16 is the RX pin; the board's GPIO 4 kept",
    ]);
    const onRts = applyPinOverrides(devkitc, { rxPin: 4, rtsPin: -1 });
    expect(onRts.board.rxPin).toBe(16);
    expect(onRts.problems).toEqual(["rxPin: GPIO 4 is the board's RTS pin; the board's GPIO 16 kept"]);
    const swapped = applyPinOverrides(devkitc, { rxPin: 4, rtsPin: 16 });
    expect(swapped.problems).toEqual([]);
    expect([swapped.board.rxPin, swapped.board.rts]).toEqual([4, { mode: "gpio", pin: 16, activeLow: false }]);
  });

  it("a board with RTS on +5 V gets a GPIO-driven RTS (active high) when one is chosen", () => {
    const atom = { ...boardOf("m5atom-lite"), rts: { mode: "5v" as const } };
    expect(applyPinOverrides(atom, { rxPin: -1, rtsPin: 25 }).board.rts).toEqual({ mode: "gpio", pin: 25, activeLow: false });
    expect(applyPinOverrides(atom, { rxPin: -1, rtsPin: 39 }).problems[0]).toMatch(/the board's RTS wiring \(5v\) kept$/);
  });

  it("the simulator reports any pin setting and keeps its tty", () => {
    const lin = boardOf("lin");
    const wired = applyPinOverrides(lin, { rxPin: 17, rtsPin: -1 });
    expect(wired.board).toBe(lin);
    expect(wired.problems).toEqual(["rxPin: GPIO 17 is not available on Linux simulator (use -1); the board's wiring kept"]);
  });
});

describe("assembleDevice with pin settings", () => {
  function modules(stored: Record<string, number>, button?: boolean) {
    const lines: string[] = [];
    const opened: string[] = [];
    const prefs = new Map<string, unknown>();
    for (const [k, v] of Object.entries(stored)) prefs.set(`p1vscp/${k}`, v);
    const m: DeviceModules<number> = {
      buildConfig: {
        board: JSON.parse(readFileSync(new URL("../boards/devkitc/manifest.json", import.meta.url), "utf8")).config.board,
        firmware: "9.9.9",
      },
      preferences: {
        get: (d: string, k: string) => prefs.get(`${d}/${k}`) as never,
        set: (d: string, k: string, v: unknown) => void prefs.set(`${d}/${k}`, v),
        delete: (d: string, k: string) => void prefs.delete(`${d}/${k}`),
        keys: (d: string) => [...prefs.keys()].filter((k) => k.startsWith(`${d}/`)).map((k) => k.slice(d.length + 1)),
      },
      timer: { set: () => 1, repeat: () => 2, clear() {} },
      time: { ticks: 0, set() {} },
      SNTP: class {} as never,
      mqtt: {} as never,
      platform: {
        openMeterUart: () => {
          throw new Error("not opened");
        },
        openOutputPin: (pin) => {
          opened.push(`rts ${pin}`);
          return { write() {}, close() {} };
        },
        openStation: () => ({ connect() {}, disconnect() {}, rssi: () => NaN, mac: () => "240AC4123456", address: () => "" }),
        restart() {},
        readInputPin: (pin, activeLow) => {
          opened.push(`button ${pin} ${activeLow ? "active-low" : "active-high"}`);
          if (button === undefined) throw new Error("in use");
          return button;
        },
      },
      freeMemory: () => NaN,
      log: (line) => lines.push(line),
    };
    return { m, lines, opened };
  }

  it("applies valid pin settings to the RTS line it opens, and offers the board's choices", () => {
    const { m, opened } = modules({ rtsPin: 25 });
    const device = assembleDevice(m);
    expect(device.problems).toEqual([]);
    expect(device.firmware).toBe("9.9.9");
    expect(device.pins.boardRts).toBe(4);
    device.openPorts();
    expect(opened).toEqual(["rts 25"]);
  });

  it("reports an invalid pin setting at start-up and opens the board's pin", () => {
    const { m, lines, opened } = modules({ rxPin: 9 });
    const device = assembleDevice(m);
    expect(device.board?.rxPin).toBe(16);
    expect(device.problems).toHaveLength(1);
    expect(lines.some((l) => l.startsWith("problem: rxPin: GPIO 9 is not available"))).toBe(true);
    device.openPorts();
    expect(opened).toEqual(["rts 4"]);
  });

  it("reads the board's setup button once with its active level; a failing read is reported as not held", () => {
    const held = modules({}, true);
    expect(assembleDevice(held.m).buttonHeld()).toBe(true);
    expect(held.opened).toEqual(["button 0 active-low"]);
    expect(assembleDevice(modules({}, false).m).buttonHeld()).toBe(false);
    const broken = modules({});
    const device = assembleDevice(broken.m);
    expect(device.buttonHeld()).toBe(false);
    expect(device.problems).toEqual(["button: in use"]);
  });
});
