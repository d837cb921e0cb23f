// Builds ESP-IDF-shaped app images for tests and the Linux firmware's update: the image header (chip id),
// one segment header and the app descriptor (version, project name), then a payload.
import { createHash } from "node:crypto";
import { CHIP_IDS, SDK_PROJECT_NAME, VERSION_PREFIX } from "../../modules/update/image";

export interface ImageSpec {
  chip?: string;
  /** Without the p1vscp- prefix unless `rawVersion` is given. */
  version?: string;
  rawVersion?: string;
  project?: string;
  /** Payload after the descriptor. */
  payload?: Uint8Array;
  payloadBytes?: number;
}

export function buildImage(spec: ImageSpec = {}): Buffer {
  const payload = spec.payload ?? pattern(spec.payloadBytes ?? 10_000);
  const image = Buffer.alloc(32 + 256 + payload.length);
  image[0] = 0xe9;
  image[1] = 1; // one segment
  image.writeUInt16LE(CHIP_IDS[spec.chip ?? "esp32"] ?? 0xffff, 12);
  image.writeUInt32LE(0x3f400020, 24); // segment load address
  image.writeUInt32LE(256 + payload.length, 28);
  image.writeUInt32LE(0xabcd5432, 32);
  image.write(spec.rawVersion ?? `${VERSION_PREFIX}${spec.version ?? "0.2.0"}`, 48, 31, "latin1");
  image.write(spec.project ?? SDK_PROJECT_NAME, 80, 31, "latin1");
  image.write("12:00:00", 112, "latin1");
  image.write("Nov 29 2026", 128, "latin1");
  image.write("v6.0", 144, "latin1");
  Buffer.from(payload).copy(image, 288);
  return image;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

function pattern(length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let x = 12345;
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    bytes[i] = x >>> 24;
  }
  return bytes;
}
