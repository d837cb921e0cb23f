import { readFileSync } from "node:fs";
import { Framer } from "../../modules/p1/framer";
import { FrameStatus } from "../../modules/p1/frame-status";

/** A capture split where each telegram begins: the bytes exactly as read, one segment per telegram. */
export interface TelegramCapture {
  path: string;
  bytes: Uint8Array;
  /** Start offsets of the segments; segment i is bytes[starts[i], starts[i + 1] ?? bytes.length). */
  starts: number[];
  /** Frames the bridge accepts (CRC ok; without a CRC too when `noCrc` is on), found when loading. */
  good: number;
  /** Damaged frames (CRC mismatch, cut off, overflow). */
  rejected: number;
  /** Frames without a CRC that the bridge rejects because `noCrc` is off. */
  withoutCrc: number;
}

export interface LoadOptions {
  /** The `noCrc` setting: frames without a CRC (DSMR 2.2/3 meters) are telegrams, not rejects. */
  acceptNoCrc?: boolean;
}

const SLASH = 0x2f;
const LF = 0x0a;

/** Splits bytes before every "/" that begins a line (where a telegram starts). */
export function telegramStarts(bytes: Uint8Array): number[] {
  const starts: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === SLASH && (i === 0 || bytes[i - 1] === LF)) starts.push(i);
  }
  if (starts.length > 0 && starts[0] !== 0) starts[0] = 0; // leading noise travels with the first telegram
  return starts;
}

export function segment(capture: TelegramCapture, index: number): Uint8Array {
  const end = index + 1 < capture.starts.length ? capture.starts[index + 1] : capture.bytes.length;
  return capture.bytes.subarray(capture.starts[index], end);
}

/** Reads a capture (raw bytes from a P1 port or a file of telegrams); a clear error when it holds none. */
export function loadCapture(path: string, options: LoadOptions = {}): TelegramCapture {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(path));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new Error(`replay file ${path} does not exist`);
    if (code === "EISDIR") throw new Error(`replay file ${path} is a directory`);
    throw new Error(`cannot read replay file ${path}: ${(error as Error).message}`);
  }
  let good = 0;
  let rejected = 0;
  let withoutCrc = 0;
  const framer = new Framer({
    onFrame(frame) {
      if (frame.status === FrameStatus.Ok || (frame.status === FrameStatus.NoCrc && options.acceptNoCrc)) good++;
      else if (frame.status === FrameStatus.NoCrc) withoutCrc++;
      else rejected++;
    },
  });
  framer.push(bytes);
  framer.end();
  const starts = telegramStarts(bytes);
  if (good === 0) {
    const detail =
      withoutCrc > 0
        ? `${withoutCrc} frame(s) without a CRC, which the bridge rejects unless the setting noCrc is on`
        : rejected > 0
          ? `${rejected} damaged frame(s), none with a good CRC`
          : 'no "/" … "!" frame at all';
    throw new Error(`replay file ${path} holds no P1 telegram (${bytes.length} bytes, ${detail})`);
  }
  return { path, bytes, starts, good, rejected, withoutCrc };
}
