// Fakes of the update ports: a slot that records what reached it, node:crypto's SHA-256, a platform.
import { createHash, type Hash } from "node:crypto";
import type { Digest, ImageState, UpdatePlatform, UpdateSlot } from "../../modules/update/ports";

export class FakeSlot implements UpdateSlot {
  readonly writes: number[] = [];
  bytes: number[] = [];
  opened = 0;
  aborted = 0;
  /** The boot slot: "running" until activate() switches it. */
  boot: "running" | "next" = "running";
  failWriteAt = -1;
  failActivate = "";

  constructor(readonly capacity = 1_900_544) {}

  open(): void {
    this.opened++;
    this.bytes = [];
  }

  write(piece: Uint8Array, length: number): void {
    if (this.failWriteAt >= 0 && this.writes.length === this.failWriteAt) throw new Error("flash write failed");
    this.writes.push(length);
    for (let i = 0; i < length; i++) this.bytes.push(piece[i]);
  }

  abort(): void {
    this.aborted++;
    this.bytes = [];
  }

  activate(): void {
    if (this.failActivate) throw new Error(this.failActivate);
    this.boot = "next";
  }
}

export class NodeDigest implements Digest {
  private hash: Hash = createHash("sha256");
  reset(): void {
    this.hash = createHash("sha256");
  }
  update(bytes: Uint8Array, start: number, end: number): void {
    this.hash.update(bytes.subarray(start, end));
  }
  hex(): string {
    return this.hash.digest("hex");
  }
}

export class FakePlatform implements UpdatePlatform {
  readonly slotPort = new FakeSlot();
  version = "0.1.0";
  state: ImageState = "valid";
  markedValid = 0;
  rolledBack = 0;
  reboots = 0;
  failMarkValid = 0;

  runningVersion(): string {
    return this.version;
  }
  runningState(): ImageState {
    return this.state;
  }
  markValid(): void {
    if (this.failMarkValid > 0) {
      this.failMarkValid--;
      throw new Error("otadata write failed");
    }
    this.markedValid++;
    this.state = "valid";
  }
  failRollback = "";
  rollback(): void {
    if (this.failRollback) throw new Error(this.failRollback);
    this.rolledBack++;
  }
  reboot(): void {
    this.reboots++;
  }
  slot(): FakeSlot {
    return this.slotPort;
  }
  digest(): Digest {
    return new NodeDigest();
  }
}
