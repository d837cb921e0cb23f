import { getHeapStatistics } from "node:v8";
import type { SystemPort } from "../../modules/app/ports";

/** The host process as the bridge sees it. */
export class HostSystem implements SystemPort {
  restartRequests = 0;

  /**
   * @param logLine where diagnostics go (the terminal view or stderr)
   * @param onRestart what a restart means here: the simulator exits, tests only count the request
   */
  constructor(
    private readonly logLine: (message: string) => void = (message) => process.stderr.write(`${message}\n`),
    private readonly onRestart: (reason: string) => void = () => {},
  ) {}

  freeMemory(): number {
    const heap = getHeapStatistics();
    return heap.heap_size_limit - heap.used_heap_size;
  }

  restart(reason: string): void {
    this.restartRequests++;
    this.logLine(`restart requested: ${reason}`);
    this.onRestart(reason);
  }

  log(message: string): void {
    this.logLine(message);
  }
}
