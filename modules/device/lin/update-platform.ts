import { File } from "file";
import config from "mc/config";
import type * as UpdatePlatformModule from "../update-platform";
import type { Digest as DigestPort, ImageState, UpdatePlatform, UpdateSlot } from "../../update/ports";
// Value imports use the module's manifest name: this file is installed as modules/device/update-platform.
import { DESCRIPTOR_END, readImageInfo } from "modules/update/image";
import { Sha256 } from "modules/device/sha256";

/**
 * Updates on the Linux simulator: the two app slots are files, `otadata.json` says which one boots and
 * in which state, and a restart ends the process with RESTART_STATUS for the harness to start it again.
 * At start this adapter does what the ESP-IDF bootloader does with rollback enabled: a new image's first
 * boot puts it on probation; a start that finds it still on probation rolls back to the previous slot.
 * The code that runs is always this build; the slot's app descriptor says which version it stands for.
 */

/** Exit status meaning "start me again". */
export const RESTART_STATUS = 75;
/** A file has no partition bound; this keeps the simulator's slot the size of the ESP32's (partitions.csv). */
const SLOT_BYTES = 0x1f0000;

type SlotState = "new" | "pending" | "valid" | "invalid";
interface SlotRecord {
  version: string;
  state: SlotState;
}
interface OtaData {
  /** Slot that boots; -1 for the build itself (the factory image). */
  boot: number;
  /** Slot to go back to on a rollback (-1: the build itself). */
  previous: number;
  slots: (SlotRecord | null)[];
}

function exitProcess(this: void, status: number): void {
  native("xs_p1lin_exit").call(this, status);
}

const folder = (): string => {
  const configured = (config as Record<string, unknown>).updates;
  return typeof configured === "string" && configured ? configured : `${config.file.root}p1vscp-updates-`;
};

function readOtaData(path: string): OtaData {
  try {
    if (!File.exists(path)) return { boot: -1, previous: -1, slots: [null, null] };
    const file = new File(path);
    const text = file.read(String) as string;
    file.close();
    const data = JSON.parse(text) as OtaData;
    if (!Array.isArray(data.slots) || data.slots.length !== 2) throw new Error("bad otadata");
    return data;
  } catch {
    return { boot: -1, previous: -1, slots: [null, null] };
  }
}

function writeOtaData(path: string, data: OtaData): void {
  if (File.exists(path)) File.delete(path);
  const file = new File(path, true);
  file.write(JSON.stringify(data));
  file.close();
}

class FileSlot implements UpdateSlot {
  readonly capacity = SLOT_BYTES;
  private file: File | undefined;
  private head = new Uint8Array(DESCRIPTOR_END);
  private headFill = 0;

  constructor(private readonly platform: LinUpdatePlatform) {}

  open(): void {
    this.abort();
    const path = this.platform.slotPath(this.platform.nextSlot());
    if (File.exists(path)) File.delete(path);
    this.file = new File(path, true);
    this.headFill = 0;
  }

  write(piece: Uint8Array, length: number): void {
    if (!this.file) throw new Error("the slot is not open");
    const n = Math.min(length, DESCRIPTOR_END - this.headFill);
    if (n > 0) {
      this.head.set(piece.subarray(0, n), this.headFill);
      this.headFill += n;
    }
    this.file.write((piece.buffer as ArrayBuffer).slice(piece.byteOffset, piece.byteOffset + length));
  }

  abort(): void {
    const file = this.file;
    this.file = undefined;
    file?.close();
  }

  activate(): void {
    const file = this.file;
    if (!file) throw new Error("the slot is not open");
    this.file = undefined;
    file.close();
    const info = readImageInfo(this.head, this.headFill);
    if (typeof info === "string") throw new Error(info);
    this.platform.switchTo(this.platform.nextSlot(), info.version);
  }
}

class LinUpdatePlatform implements UpdatePlatform {
  private readonly otaPath: string;
  private readonly data: OtaData;
  private readonly running: number;
  private slotPort: FileSlot | undefined;

  constructor(private readonly firmware: string) {
    this.otaPath = `${folder()}otadata.json`;
    const data = readOtaData(this.otaPath);
    // The bootloader's part.
    const boot = data.boot >= 0 ? data.slots[data.boot] : null;
    if (boot?.state === "new") boot.state = "pending";
    else if (boot?.state === "pending") {
      boot.state = "invalid";
      data.boot = data.previous;
    }
    this.data = data;
    this.running = data.boot;
    this.save();
  }

  slotPath(index: number): string {
    return `${folder()}slot-${index}.bin`;
  }

  nextSlot(): number {
    return this.running === 0 ? 1 : 0;
  }

  switchTo(index: number, version: string): void {
    this.data.slots[index] = { version, state: "new" };
    this.data.previous = this.running;
    this.data.boot = index;
    this.save();
  }

  runningVersion(): string {
    return this.running >= 0 ? (this.data.slots[this.running]?.version ?? this.firmware) : this.firmware;
  }
  runningState(): ImageState {
    if (this.running < 0) return "valid";
    return this.data.slots[this.running]?.state === "pending" ? "pending" : "valid";
  }
  markValid(): void {
    const slot = this.running >= 0 ? this.data.slots[this.running] : null;
    if (!slot) return;
    slot.state = "valid";
    this.save();
  }
  rollback(): void {
    const slot = this.running >= 0 ? this.data.slots[this.running] : null;
    if (slot) slot.state = "invalid";
    this.data.boot = this.data.previous;
    this.save();
    trace("update: restarting into the previous image\n");
    exitProcess(RESTART_STATUS);
  }
  reboot(): void {
    trace("update: restarting\n");
    exitProcess(RESTART_STATUS);
  }
  slot(): UpdateSlot {
    this.slotPort ??= new FileSlot(this);
    return this.slotPort;
  }
  digest(): DigestPort {
    return new Sha256();
  }

  private save(): void {
    try {
      writeOtaData(this.otaPath, this.data);
    } catch (error) {
      trace(`problem: ${this.otaPath} not written (${error instanceof Error ? error.message : String(error)})\n`);
    }
  }
}

export const openUpdatePlatform: typeof UpdatePlatformModule.openUpdatePlatform = (firmware) => new LinUpdatePlatform(firmware);
