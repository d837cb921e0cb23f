/**
 * What an update image says about itself: the ESP-IDF app image header (chip) and the app descriptor
 * (`esp_app_desc_t`: version, project name) that follows the first segment header. Read from the first
 * DESCRIPTOR_END bytes, before anything is written to flash.
 */

/** esp_image_header_t (24 bytes) + the first segment header (8) + esp_app_desc_t (256). */
export const DESCRIPTOR_END = 24 + 8 + 256;

const IMAGE_MAGIC = 0xe9;
const APP_DESC_MAGIC = 0xabcd5432;
const CHIP_ID_OFFSET = 12;
const DESC_OFFSET = 32;
const VERSION_OFFSET = DESC_OFFSET + 16;
const PROJECT_OFFSET = DESC_OFFSET + 48;
const TEXT_FIELD = 32;

/** esp_chip_id_t of each chip this firmware is built for (ESP-IDF esp_app_format.h). */
export const CHIP_IDS: Readonly<Record<string, number>> = Object.freeze({
  esp32: 0x0000,
  esp32s3: 0x0009,
  esp32c3: 0x0005,
  esp32c6: 0x000d,
  // Not an Espressif chip: the Linux simulator's images carry this id (ESP-IDF reserves 0xFFFF as invalid).
  lin: 0x7f00,
});

/** The CMake project name of every Moddable SDK ESP32 build (build/devices/esp32/xsProj-*: project(xs_esp32)). */
export const SDK_PROJECT_NAME = "xs_esp32";
/** The app version (sdkconfig CONFIG_APP_PROJECT_VER) starts with this: it tells our images from any other Moddable app. */
export const VERSION_PREFIX = "p1vscp-";

export interface ImageInfo {
  chipId: number;
  projectName: string;
  /** The version without VERSION_PREFIX, e.g. "0.2.0". */
  version: string;
  /** The descriptor's version as written. */
  rawVersion: string;
}

/** Name of a chip id for messages. */
export function chipName(id: number): string {
  for (const name of Object.keys(CHIP_IDS)) if (CHIP_IDS[name] === id) return name;
  return `chip 0x${id.toString(16)}`;
}

/**
 * Parses the image's first DESCRIPTOR_END bytes. Returns the facts, or a sentence saying why this is not
 * an ESP-IDF app image.
 */
export function readImageInfo(bytes: Uint8Array, length: number): ImageInfo | string {
  if (length < DESCRIPTOR_END) return `the image is ${length} bytes, shorter than its own header`;
  if (bytes[0] !== IMAGE_MAGIC) return "not an ESP-IDF app image (no 0xE9 header byte)";
  const magic =
    (bytes[DESC_OFFSET] | (bytes[DESC_OFFSET + 1] << 8) | (bytes[DESC_OFFSET + 2] << 16) | (bytes[DESC_OFFSET + 3] << 24)) >>> 0;
  if (magic !== APP_DESC_MAGIC) return "not an ESP-IDF app image (no app descriptor)";
  const chipId = bytes[CHIP_ID_OFFSET] | (bytes[CHIP_ID_OFFSET + 1] << 8);
  const rawVersion = cString(bytes, VERSION_OFFSET, TEXT_FIELD);
  const projectName = cString(bytes, PROJECT_OFFSET, TEXT_FIELD);
  const version = rawVersion.startsWith(VERSION_PREFIX) ? rawVersion.slice(VERSION_PREFIX.length) : rawVersion;
  return { chipId, projectName, version, rawVersion };
}

/** A NUL-terminated ASCII field; anything outside printable ASCII becomes "?". */
function cString(bytes: Uint8Array, start: number, size: number): string {
  let text = "";
  for (let i = start; i < start + size; i++) {
    const c = bytes[i];
    if (c === 0) break;
    text += c >= 32 && c < 127 ? String.fromCharCode(c) : "?";
  }
  return text;
}
