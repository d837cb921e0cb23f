// Runs the Linux firmware under xvfb-run and starts it again whenever it ends with the restart status,
// as the ESP32 restarts into its boot slot (the firmware's update adapter does the bootloader's part).
import type { ChildProcess } from "node:child_process";

/** modules/device/lin/update-platform.ts: RESTART_STATUS. */
export const RESTART_STATUS = 75;

export class FirmwareProcess {
  output = "";
  /** Restarts the firmware asked for. */
  restarts = 0;
  private child: ChildProcess | undefined;
  private stopped = false;

  constructor(private readonly launch: () => ChildProcess) {
    this.start();
  }

  private start(): void {
    const child = this.launch();
    this.child = child;
    child.stdout?.on("data", (d: Buffer) => (this.output += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (this.output += d.toString()));
    child.on("exit", (code) => {
      this.output += `\n[firmware exited with ${code}]\n`;
      if (code === RESTART_STATUS && !this.stopped) {
        this.restarts++;
        this.start();
      }
    });
  }

  stop(): void {
    this.stopped = true;
    const pid = this.child?.pid;
    if (!pid) return;
    try {
      process.kill(-pid, "SIGTERM"); // xvfb-run, Xvfb and mcsim share the group started for them
    } catch {
      // already gone
    }
  }
}
