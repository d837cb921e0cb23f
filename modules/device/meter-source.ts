import type { MeterBytesSink, MeterSource } from "../app/ports";
import type { MeterUartOptions } from "./uart-options";

/** The meter UART as each platform provides it (see platform.d.ts). */
export interface MeterUart {
  /** Copies waiting bytes to the start of `buffer` without allocating; returns the count (0 when none). */
  read(buffer: Uint8Array): number;
  /** Receive overruns (FIFO or ring buffer full), cumulative. */
  readonly overruns: number;
  /** Characters with a framing or parity error, cumulative. */
  readonly framingErrors: number;
  close(): void;
}

export interface MeterUartCallbacks {
  /** Bytes are waiting; read() until it returns 0. */
  onReadable(count: number): void;
}

export type OpenMeterUart = (options: MeterUartOptions, callbacks: MeterUartCallbacks) => MeterUart;

/** The core's MeterSource on a UART: drains it into one buffer allocated here, once. */
export class UartMeterSource implements MeterSource, MeterUartCallbacks {
  private readonly buffer: Uint8Array;
  private readonly maxReadsPerWake: number;
  private uart: MeterUart | undefined;
  private sink: MeterBytesSink | undefined;
  private pastOverruns = 0;
  private pastFramingErrors = 0;

  constructor(
    private readonly open: OpenMeterUart,
    private readonly options: MeterUartOptions,
    chunkSize = 512,
  ) {
    this.buffer = new Uint8Array(chunkSize);
    // Enough reads to empty a full ring buffer, and no more, so other work gets its turn.
    this.maxReadsPerWake = Math.ceil(options.rxBufferSize / chunkSize) + 1;
  }

  start(sink: MeterBytesSink): void {
    if (this.uart) throw new Error("meter source already started");
    this.sink = sink;
    this.uart = this.open(this.options, this);
  }

  onReadable(_count: number): void {
    const uart = this.uart;
    const sink = this.sink;
    if (!uart || !sink) return;
    for (let reads = 0; reads < this.maxReadsPerWake; reads++) {
      const count = uart.read(this.buffer);
      if (count <= 0) return;
      sink.onMeterBytes(this.buffer, 0, count);
    }
  }

  stop(): void {
    const uart = this.uart;
    if (!uart) return;
    this.pastOverruns += uart.overruns;
    this.pastFramingErrors += uart.framingErrors;
    this.uart = undefined;
    this.sink = undefined;
    uart.close();
  }

  get overruns(): number {
    return this.pastOverruns + (this.uart ? this.uart.overruns : 0);
  }

  get framingErrors(): number {
    return this.pastFramingErrors + (this.uart ? this.uart.framingErrors : 0);
  }
}
