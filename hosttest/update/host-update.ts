// The update port on a PC: the slot is a file, "activate" records which image would boot, and a restart
// is a callback (the simulator cannot restart itself into another build).
import { closeSync, openSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { readImageInfo } from "../../modules/update/image";
import type { Digest, ImageState, UpdatePlatform, UpdateSlot } from "../../modules/update/ports";
import { NodeDigest } from "./fakes";

export class FileSlot implements UpdateSlot {
  private fd: number | undefined;
  private head = Buffer.alloc(0);
  /** Version of the image activated last; "" until one is. */
  activated = "";

  constructor(
    readonly path: string,
    readonly capacity = 0x1f0000,
  ) {}

  open(): void {
    this.abort();
    this.fd = openSync(this.path, "w");
    this.head = Buffer.alloc(0);
  }

  write(piece: Uint8Array, length: number): void {
    if (this.fd === undefined) throw new Error("the slot is not open");
    if (this.head.length < 288) this.head = Buffer.concat([this.head, Buffer.from(piece.subarray(0, Math.min(length, 288)))]);
    writeSync(this.fd, piece, 0, length);
  }

  abort(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
    rmSync(this.path, { force: true });
  }

  activate(): void {
    if (this.fd === undefined) throw new Error("the slot is not open");
    closeSync(this.fd);
    this.fd = undefined;
    const info = readImageInfo(this.head, this.head.length);
    if (typeof info === "string") throw new Error(info);
    this.activated = info.version;
  }
}

export class HostUpdatePlatform implements UpdatePlatform {
  readonly slotPort: FileSlot;

  constructor(
    folder: string,
    private readonly version: string,
    private readonly onRestart: (reason: string) => void,
  ) {
    this.slotPort = new FileSlot(join(folder, "p1vscp-next-slot.bin"));
  }

  runningVersion(): string {
    return this.version;
  }
  runningState(): ImageState {
    return "valid";
  }
  markValid(): void {}
  rollback(): void {
    this.onRestart("rollback");
  }
  reboot(): void {
    this.onRestart(`restart into ${this.slotPort.activated}`);
  }
  slot(): UpdateSlot {
    return this.slotPort;
  }
  digest(): Digest {
    return new NodeDigest();
  }
}
