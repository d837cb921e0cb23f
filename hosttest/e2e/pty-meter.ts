import { spawn, type ChildProcess } from "node:child_process";

// Python's pty module opens the pair; this process then copies its stdin into the master side, so the
// firmware reading the slave side sees a serial line. (Node has no pty API without a native addon.)
const RELAY = `
import os, pty, sys
master, slave = pty.openpty()
import tty; tty.setraw(slave)
print(os.ttyname(slave), flush=True)
while True:
    data = os.read(0, 4096)
    if not data:
        break
    os.write(master, data)
`;

/** A pseudo-terminal the simulated meter writes telegrams into; `path` is the side the firmware opens. */
export class PtyMeter {
  private constructor(
    private readonly child: ChildProcess,
    readonly path: string,
  ) {}

  static open(): Promise<PtyMeter> {
    return new Promise((resolve, reject) => {
      const child = spawn("python3", ["-c", RELAY], { stdio: ["pipe", "pipe", "inherit"] });
      child.once("error", (error) => reject(new Error(`cannot start the pty relay (python3): ${error.message}`)));
      child.stdout!.once("data", (d: Buffer) => resolve(new PtyMeter(child, d.toString().trim())));
      child.once("exit", (code) => reject(new Error(`pty relay exited with code ${code}`)));
    });
  }

  write(bytes: Uint8Array | string): void {
    this.child.stdin!.write(bytes);
  }

  close(): void {
    this.child.stdin!.end();
    this.child.kill();
  }
}
