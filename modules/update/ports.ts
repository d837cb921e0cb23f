// What the update core needs from the platform: the ESP-IDF OTA calls on the device, files on the Linux
// simulator, fakes in the tests.

/** The app slot that is not running. Writing it never changes which slot boots until activate(). */
export interface UpdateSlot {
  /** Bytes the slot holds. */
  readonly capacity: number;
  /** Starts writing the slot from its beginning. */
  open(): void;
  /** Appends piece[0, length). */
  write(piece: Uint8Array, length: number): void;
  /** Forgets what was written; the boot slot stays as it was. Safe to call at any time. */
  abort(): void;
  /** Closes the slot (the platform checks the image as well) and makes it the boot slot, on probation. */
  activate(): void;
}

/** SHA-256, fed piece by piece. */
export interface Digest {
  reset(): void;
  update(bytes: Uint8Array, start: number, end: number): void;
  /** 64 lower-case hex digits. */
  hex(): string;
}

/** How the running image booted, as the bootloader left it. */
export type ImageState = "valid" | "pending" | "unknown";

export interface UpdatePlatform {
  /** The running image's version (its app descriptor, without the p1vscp- prefix). */
  runningVersion(): string;
  /** "pending" while a new image has not yet marked itself valid (the bootloader rolls back on a reset). */
  runningState(): ImageState;
  /** Keeps the running image: the bootloader will not roll back any more. */
  markValid(): void;
  /** Marks the running image invalid and restarts into the previous one. */
  rollback(): void;
  /** Restarts (into the boot slot). */
  reboot(): void;
  slot(): UpdateSlot;
  digest(): Digest;
}
