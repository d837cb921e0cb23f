/**
 * Board wiring as the board manifest fragment puts it in `mc/config` (`"config": {"board": {...}}`),
 * checked once at start-up. Pure: no Moddable imports, so the checks run under vitest.
 */
import type { PinChoices } from "../setup/form";

export type Chip = "esp32" | "esp32c3" | "esp32s3" | "esp32c6" | "lin";

/** How the meter's data-request (RTS) line is driven. */
export type RtsWiring =
  | { mode: "gpio"; pin: number; activeLow: boolean } // GPIO switches a transistor that feeds RTS from the port's +5 V
  | { mode: "5v" } // RTS wired permanently to the port's +5 V
  | { mode: "none" }; // meter sends without a request

export interface LedWiring {
  pin: number;
  activeLow: boolean;
  /** "gpio": plain LED; "neopixel": addressable LED driven by the board's own setup. */
  kind: "gpio" | "neopixel";
}

export interface ButtonWiring {
  pin: number;
  activeLow: boolean;
}

export interface Board {
  name: string;
  chip: Chip;
  /** UART index for the meter; never 0 on the ESP32 family (the console/debugger owns it). */
  uartPort: number;
  rxPin: number;
  /** tty or pty path on `lin`; empty on the ESP32 family. */
  device: string;
  rts: RtsWiring;
  led?: LedWiring;
  button?: ButtonWiring;
  /**
   * The outbox when the settings leave it to the board (outboxKiB 0), in bytes: `outboxKiB` of the board
   * fragment, one of the sizes modules/app/outbox-sizing.ts defines; undefined: DEFAULT_OUTBOX_BYTES.
   */
  outboxBytes?: number;
}

export interface BoardSelection {
  /** undefined when the wiring is unusable; `problems` says why. */
  board?: Board;
  problems: string[];
}

interface ChipFacts {
  /** UART indexes the meter may use (0 is the console; esp32c6's 2 is the LP UART the driver does not handle). */
  uarts: readonly number[];
  maxGpio: number;
  /** Pins wired to the SPI flash on common modules. */
  flashPins: readonly number[];
  /** Input-only pins: fine for RX, not for RTS or LED. */
  inputOnly: readonly number[];
  /** GPIO numbers the chip does not have. */
  absent: readonly number[];
  /** Console UART0, USB and boot-strapping pins: never offered for the meter lines (a pulled-up RX on a strapping pin can stop the boot). */
  reserved: readonly number[];
}

const CHIPS: Readonly<Record<Exclude<Chip, "lin">, ChipFacts>> = Object.freeze({
  // reserved: console TX/RX, USB D-/D+, strapping pins.
  esp32: chipFacts([1, 2], 39, [6, 7, 8, 9, 10, 11], [34, 35, 36, 37, 38, 39], [20, 24, 28, 29, 30, 31, 37, 38], [1, 3, 0, 2, 5, 12, 15]),
  esp32c3: chipFacts([1], 21, [12, 13, 14, 15, 16, 17], [], [], [20, 21, 18, 19, 2, 8, 9]),
  esp32s3: chipFacts([1, 2], 48, [26, 27, 28, 29, 30, 31, 32], [], [22, 23, 24, 25], [43, 44, 19, 20, 0, 3, 45, 46]),
  esp32c6: chipFacts([1], 30, [24, 25, 26, 27, 28, 29, 30], [], [], [16, 17, 12, 13, 8, 9, 15]),
});

/** Frozen, so a preloaded module keeps the table in flash. */
function chipFacts(
  uarts: number[],
  maxGpio: number,
  flashPins: number[],
  inputOnly: number[],
  absent: number[],
  reserved: number[],
): ChipFacts {
  return Object.freeze({
    uarts: Object.freeze(uarts),
    maxGpio,
    flashPins: Object.freeze(flashPins),
    inputOnly: Object.freeze(inputOnly),
    absent: Object.freeze(absent),
    reserved: Object.freeze(reserved),
  });
}

/** Checks the board description; every problem is listed, none throws. */
export function selectBoard(raw: unknown): BoardSelection {
  const problems: string[] = [];
  if (!isRecord(raw)) return { problems: ["board: missing; build with -p esp32/<board> or -p lin (see boards/)"] };

  const name = typeof raw.name === "string" && raw.name ? raw.name : "";
  if (!name) problems.push("board.name: missing");
  const chip = raw.chip as Chip;
  if (chip !== "lin" && !(chip in CHIPS)) {
    problems.push(`board.chip: "${String(raw.chip)}" is not one of esp32, esp32c3, esp32s3, esp32c6, lin`);
    return { problems };
  }

  const rts = readRts(raw.rts, problems);
  const led = readLed(raw.led, problems);
  const button = readButton(raw.button, problems);
  let outboxBytes: number | undefined;
  if (raw.outboxKiB !== undefined) {
    if (isInt(raw.outboxKiB) && raw.outboxKiB >= 1 && raw.outboxKiB <= 8192) outboxBytes = raw.outboxKiB * 1024;
    else problems.push("board.outboxKiB: must be a whole number of KiB, 1..8192");
  }

  if (chip === "lin") {
    const device = typeof raw.device === "string" ? raw.device : "";
    if (!device.startsWith("/")) problems.push("board.device: must be a tty or pty path such as /dev/ttyUSB0");
    if (rts.mode === "gpio") problems.push('board.rts: no GPIO on lin; use "5v" or "none"');
    if (problems.length) return { problems };
    return { board: { name, chip, uartPort: 0, rxPin: -1, device, rts, led, button, outboxBytes }, problems };
  }

  const facts = CHIPS[chip];
  const uartPort = raw.uartPort;
  if (uartPort === 0) problems.push("board.uartPort: UART0 belongs to the console and debugger; use " + facts.uarts.join(" or "));
  else if (!isInt(uartPort) || facts.uarts.indexOf(uartPort) < 0)
    problems.push(`board.uartPort: must be ${facts.uarts.join(" or ")} on ${chip}`);

  const rxPin = raw.rxPin;
  checkPin("board.rxPin", rxPin, facts, false, problems);
  if (rts.mode === "gpio") checkPin("board.rts.pin", rts.pin, facts, true, problems);
  if (led) checkPin("board.led.pin", led.pin, facts, true, problems);
  if (button) checkPin("board.button.pin", button.pin, facts, false, problems);

  const used: number[] = [];
  const claim = (what: string, pin: unknown) => {
    if (!isInt(pin)) return;
    if (used.indexOf(pin) >= 0) problems.push(`${what}: GPIO ${pin} is already used by another signal`);
    used.push(pin);
  };
  claim("board.rxPin", rxPin);
  if (rts.mode === "gpio") claim("board.rts.pin", rts.pin);
  if (led) claim("board.led.pin", led.pin);
  if (button) claim("board.button.pin", button.pin);

  if (problems.length) return { problems };
  const board = { name, chip, uartPort: uartPort as number, rxPin: rxPin as number, device: "", rts, led, button, outboxBytes };
  return { board, problems };
}

function checkPin(what: string, pin: unknown, facts: ChipFacts, output: boolean, problems: string[]): void {
  if (!isInt(pin) || pin < 0 || pin > facts.maxGpio) {
    problems.push(`${what}: must be a GPIO number 0..${facts.maxGpio}`);
    return;
  }
  if (facts.absent.indexOf(pin) >= 0) problems.push(`${what}: GPIO ${pin} does not exist on this chip`);
  if (facts.flashPins.indexOf(pin) >= 0) problems.push(`${what}: GPIO ${pin} is wired to the flash chip`);
  if (output && facts.inputOnly.indexOf(pin) >= 0) problems.push(`${what}: GPIO ${pin} is input-only`);
}

/**
 * The GPIOs the setup page offers for the meter lines: every pin of the chip that exists, is not the
 * flash, console, USB or a strapping pin, and is not the board's LED or button. RTS also needs an output.
 */
export function meterPinChoices(board: Board | undefined): PinChoices {
  const boardRts = board && board.rts.mode === "gpio" ? board.rts.pin : -1;
  if (!board || board.chip === "lin") return { rx: [], rts: [], boardRx: board ? board.rxPin : -1, boardRts };
  const facts = CHIPS[board.chip];
  const rx: number[] = [];
  const rts: number[] = [];
  for (let pin = 0; pin <= facts.maxGpio; pin++) {
    if (facts.absent.indexOf(pin) >= 0 || facts.flashPins.indexOf(pin) >= 0 || facts.reserved.indexOf(pin) >= 0) continue;
    if ((board.led && board.led.pin === pin) || (board.button && board.button.pin === pin)) continue;
    rx.push(pin);
    if (facts.inputOnly.indexOf(pin) < 0) rts.push(pin);
  }
  return { rx, rts, boardRx: board.rxPin, boardRts };
}

/**
 * The board with the `rxPin`/`rtsPin` settings applied (-1: as the board is wired). A pin the board
 * does not offer, or one that would put RX and RTS on the same GPIO, is reported and the board's own kept.
 */
export function applyPinOverrides(
  board: Board,
  pins: { rxPin: number; rtsPin: number },
  choices: PinChoices = meterPinChoices(board),
): { board: Board; problems: string[] } {
  const problems: string[] = [];
  if (pins.rxPin === -1 && pins.rtsPin === -1) return { board, problems };
  let rxPin = board.rxPin;
  let rts = board.rts;
  const offer = (list: readonly number[]) => (list.length ? `choose -1 or ${list.join(", ")}` : "use -1");
  if (pins.rxPin !== -1) {
    if (choices.rx.indexOf(pins.rxPin) >= 0) rxPin = pins.rxPin;
    else problems.push(`rxPin: GPIO ${pins.rxPin} is not available on ${board.name} (${offer(choices.rx)}); ${keptRx(board)}`);
  }
  if (pins.rtsPin !== -1) {
    if (choices.rts.indexOf(pins.rtsPin) >= 0)
      rts = { mode: "gpio", pin: pins.rtsPin, activeLow: board.rts.mode === "gpio" ? board.rts.activeLow : false };
    else problems.push(`rtsPin: GPIO ${pins.rtsPin} is not available on ${board.name} (${offer(choices.rts)}); ${keptRts(board)}`);
  }
  if (rts.mode === "gpio" && rts.pin === rxPin) {
    if (rts !== board.rts) {
      problems.push(`rtsPin: GPIO ${rts.pin} is the RX pin; ${keptRts(board)}`);
      rts = board.rts;
    }
    if (rts.mode === "gpio" && rts.pin === rxPin) {
      problems.push(`rxPin: GPIO ${rxPin} is the board's RTS pin; ${keptRx(board)}`);
      rxPin = board.rxPin;
    }
  }
  if (rxPin === board.rxPin && rts === board.rts) return { board, problems };
  return { board: { ...board, rxPin, rts }, problems };
}

function keptRx(board: Board): string {
  return board.rxPin >= 0 ? `the board's GPIO ${board.rxPin} kept` : "the board's wiring kept";
}

function keptRts(board: Board): string {
  return board.rts.mode === "gpio" ? `the board's GPIO ${board.rts.pin} kept` : `the board's RTS wiring (${board.rts.mode}) kept`;
}

function readRts(raw: unknown, problems: string[]): RtsWiring {
  if (raw === "5v") return { mode: "5v" };
  if (raw === "none" || raw === undefined) return { mode: "none" };
  if (isRecord(raw) && isInt(raw.pin)) return { mode: "gpio", pin: raw.pin, activeLow: raw.activeLow === true };
  problems.push('board.rts: must be {"pin": n, "activeLow": bool}, "5v" or "none"');
  return { mode: "none" };
}

function readLed(raw: unknown, problems: string[]): LedWiring | undefined {
  if (raw === undefined || raw === "none") return undefined;
  if (isRecord(raw) && isInt(raw.pin)) {
    const kind = raw.kind === "neopixel" ? "neopixel" : "gpio";
    if (raw.kind !== undefined && raw.kind !== "gpio" && raw.kind !== "neopixel")
      problems.push('board.led.kind: must be "gpio" or "neopixel"');
    return { pin: raw.pin, activeLow: raw.activeLow === true, kind };
  }
  problems.push('board.led: must be {"pin": n, "activeLow": bool, "kind": "gpio"|"neopixel"} or "none"');
  return undefined;
}

function readButton(raw: unknown, problems: string[]): ButtonWiring | undefined {
  if (raw === undefined || raw === "none") return undefined;
  if (isRecord(raw) && isInt(raw.pin)) return { pin: raw.pin, activeLow: raw.activeLow !== false };
  problems.push('board.button: must be {"pin": n, "activeLow": bool} or "none"');
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

function isInt(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value);
}
