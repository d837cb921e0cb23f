/**
 * Maps the configuration and the board to the meter UART's options. Pure, so the mapping is tested
 * on the host; the native module receives plain integers.
 */
import type { Board } from "./board";

/** ESP-IDF `uart_parity_t`. */
export const Parity = Object.freeze({ None: 0, Even: 2, Odd: 3 } as const);
export type ParityCode = (typeof Parity)[keyof typeof Parity];

/** ESP-IDF `UART_SIGNAL_RXD_INV` (hal/uart_types.h): the bit for `uart_set_line_inverse`. */
export const RXD_INVERT_MASK = 1 << 2;

/** The P1 frame formats: 8N1 (DSMR 4/5, Swedish meters) and 7E1 (DSMR 2.2/3 at 9600 baud). */
export const FRAME_FORMATS: Readonly<Record<string, Readonly<{ dataBits: 7 | 8; parity: ParityCode; stopBits: 1 }>>> = Object.freeze({
  "8N1": Object.freeze({ dataBits: 8, parity: Parity.None, stopBits: 1 }),
  "7E1": Object.freeze({ dataBits: 7, parity: Parity.Even, stopBits: 1 }),
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
  parity: ParityCode;
  stopBits: 1;
  /** Mask for `uart_set_line_inverse`: RXD_INVERT_MASK or 0. */
  inverseMask: number;
  rxBufferSize: number;
  /** How often the driver's ring buffer is drained, in ms. */
  pollMs: number;
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
    inverseMask: line.invertRx ? RXD_INVERT_MASK : 0,
    rxBufferSize,
    // Drain eight times per buffer fill, so a late drain or two still leaves the ring buffer room.
    pollMs: pollInterval(line.baud, rxBufferSize),
  };
}

/** Milliseconds between drains: an eighth of the time the ring buffer takes to fill, 10..100 ms. */
export function pollInterval(baud: number, rxBufferSize: number): number {
  const bytesPerSecond = baud / 10;
  const fillMs = (rxBufferSize / bytesPerSecond) * 1000;
  const ms = Math.floor(fillMs / 8);
  return ms < 10 ? 10 : ms > 100 ? 100 : ms;
}
