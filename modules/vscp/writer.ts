// Writes JSON text byte by byte into a preallocated buffer. No strings are built, nothing is allocated.

/** Longest decimal string a value can become (sign, 18 integer digits or "0." and 36 fraction digits). */
export const MAX_VALUE_CHARS = 40;

export class ByteWriter {
  readonly buffer: Uint8Array;
  pos = 0;

  /** `buffer`: a view to write into instead of a new array of `capacity` bytes (its length is the capacity). */
  constructor(capacity: number, buffer: Uint8Array = new Uint8Array(capacity)) {
    this.buffer = buffer;
  }

  /** Bytes still free. */
  get room(): number {
    return this.buffer.length - this.pos;
  }

  bytes(source: Uint8Array, start = 0, end = source.length): void {
    const buffer = this.buffer;
    let pos = this.pos;
    if (start === 0 && end === source.length) {
      buffer.set(source, pos); // one native copy; a partial range would need subarray(), which allocates
      this.pos = pos + end;
      return;
    }
    for (let i = start; i < end; i++) buffer[pos++] = source[i];
    this.pos = pos;
  }

  /** Each byte of source[start, start + length) as its decimal code and a comma (`49,50,`): vscpData's digit part. */
  codes(source: Uint8Array, start: number, length: number): void {
    const buffer = this.buffer;
    let pos = this.pos;
    for (let i = start, end = start + length; i < end; i++) {
      const c = source[i]; // "-", "." and digits: always two decimal digits
      const tens = (c / 10) | 0;
      buffer[pos++] = 0x30 + tens;
      buffer[pos++] = 0x30 + c - tens * 10;
      buffer[pos++] = 0x2c;
    }
    this.pos = pos;
  }

  byte(value: number): void {
    this.buffer[this.pos++] = value;
  }

  /** An unsigned integer (< 2^53) in decimal. */
  uint(value: number): void {
    if (value < 10) {
      this.buffer[this.pos++] = 0x30 + value;
      return;
    }
    let divisor = 1;
    while (divisor * 10 <= value) divisor *= 10;
    while (divisor >= 1) {
      const digit = Math.floor(value / divisor) % 10;
      this.buffer[this.pos++] = 0x30 + digit;
      divisor /= 10;
    }
  }

  /** An integer in decimal, with "-" when negative. */
  int(value: number): void {
    if (value < 0) {
      this.buffer[this.pos++] = 0x2d;
      this.uint(-value);
    } else {
      this.uint(value);
    }
  }

  /** Two decimal digits, zero-padded. */
  twoDigits(value: number): void {
    this.buffer[this.pos++] = 0x30 + Math.floor(value / 10);
    this.buffer[this.pos++] = 0x30 + (value % 10);
  }

  /**
   * Frame bytes as the inside of a JSON string: `"` and `\` escaped, control bytes and bytes >= 0x80
   * as \u00XX (read as Latin-1, like the decode command). Needs up to 6 bytes per input byte.
   */
  latin1String(source: Uint8Array, start: number, end: number): void {
    const buffer = this.buffer;
    let pos = this.pos;
    for (let i = start; i < end; i++) {
      const b = source[i];
      if (b === 0x22 || b === 0x5c) {
        buffer[pos++] = 0x5c;
        buffer[pos++] = b;
      } else if (b < 0x20 || b >= 0x7f) {
        buffer[pos++] = 0x5c;
        buffer[pos++] = 0x75; // u
        buffer[pos++] = 0x30;
        buffer[pos++] = 0x30;
        buffer[pos++] = hexDigit(b >> 4);
        buffer[pos++] = hexDigit(b & 15);
      } else {
        buffer[pos++] = b;
      }
    }
    this.pos = pos;
  }
}

/** Exactly the number of bytes latin1String writes for source[start, end) (kept in step with it; a test checks every byte). */
export function latin1StringLength(source: Uint8Array, start: number, end: number): number {
  let length = end - start;
  for (let i = start; i < end; i++) {
    const b = source[i];
    if (b === 0x22 || b === 0x5c) length += 1;
    else if (b < 0x20 || b >= 0x7f) length += 5;
  }
  return length;
}

/** Digits ByteWriter.uint writes for an unsigned integer. */
export function uintLength(value: number): number {
  let length = 1;
  for (let limit = 10; limit <= value; limit *= 10) length++;
  return length;
}

function hexDigit(n: number): number {
  return n < 10 ? 0x30 + n : 0x37 + n;
}

/**
 * Writes mantissa × 10^exponent as an exact decimal string into `out` and returns its length. Keeps the
 * fraction digits the exponent implies (trailing zeros included), no leading zeros, one digit before the
 * point, never "-0". `mantissa` is an integer below 10^15 in magnitude; `exponent` in −36..3. `scratch` holds
 * at least 20 bytes.
 */
export function formatDecimal(mantissa: number, exponent: number, out: Uint8Array, scratch: Uint8Array): number {
  let a = mantissa < 0 ? -mantissa : mantissa;
  let n = 0; // digits of a, least significant first
  do {
    const d = a % 10;
    scratch[n++] = 0x30 + d;
    a = (a - d) / 10;
  } while (a > 0);
  let pos = 0;
  if (mantissa < 0) out[pos++] = 0x2d; // false for 0 and −0
  if (exponent >= 0) {
    for (let i = n - 1; i >= 0; i--) out[pos++] = scratch[i];
    if (mantissa !== 0) for (let i = 0; i < exponent; i++) out[pos++] = 0x30;
    return pos;
  }
  const fraction = -exponent;
  if (n <= fraction) {
    out[pos++] = 0x30;
    out[pos++] = 0x2e;
    for (let i = n; i < fraction; i++) out[pos++] = 0x30;
    for (let i = n - 1; i >= 0; i--) out[pos++] = scratch[i];
  } else {
    for (let i = n - 1; i >= fraction; i--) out[pos++] = scratch[i];
    out[pos++] = 0x2e;
    for (let i = fraction - 1; i >= 0; i--) out[pos++] = scratch[i];
  }
  return pos;
}

/** True when formatDecimal can write this value within MAX_VALUE_CHARS. */
export function decimalFits(mantissa: number, exponent: number): boolean {
  return mantissa > -1e15 && mantissa < 1e15 && Number.isInteger(mantissa) && exponent >= -36 && exponent <= 3;
}
