import type { MeterBytesSink, MeterSource } from "../../modules/app/ports";

/** A meter driven by the test: bytes arrive when the test feeds them, in the chunks it chooses. */
export class ScriptedMeterSource implements MeterSource {
  overruns = 0;
  framingErrors = 0;
  private sink: MeterBytesSink | undefined;
  /** The source reuses one buffer like a UART driver does, so a core that keeps a chunk is caught. */
  private readonly chunkBuffer = new Uint8Array(256);

  start(sink: MeterBytesSink): void {
    this.sink = sink;
  }

  stop(): void {
    this.sink = undefined;
  }

  get started(): boolean {
    return this.sink !== undefined;
  }

  /** Hands `bytes` to the core in UART-sized chunks; returns the time the last byte was handed over. */
  feed(bytes: Uint8Array | string): number {
    const data = typeof bytes === "string" ? new TextEncoder().encode(bytes) : bytes;
    const sink = this.sink;
    if (!sink) throw new Error("meter source not started");
    let lastByteAt = 0;
    for (let offset = 0; offset < data.length; offset += this.chunkBuffer.length) {
      const end = Math.min(data.length, offset + this.chunkBuffer.length);
      this.chunkBuffer.set(data.subarray(offset, end));
      if (end === data.length) lastByteAt = performance.now();
      sink.onMeterBytes(this.chunkBuffer, 0, end - offset);
      this.chunkBuffer.fill(0);
    }
    return lastByteAt;
  }
}
