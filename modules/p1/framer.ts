import {
  CRC16_TABLE as TABLE,
  CRC16_TABLE_1 as TABLE_1,
  CRC16_TABLE_2 as TABLE_2,
  CRC16_TABLE_3 as TABLE_3,
  CRC16_TABLE_4 as TABLE_4,
  CRC16_TABLE_5 as TABLE_5,
  CRC16_TABLE_6 as TABLE_6,
  CRC16_TABLE_7 as TABLE_7,
  crc16,
  crc16Update,
} from "./crc16";
import { FrameStatus } from "./frame-status";

/** Receives every frame the framer completes or abandons, synchronously; the buffer is reused afterwards. */
export interface FrameSink {
  onFrame(frame: Framer): void;
}

export interface FramerOptions {
  /** Frame buffer size in bytes; the largest real telegram seen is 2,405 bytes. */
  capacity?: number;
}

/** Per-cause counts, cumulative since start. */
export class FramerCounters {
  bytes = 0;
  /** Bytes outside any frame: noise, a partial telegram at start-up, padding. */
  garbageBytes = 0;
  ok = 0;
  crcMismatch = 0;
  noCrc = 0;
  truncated = 0;
  overflow = 0;
  hdlc = 0;
}

const SLASH = 0x2f;
const BANG = 0x21;

/** Bytes the copy loop stops for: "!" (the end of a telegram) and "/" (a header that may begin inside the frame). */
const STOPS = new Uint8Array(256);
STOPS[BANG] = 1;
STOPS[SLASH] = 1;
const LF = 0x0a;
const CR = 0x0d;
const HDLC_FLAG = 0x7e;
const OPEN = 0x28;
const CLOSE = 0x29;

/**
 * Longest header line looked for ("/" to line feed) when a telegram begins after noise or inside a frame: real ones
 * are 7–23 bytes (IEC 62056-21 allows 5 + 16 + CR LF). The bound keeps a frame of noise from costing more than
 * a few passes over it.
 */
const MAX_HEADER_LINE = 64;

const HUNT = 0; // looking for a "/"
const BODY = 1; // inside a frame, before "!"
const CHECKSUM = 2; // after "!", reading the CRC digits
const DISCARD = 3; // after an overflow, until the next "/"
const HEADER = 4; // in the first line of a frame whose "/" followed printable text: a telegram only if that line is a header

function hexValue(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  const lower = byte | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}

/** A byte after which a "/" may begin a telegram: end of line, or anything that is not printable text. */
function endsLine(byte: number): boolean {
  return byte === LF || byte < 0x20 || byte > 0x7e;
}

/**
 * Finds P1 telegrams ("/" … "!" CRC) in a byte stream fed in arbitrary chunks, checking the CRC as bytes
 * arrive. One fixed buffer; the same frames whatever the chunking.
 */
export class Framer {
  /** Frame bytes from "/" through "!" (CRC digits excluded). Valid during onFrame only. */
  readonly buffer: Uint8Array;
  /** Bytes of the current frame in `buffer`. */
  length = 0;
  status: number = FrameStatus.Ok;
  /** CRC as sent (−1 when none), computed over "/" … "!", and the number of CRC digits sent. */
  crcSent = -1;
  crcComputed = 0;
  crcDigits = 0;
  readonly counters = new FramerCounters();

  private readonly sink: FrameSink;
  private state = HUNT;
  private previous = LF; // the stream starts at a line start
  /** A "/" was copied after the frame's first byte: only then can a telegram have begun inside the frame. */
  private slashInside = false;
  private crc = 0;
  private sentValue = 0;
  private digitsOverflowed = false;
  /** Set once binary HDLC was seen: then only a "/" right after a line feed starts a telegram, until a good one. */
  private binaryStream = false;

  constructor(sink: FrameSink, options: FramerOptions = {}) {
    const capacity = options.capacity ?? 4096;
    if (!(capacity >= 64 && capacity <= 65536)) throw new RangeError(`frame capacity ${capacity} out of range 64..65536`);
    this.buffer = new Uint8Array(capacity);
    this.sink = sink;
  }

  /** Feeds bytes[start, end). */
  push(bytes: Uint8Array, start = 0, end = bytes.length): void {
    this.counters.bytes += end - start;
    let i = start;
    while (i < end) {
      if (this.state === BODY && this.length >= 5) i = this.copyBody(bytes, i, end);
      if (i < end) this.step(bytes[i++]);
    }
  }

  /**
   * The hot path: copies and checksums telegram bytes with everything in locals, and returns at the first byte that
   * needs a decision (a "!" right after a line feed, a full buffer) or at the chunk's end. Bytes go eight at a time,
   * one CRC step per eight, tested only for "!", which a telegram holds once; a block with one goes byte by byte.
   * (A "/" after a line feed needs no stop: a telegram that starts inside a frame is split off if the frame fails.)
   */
  private copyBody(bytes: Uint8Array, i: number, end: number): number {
    const buffer = this.buffer;
    const room = buffer.length - this.length;
    const stop = end - i < room ? end : i + room;
    const blocksEnd = stop - 7;
    let j = this.length;
    let crc = this.crc;
    let slash = false;
    const stops = STOPS;
    let b0 = 0,
      b1 = 0,
      b2 = 0,
      b3 = 0,
      b4 = 0,
      b5 = 0,
      b6 = 0,
      b7 = 0;
    while (i < blocksEnd) {
      b0 = bytes[i];
      b1 = bytes[i + 1];
      b2 = bytes[i + 2];
      b3 = bytes[i + 3];
      b4 = bytes[i + 4];
      b5 = bytes[i + 5];
      b6 = bytes[i + 6];
      b7 = bytes[i + 7];
      if ((stops[b0] | stops[b1] | stops[b2] | stops[b3] | stops[b4] | stops[b5] | stops[b6] | stops[b7]) !== 0) {
        // Byte by byte through this block, up to a "!" at a line start.
        const blockEnd = i + 8;
        while (i < blockEnd && !(bytes[i] === BANG && buffer[j - 1] === LF)) {
          b0 = bytes[i++];
          if (b0 === SLASH) slash = true;
          buffer[j++] = b0;
          crc = (crc >>> 8) ^ TABLE[(crc ^ b0) & 0xff];
        }
        if (i < blockEnd) break;
        continue;
      }
      buffer[j] = b0;
      buffer[j + 1] = b1;
      buffer[j + 2] = b2;
      buffer[j + 3] = b3;
      buffer[j + 4] = b4;
      buffer[j + 5] = b5;
      buffer[j + 6] = b6;
      buffer[j + 7] = b7;
      b0 = crc ^ b0 ^ (b1 << 8);
      crc = TABLE_7[b0 & 0xff] ^ TABLE_6[b0 >>> 8] ^ TABLE_5[b2] ^ TABLE_4[b3] ^ TABLE_3[b4] ^ TABLE_2[b5] ^ TABLE_1[b6] ^ TABLE[b7];
      i += 8;
      j += 8;
    }
    // The last bytes of the chunk.
    while (i < stop) {
      b0 = bytes[i];
      if (b0 === BANG && buffer[j - 1] === LF) break;
      if (b0 === SLASH) slash = true;
      buffer[j++] = b0;
      crc = (crc >>> 8) ^ TABLE[(crc ^ b0) & 0xff];
      i++;
    }
    if (j > this.length) this.previous = buffer[j - 1];
    if (slash) this.slashInside = true;
    this.length = j;
    this.crc = crc;
    return i;
  }

  /** End of the stream (file end, port closed): a frame in progress is reported, not silently dropped. */
  end(): void {
    if (this.state === BODY) {
      if (this.length < 5) this.abandon();
      else this.emitCutOff();
    } else if (this.state === HEADER) this.abandon();
    else if (this.state === CHECKSUM) this.finishChecksum();
    this.state = HUNT;
    this.previous = LF;
  }

  private step(byte: number): void {
    switch (this.state) {
      case HUNT:
        this.hunt(byte);
        break;
      case HEADER:
        this.header(byte);
        break;
      case BODY:
        if (this.length < 5 && !this.fitsHeader(this.length, byte)) {
          this.abandon();
          this.hunt(byte);
        } else if (this.length === this.buffer.length && !this.splitAtInnerHeaders()) {
          this.emit(FrameStatus.Overflow);
          this.state = DISCARD;
          this.counters.garbageBytes++;
        } else {
          this.buffer[this.length++] = byte;
          this.crc = crc16Update(this.crc, byte);
          if (byte === BANG && this.previous === LF) this.state = CHECKSUM;
          else if (byte === SLASH) this.slashInside = true;
        }
        break;
      case CHECKSUM: {
        const digit = hexValue(byte);
        if (digit >= 0) {
          if (this.crcDigits === 4) this.digitsOverflowed = true;
          else {
            this.sentValue = this.sentValue * 16 + digit;
            this.crcDigits++;
          }
        } else if (byte !== CR) {
          this.finishChecksum();
          // A telegram glued to the previous one's CRC still starts here.
          if (byte === SLASH) this.begin(BODY);
          else if (byte !== LF) this.counters.garbageBytes++;
        }
        break;
      }
      default: // DISCARD
        if (byte === SLASH && this.previous === LF) this.begin(BODY);
        else if (byte === SLASH && !this.binaryStream) this.begin(HEADER);
        else this.counters.garbageBytes++;
    }
    this.previous = byte;
  }

  private begin(state: number): void {
    this.state = state;
    this.length = 1;
    this.buffer[0] = SLASH;
    this.crc = crc16Update(0, SLASH);
    this.sentValue = 0;
    this.crcDigits = 0;
    this.digitsOverflowed = false;
    this.slashInside = false;
  }

  private hunt(byte: number): void {
    if (byte === SLASH) {
      if (this.binaryStream ? this.previous === LF : endsLine(this.previous)) {
        this.begin(BODY);
        return;
      }
      // After printable noise (a meter's "/" can follow anything the line carried before it).
      if (!this.binaryStream) {
        this.begin(HEADER);
        return;
      }
    }
    this.counters.garbageBytes++;
    // Old Aidon firmware speaks binary HDLC/DLMS on the same port: a flag followed by a frame type 0xA_.
    if (this.previous === HDLC_FLAG && (byte & 0xf0) === 0xa0) this.emitHdlc();
  }

  /**
   * The first line of a frame begun after printable text: a header line holds no "(" or ")", while a "/" inside a
   * value ("0-0:96.13.0(http://x/y)") has its value's ")" after it on the line. A later "/" on the line is the
   * better start (a header's identification holds no "/"). At its line feed the frame goes on as any other.
   */
  private header(byte: number): void {
    const length = this.length;
    if ((length < 5 && !this.fitsHeader(length, byte)) || byte === SLASH || byte === OPEN || byte === CLOSE || length === MAX_HEADER_LINE) {
      this.abandon();
      this.hunt(byte);
      return;
    }
    this.buffer[this.length++] = byte;
    this.crc = crc16Update(this.crc, byte);
    if (byte === LF) this.state = BODY;
  }

  /** A header starts "/" + three-letter manufacturer id + one printable character ("/ELL5", "/ISk5", "/NWA-"). */
  private fitsHeader(position: number, byte: number): boolean {
    if (position === 4) return byte >= 0x20 && byte <= 0x7e;
    const lower = byte | 0x20;
    return lower >= 0x61 && lower <= 0x7a;
  }

  /** A "/" that did not start a telegram: its bytes were noise. */
  private abandon(): void {
    this.counters.garbageBytes += this.length;
    this.length = 0;
    this.state = HUNT;
  }

  private finishChecksum(): void {
    if (this.crcDigits === 0) {
      this.splitAtInnerHeaders();
      this.emit(FrameStatus.NoCrc);
      return;
    }
    // The CRC is sent for the last telegram of the frame only.
    if (this.digitsOverflowed || this.sentValue !== this.crc) this.splitAtInnerHeaders();
    else this.splitOffInvisiblePrefix();
    this.crcSent = this.digitsOverflowed ? -1 : this.sentValue;
    this.emit(!this.digitsOverflowed && this.sentValue === this.crc ? FrameStatus.Ok : FrameStatus.CrcMismatch);
  }

  /**
   * The P1 CRC starts from 0, so bytes that leave it at 0 do not change it: a cut-off telegram (with or without
   * noise) that happens to do so (1 in 65,536) would pass as part of the good telegram after it. A frame whose CRC
   * matches is therefore also checked from its first inner header line (a telegram holds none): when that part
   * matches the sent CRC as well, it is the telegram and what comes before it was cut off.
   */
  private splitOffInvisiblePrefix(): void {
    if (!this.slashInside) return; // no "/" after the first byte: no header inside
    const start = this.innerHeader();
    if (start > 0 && crc16(this.buffer, start, this.length) === this.sentValue) this.splitAtInnerHeaders();
  }

  /** A frame that ended before its "!": reported as cut off, with any telegram that began inside it. */
  private emitCutOff(): void {
    this.splitAtInnerHeaders();
    this.emit(FrameStatus.Truncated);
  }

  /**
   * A telegram cut off before its "!" keeps the frame open, so the next telegram lands inside it, whether its "/"
   * follows a line feed, noise or the partial line. Checked only when a frame fails (wrong or no CRC, cut off, full),
   * so good telegrams cost nothing: each part before a header line inside the frame is reported as a cut-off
   * telegram, and the last part stays as the frame with its own CRC. Returns whether it split.
   */
  private splitAtInnerHeaders(): boolean {
    let start = this.innerHeader();
    if (start < 0) return false;
    const state = this.state;
    const digits = this.crcDigits;
    this.crcDigits = 0;
    while (start > 0) {
      const total = this.length;
      this.length = start;
      this.crc = crc16(this.buffer, 0, start);
      this.emit(FrameStatus.Truncated);
      this.buffer.copyWithin(0, start, total);
      this.length = total - start;
      start = this.innerHeader();
    }
    this.crc = crc16(this.buffer, 0, this.length);
    this.crcDigits = digits;
    this.state = state;
    return true;
  }

  /** Where the first whole header line after the frame's own starts (its last "/" that begins a header), or −1. */
  private innerHeader(): number {
    const buffer = this.buffer;
    const length = this.length;
    let slash = buffer.indexOf(SLASH, 1);
    while (slash > 0 && slash < length) {
      const lf = buffer.indexOf(LF, slash);
      if (lf < 0 || lf >= length) return -1;
      const first = Math.max(slash, lf + 1 - MAX_HEADER_LINE);
      for (let p = buffer.lastIndexOf(SLASH, lf); p >= first; p = buffer.lastIndexOf(SLASH, p - 1)) {
        if (this.isHeaderLine(p, lf)) return p;
      }
      slash = buffer.indexOf(SLASH, lf);
    }
    return -1;
  }

  /**
   * Whether buffer[start, lf) reads as a header line: "/" + manufacturer id, and either at a line start (as a
   * telegram begins in the hunt) or with no "(" or ")" after it (see header()); in a binary stream only the first.
   */
  private isHeaderLine(start: number, lf: number): boolean {
    const buffer = this.buffer;
    if (lf - start < 5) return false;
    for (let k = 1; k < 5; k++) if (!this.fitsHeader(k, buffer[start + k])) return false;
    if (buffer[start - 1] === LF) return true;
    if (this.binaryStream) return false;
    for (let k = start + 5; k < lf; k++) if (buffer[k] === OPEN || buffer[k] === CLOSE) return false;
    return true;
  }

  private emit(status: number): void {
    const c = this.counters;
    if (status === FrameStatus.Ok) {
      c.ok++;
      this.binaryStream = false;
    } else if (status === FrameStatus.CrcMismatch) c.crcMismatch++;
    else if (status === FrameStatus.NoCrc) c.noCrc++;
    else if (status === FrameStatus.Truncated) c.truncated++;
    else if (status === FrameStatus.Overflow) c.overflow++;
    this.status = status;
    this.crcComputed = this.crc;
    if (status !== FrameStatus.Ok && status !== FrameStatus.CrcMismatch) this.crcSent = -1;
    this.state = HUNT;
    this.sink.onFrame(this);
  }

  private emitHdlc(): void {
    this.counters.hdlc++;
    this.binaryStream = true;
    this.status = FrameStatus.Hdlc;
    this.length = 0;
    this.crcSent = -1;
    this.crcDigits = 0;
    this.sink.onFrame(this);
  }
}
