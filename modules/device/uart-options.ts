/**
 * Maps the configuration and the board to the meter UART's options: an options object read by name, in the
 * shape of the SDK's ECMA-419 serial (`port`, `receive`, `baud`) plus the frame format, RX inversion and the
 * ring buffer size. Pure, so the mapping is tested on the host.
 */
import type { Board } from "./board";

export type Parity = "none" | "even" | "odd";

/** The P1 frame formats: 8N1 (DSMR 4/5, Swedish meters) and 7E1 (DSMR 2.2/3 at 9600 baud). */
export const FRAME_FORMATS: Readonly<Record<string, Readonly<{ dataBits: 7 | 8; parity: Parity; stopBits: 1 }>>> = Object.freeze({
  "8N1": Object.freeze({ dataBits: 8, parity: "none", stopBits: 1 }),
  "7E1": Object.freeze({ dataBits: 7, parity: "even", stopBits: 1 }),
});

/** Smallest RX ring buffer: about 350 ms of 115200 baud, longer than a TLS handshake stalls JavaScript. */
export const MIN_RX_BUFFER = 4096;

export interface MeterUartOptions {
  port: number;
  receive: number;
  /** tty or pty path (lin); empty on the ESP32 family. */
  device: string;
  baud: number;
  dataBits: 7 | 8;
  parity: Parity;
  stopBits: 1;
  /** Inverts the RX line in the UART (a meter's open-collector output wired directly). */
  invertReceive: boolean;
  rxBufferSize: number;
}

export interface MeterLineSettings {
  baud: number;
  uartFormat: string;
  invertRx: boolean;
}

/** Throws a RangeError naming the bad setting; the configuration has already been validated. */
export function meterUartOptions(board: Board, line: MeterLineSettings, rxBufferSize = MIN_RX_BUFFER): MeterUartOptions {
  const frame = FRAME_FORMATS[line.uartFormat];
  if (!frame) throw new RangeError(`uartFormat: "${line.uartFormat}" is not 8N1 or 7E1`);
  if (!Number.isInteger(line.baud) || line.baud < 300 || line.baud > 921600) throw new RangeError(`baud: ${line.baud} is out of range`);
  if (rxBufferSize < MIN_RX_BUFFER) throw new RangeError(`rxBufferSize: ${rxBufferSize} is below ${MIN_RX_BUFFER}`);
  if (board.chip !== "lin" && board.uartPort === 0) throw new RangeError("uartPort: UART0 belongs to the console");
  return {
    port: board.uartPort,
    receive: board.rxPin,
    device: board.device,
    baud: line.baud,
    dataBits: frame.dataBits,
    parity: frame.parity,
    stopBits: frame.stopBits,
    invertReceive: line.invertRx,
    rxBufferSize,
  };
}
