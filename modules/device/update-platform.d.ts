// The update adapter of each platform; the manifest maps `modules/device/update-platform` to
// esp32/update-platform.ts (ESP-IDF OTA slots, bootloader rollback) or lin/update-platform.ts (files).
import type { UpdatePlatform } from "../update/ports";

/** `firmware` is the build's version, used where the running image has no app descriptor of its own. */
export declare function openUpdatePlatform(firmware: string): UpdatePlatform;
