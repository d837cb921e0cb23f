import OTA from "ota";
import type * as UpdatePlatformModule from "../update-platform";
import type { Digest as DigestPort, ImageState, UpdatePlatform, UpdateSlot } from "../../update/ports";
// Value imports use the module's manifest name: this file is installed as modules/device/update-platform.
import { Sha256 } from "modules/device/sha256";

// ESP-IDF esp_ota_img_states_t.
const ESP_OTA_IMG_PENDING_VERIFY = 1;
const ESP_OTA_IMG_VALID = 2;
const VERSION_PREFIX = "p1vscp-";

/** The rollback and descriptor calls of p1_update.c (ESP-IDF app_update). */
function runningDescriptorVersion(this: void): string {
  return native("xs_p1update_running_version").call(this);
}
function runningImageState(this: void): number {
  return native("xs_p1update_running_state").call(this);
}
function nextSlotSize(this: void): number {
  return native("xs_p1update_next_slot_size").call(this);
}
function markRunningValid(this: void): void {
  native("xs_p1update_mark_valid").call(this);
}
function rollbackAndRestart(this: void): void {
  native("xs_p1update_rollback").call(this);
}
function restartNow(this: void): void {
  native("xs_p1update_restart").call(this);
}

/** The slot that is not running, through the SDK's `ota` module (esp_ota_begin/write/end, set boot partition). */
class OtaSlot implements UpdateSlot {
  readonly capacity = nextSlotSize();
  private ota: OTA | undefined;

  open(): void {
    this.abort();
    this.ota = new OTA();
  }

  write(piece: Uint8Array, length: number): void {
    if (!this.ota) throw new Error("the slot is not open");
    this.ota.write(length === piece.length ? piece : piece.subarray(0, length));
  }

  abort(): void {
    const ota = this.ota;
    this.ota = undefined;
    ota?.cancel();
  }

  activate(): void {
    const ota = this.ota;
    if (!ota) throw new Error("the slot is not open");
    this.ota = undefined;
    ota.complete(); // esp_ota_end checks the image (segments, checksum, appended SHA-256) before switching
  }
}

class EspUpdatePlatform implements UpdatePlatform {
  private slotPort: OtaSlot | undefined;

  constructor(private readonly firmware: string) {}

  runningVersion(): string {
    const version = runningDescriptorVersion();
    return version.startsWith(VERSION_PREFIX) ? version.slice(VERSION_PREFIX.length) : this.firmware;
  }
  runningState(): ImageState {
    const state = runningImageState();
    if (state === ESP_OTA_IMG_PENDING_VERIFY) return "pending";
    return state === ESP_OTA_IMG_VALID ? "valid" : "unknown";
  }
  markValid(): void {
    markRunningValid();
  }
  rollback(): void {
    rollbackAndRestart();
  }
  reboot(): void {
    restartNow();
  }
  slot(): UpdateSlot {
    this.slotPort ??= new OtaSlot();
    return this.slotPort;
  }
  digest(): DigestPort {
    return new Sha256();
  }
}

export const openUpdatePlatform: typeof UpdatePlatformModule.openUpdatePlatform = (firmware) => new EspUpdatePlatform(firmware);
