import { describe, expect, it } from "vitest";
import type { Board } from "../modules/device/board";
import { ChunkQueue } from "../modules/device/chunk-queue";
import { UartMeterSource, type MeterUart, type MeterUartCallbacks } from "../modules/device/meter-source";
import { FRAME_FORMATS, MIN_RX_BUFFER, meterUartOptions, type MeterUartOptions } from "../modules/device/uart-options";

const board: Board = { name: "test", chip: "esp32", uartPort: 2, rxPin: 16, device: "", rts: { mode: "none" } };

describe("meterUartOptions", () => {
  it("maps 115200 8N1 inverted (the Swedish default) to options read by name", () => {
    const options = meterUartOptions(board, { baud: 115200, uartFormat: "8N1", invertRx: true });
    expect(options).toMatchObject({ port: 2, receive: 16, baud: 115200, dataBits: 8, parity: "none", stopBits: 1, invertReceive: true });
    expect(options.rxBufferSize).toBeGreaterThanOrEqual(4096);
  });

  it("maps 9600 7E1 (DSMR 2.2) to 7 data bits, even parity", () => {
    const options = meterUartOptions(board, { baud: 9600, uartFormat: "7E1", invertRx: false });
    expect(options).toMatchObject({ baud: 9600, dataBits: 7, parity: "even", stopBits: 1, invertReceive: false });
    expect(Object.keys(FRAME_FORMATS)).toEqual(["8N1", "7E1"]);
  });

  it("refuses UART0, unknown formats, odd baud rates and small ring buffers", () => {
    expect(() => meterUartOptions({ ...board, uartPort: 0 }, { baud: 115200, uartFormat: "8N1", invertRx: true })).toThrow(/UART0/);
    expect(() => meterUartOptions(board, { baud: 115200, uartFormat: "8E2", invertRx: true })).toThrow(/uartFormat/);
    expect(() => meterUartOptions(board, { baud: 115200.5, uartFormat: "8N1", invertRx: true })).toThrow(/baud/);
    expect(() => meterUartOptions(board, { baud: 115200, uartFormat: "8N1", invertRx: true }, 2048)).toThrow(/rxBufferSize/);
    expect(MIN_RX_BUFFER).toBe(4096);
  });

  it("passes the tty path through on lin", () => {
    const options = meterUartOptions(
      { ...board, chip: "lin", uartPort: 0, rxPin: -1, device: "/dev/pts/4" },
      { baud: 115200, uartFormat: "8N1", invertRx: false },
    );
    expect(options.device).toBe("/dev/pts/4");
  });
});

class FakeUart implements MeterUart {
  pending: number[] = [];
  overruns = 0;
  framingErrors = 0;
  closed = false;
  reads = 0;
  constructor(readonly callbacks: MeterUartCallbacks) {}
  read(buffer: Uint8Array): number {
    this.reads++;
    let n = 0;
    while (n < buffer.length && this.pending.length) buffer[n++] = this.pending.shift() as number;
    return n;
  }
  close() {
    this.closed = true;
  }
}

describe("UartMeterSource", () => {
  const options = meterUartOptions(board, { baud: 115200, uartFormat: "8N1", invertRx: true });

  function start(chunkSize = 4) {
    let uart: FakeUart | undefined;
    let opened: MeterUartOptions | undefined;
    const source = new UartMeterSource(
      (o, callbacks) => {
        opened = o;
        uart = new FakeUart(callbacks);
        return uart;
      },
      options,
      chunkSize,
    );
    const received: number[] = [];
    const buffers = new Set<Uint8Array>();
    source.start({
      onMeterBytes(bytes, from, to) {
        buffers.add(bytes);
        for (let i = from; i < to; i++) received.push(bytes[i]);
      },
    });
    return { source, uart: uart as FakeUart, received, buffers, opened };
  }

  it("opens the UART with the mapped options and drains it into one reused buffer", () => {
    const { uart, received, buffers, opened } = start();
    expect(opened).toBe(options);
    uart.pending = [47, 65, 66, 67, 68, 69, 33];
    uart.callbacks.onReadable(7);
    expect(received).toEqual([47, 65, 66, 67, 68, 69, 33]);
    expect(buffers.size).toBe(1);
  });

  it("bounds the reads per wake-up so other work gets its turn", () => {
    const { uart, received } = start(4);
    // maxReads = ceil(4096 / 4) + 1 = 1025 reads of 4 bytes
    uart.pending = new Array(5000).fill(1);
    uart.callbacks.onReadable(5000);
    expect(received.length).toBe(1025 * 4);
    expect(uart.reads).toBe(1025);
  });

  it("keeps the error counters across stop and closes the UART", () => {
    const { source, uart } = start();
    uart.overruns = 2;
    uart.framingErrors = 5;
    expect(source.overruns).toBe(2);
    source.stop();
    expect(uart.closed).toBe(true);
    expect(source.overruns).toBe(2);
    expect(source.framingErrors).toBe(5);
    uart.callbacks.onReadable(1); // a late notification after stop is ignored
    expect(() => source.start({ onMeterBytes() {} })).not.toThrow();
    expect(() => source.start({ onMeterBytes() {} })).toThrow(/already started/);
  });
});

describe("ChunkQueue (lin serial)", () => {
  it("copies chunks across reads into the caller's buffer", () => {
    const queue = new ChunkQueue();
    queue.push(Uint8Array.of(1, 2, 3).buffer);
    queue.push(Uint8Array.of(4, 5).buffer);
    const into = new Uint8Array(4);
    expect(queue.take(into)).toBe(4);
    expect([...into]).toEqual([1, 2, 3, 4]);
    expect(queue.length).toBe(1);
    expect(queue.take(into)).toBe(1);
    expect(into[0]).toBe(5);
    expect(queue.take(into)).toBe(0);
  });

  it("masks the parity bit for 7E1 read as 8N1", () => {
    const queue = new ChunkQueue(0x7f);
    queue.push(Uint8Array.of(0xaf, 0x2f).buffer); // '/' with parity bit set, and without
    const into = new Uint8Array(2);
    queue.take(into);
    expect([...into]).toEqual([0x2f, 0x2f]);
  });

  it("drops and counts the oldest bytes beyond its limit", () => {
    const queue = new ChunkQueue(0xff, 4);
    queue.push(Uint8Array.of(1, 2, 3).buffer);
    queue.push(Uint8Array.of(4, 5, 6).buffer);
    expect(queue.dropped).toBe(3);
    expect(queue.length).toBe(3);
    const into = new Uint8Array(8);
    expect(queue.take(into)).toBe(3);
    expect([...into.subarray(0, 3)]).toEqual([4, 5, 6]);
  });
});
