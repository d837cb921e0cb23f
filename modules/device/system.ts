import type { SystemPort } from "../app/ports";

/** SystemPort from the platform's pieces: restart, free memory and the log sink. */
export class DeviceSystem implements SystemPort {
  constructor(
    private readonly restartNow: () => void,
    private readonly freeBytes: () => number,
    private readonly sink: (line: string) => void,
  ) {}

  freeMemory(): number {
    const bytes = this.freeBytes();
    return typeof bytes === "number" && bytes >= 0 ? bytes : NaN;
  }

  restart(reason: string): void {
    this.sink(`restart: ${reason}`);
    this.restartNow();
  }

  log(message: string): void {
    this.sink(message);
  }
}
