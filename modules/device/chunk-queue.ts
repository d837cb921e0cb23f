/**
 * Byte chunks waiting to be read into a caller's buffer, for serial drivers that hand out a new
 * ArrayBuffer per read (the SDK's lin serial). Bounded: beyond `limit` bytes the oldest chunk is
 * dropped and counted, as a full UART ring buffer would.
 */
export class ChunkQueue {
  private readonly chunks: Uint8Array[] = [];
  private offset = 0;
  /** Bytes waiting. */
  length = 0;
  /** Bytes dropped because the queue was full. */
  dropped = 0;

  constructor(
    private readonly mask = 0xff,
    private readonly limit = 16384,
  ) {}

  push(chunk: ArrayBuffer): void {
    if (chunk.byteLength === 0) return;
    this.chunks.push(new Uint8Array(chunk));
    this.length += chunk.byteLength;
    while (this.length > this.limit && this.chunks.length > 1) {
      const oldest = this.chunks.shift() as Uint8Array;
      const lost = oldest.length - this.offset;
      this.length -= lost;
      this.dropped += lost;
      this.offset = 0;
    }
  }

  /** Copies waiting bytes to the start of `into` (masked); returns the count. */
  take(into: Uint8Array): number {
    let count = 0;
    while (count < into.length && this.chunks.length) {
      const chunk = this.chunks[0];
      while (count < into.length && this.offset < chunk.length) into[count++] = chunk[this.offset++] & this.mask;
      if (this.offset === chunk.length) {
        this.chunks.shift();
        this.offset = 0;
      }
    }
    this.length -= count;
    return count;
  }
}
