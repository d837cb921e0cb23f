import type { DataRequestLine, MeterBytesSink, MeterSource, SystemPort } from "../../modules/app/ports";

/** The meter's serial line, fed by the test. Like a real driver it reuses one chunk buffer. */
export class FakeMeter implements MeterSource, DataRequestLine {
  overruns = 0;
  framingErrors = 0;
  active = false;
  private sink: MeterBytesSink | undefined;
  private readonly chunk = new Uint8Array(4096);

  start(sink: MeterBytesSink): void {
    this.sink = sink;
  }

  stop(): void {
    this.sink = undefined;
  }

  setActive(active: boolean): void {
    this.active = active;
  }

  get started(): boolean {
    return this.sink !== undefined;
  }

  /** Delivers `bytes` cut at the given sizes (cycled; default one piece), through the reused chunk buffer. */
  feed(bytes: Uint8Array, sizes: readonly number[] = [bytes.length]): void {
    let pos = 0;
    let i = 0;
    while (pos < bytes.length) {
      const size = Math.min(Math.max(1, sizes[i++ % sizes.length]), bytes.length - pos, this.chunk.length);
      this.chunk.set(bytes.subarray(pos, pos + size));
      this.chunk.fill(0xee, size); // stale bytes beyond `end` must never be read
      this.sink?.onMeterBytes(this.chunk, 0, size);
      pos += size;
    }
  }
}

export class FakeSystem implements SystemPort {
  readonly restarts: { atMs: number; reason: string }[] = [];
  readonly logs: string[] = [];
  memory = 123_456;
  constructor(private readonly now: () => number) {}

  freeMemory(): number {
    return this.memory;
  }

  restart(reason: string): void {
    this.restarts.push({ atMs: this.now(), reason });
  }

  log(message: string): void {
    this.logs.push(message);
  }
}
