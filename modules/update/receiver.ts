import { CHIP_IDS, DESCRIPTOR_END, SDK_PROJECT_NAME, VERSION_PREFIX, chipName, readImageInfo, type ImageInfo } from "./image";
import type { Digest, UpdateSlot } from "./ports";

/** Flash is written in pieces of this size; the image is never held whole. */
export const PIECE_BYTES = 4096;

export interface Refusal {
  /** HTTP status that fits the reason. */
  status: number;
  reason: string;
}

export interface Accepted {
  version: string;
  bytes: number;
}

type State = "idle" | "receiving";

/**
 * Streams one image into the slot that is not running. The header is checked (chip, project, version
 * prefix) before the first byte reaches flash; size and SHA-256 are checked before the boot slot is
 * switched. Any refusal or interruption aborts the slot, so the running image stays the boot image and
 * nothing is half-switched.
 */
export class UpdateReceiver {
  private readonly piece = new Uint8Array(PIECE_BYTES);
  private fill = 0;
  private state: State = "idle";
  private opened = false;
  private size = 0;
  private received = 0;
  private sha256 = "";
  private info: ImageInfo | undefined;

  constructor(
    private readonly slot: UpdateSlot,
    private readonly digest: Digest,
    private readonly chip: string,
  ) {}

  get busy(): boolean {
    return this.state !== "idle";
  }

  /** Bytes received of the current image. */
  get progress(): number {
    return this.received;
  }

  /** Announces an image of `size` bytes with the given SHA-256 (hex). */
  begin(size: number, sha256: string): Refusal | undefined {
    if (this.busy) return { status: 409, reason: "another image is being received" };
    if (!Number.isInteger(size) || size <= 0) return { status: 411, reason: "the image size (Content-Length) is missing" };
    if (size < DESCRIPTOR_END) return { status: 400, reason: `${size} bytes is too small for an app image` };
    if (size > this.slot.capacity) {
      return { status: 413, reason: `the image is ${size} bytes; the update slot holds ${this.slot.capacity}` };
    }
    const hash = sha256.toLowerCase();
    if (!/^[0-9a-f]{64}$/.test(hash)) return { status: 400, reason: "the image's SHA-256 (64 hex digits) is missing" };
    this.state = "receiving";
    this.size = size;
    this.sha256 = hash;
    this.received = 0;
    this.fill = 0;
    this.opened = false;
    this.info = undefined;
    this.digest.reset();
    return undefined;
  }

  /** Takes bytes[start, end). A refusal has already aborted the slot. */
  write(bytes: Uint8Array, start: number, end: number): Refusal | undefined {
    if (this.state !== "receiving") return { status: 409, reason: "no image is being received" };
    if (this.received + (end - start) > this.size) return this.refuse(400, `more bytes than the announced ${this.size}`);
    this.digest.update(bytes, start, end);
    this.received += end - start;
    let at = start;
    while (at < end) {
      const n = Math.min(end - at, PIECE_BYTES - this.fill);
      this.piece.set(bytes.subarray(at, at + n), this.fill);
      this.fill += n;
      at += n;
      if (this.fill === PIECE_BYTES) {
        const refused = this.flush();
        if (refused) return refused;
      }
    }
    return undefined;
  }

  /** All bytes are in: checks size and hash, then makes the image the boot image. */
  finish(): Accepted | Refusal {
    if (this.state !== "receiving") return { status: 409, reason: "no image is being received" };
    if (this.received < this.size) return this.refuse(400, `the image is truncated: ${this.received} of ${this.size} bytes arrived`);
    if (this.fill > 0) {
      const refused = this.flush();
      if (refused) return refused;
    }
    const hash = this.digest.hex();
    if (hash !== this.sha256) return this.refuse(422, `the SHA-256 does not match: the image has ${hash}`);
    const info = this.info!;
    try {
      this.slot.activate();
    } catch (error) {
      return this.refuse(422, `the image was refused by the platform's check: ${message(error)}`);
    }
    this.state = "idle";
    return { version: info.version, bytes: this.received };
  }

  /** The upload stopped (connection lost, timeout): the slot is discarded, the running image stays. */
  abort(): void {
    if (this.state === "idle") return;
    this.state = "idle";
    this.fill = 0;
    try {
      this.slot.abort();
    } catch {
      // nothing was switched; a failing abort leaves only an unused slot
    }
  }

  private flush(): Refusal | undefined {
    if (!this.opened) {
      const refused = this.checkHeader();
      if (refused) return this.refuse(refused.status, refused.reason);
      try {
        this.slot.open();
      } catch (error) {
        return this.refuse(503, `the update slot cannot be opened: ${message(error)}`);
      }
      this.opened = true;
    }
    try {
      this.slot.write(this.piece, this.fill);
    } catch (error) {
      return this.refuse(503, `writing the update slot failed: ${message(error)}`);
    }
    this.fill = 0;
    return undefined;
  }

  private checkHeader(): Refusal | undefined {
    const info = readImageInfo(this.piece, this.fill);
    if (typeof info === "string") return { status: 415, reason: info };
    const chipId = CHIP_IDS[this.chip];
    if (info.chipId !== chipId)
      return { status: 415, reason: `the image is built for ${chipName(info.chipId)}; this device is ${this.chip}` };
    if (info.projectName !== SDK_PROJECT_NAME || !info.rawVersion.startsWith(VERSION_PREFIX)) {
      return { status: 415, reason: `not a p1vscp image (project "${info.projectName}", version "${info.rawVersion}")` };
    }
    this.info = info;
    return undefined;
  }

  private refuse(status: number, reason: string): Refusal {
    this.abort();
    return { status, reason };
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
