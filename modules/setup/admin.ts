/** HTTP Basic authentication for the status page on the home network. */

/**
 * Compares a given password with the expected one in time that depends only on the expected length,
 * so response timing does not reveal how many leading characters were right.
 */
export function sameSecret(given: string, expected: string): boolean {
  let diff = given.length ^ expected.length;
  for (let i = 0; i < expected.length; i++) {
    const g = i < given.length ? given.charCodeAt(i) : 0;
    diff |= g ^ expected.charCodeAt(i);
  }
  return diff === 0 && expected.length > 0;
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** The password of an `Authorization: Basic …` header (any user name), or undefined. */
export function basicAuthPassword(header: string | undefined): string | undefined {
  if (!header || header.length > 512) return undefined;
  let start = 0;
  while (start < header.length && header.charCodeAt(start) === 32) start++;
  if (header.slice(start, start + 6).toLowerCase() !== "basic ") return undefined;
  const bytes = decodeBase64(header.slice(start + 6).trim());
  if (!bytes) return undefined;
  const text = decodeUtf8(bytes);
  if (text === undefined) return undefined;
  const colon = text.indexOf(":");
  return colon < 0 ? undefined : text.slice(colon + 1);
}

function decodeBase64(text: string): number[] | undefined {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 61) end--;
  const out: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (let i = 0; i < end; i++) {
    const v = B64.indexOf(text[i]);
    if (v < 0) return undefined;
    buffer = ((buffer << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push((buffer >> bits) & 0xff);
    }
  }
  return out;
}

function decodeUtf8(bytes: readonly number[]): string | undefined {
  let out = "";
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i];
    let code: number;
    let extra: number;
    if (b < 0x80) {
      code = b;
      extra = 0;
    } else if (b >= 0xc2 && b < 0xe0) {
      code = b & 0x1f;
      extra = 1;
    } else if (b >= 0xe0 && b < 0xf0) {
      code = b & 0x0f;
      extra = 2;
    } else if (b >= 0xf0 && b < 0xf5) {
      code = b & 0x07;
      extra = 3;
    } else return undefined;
    if (i + extra >= bytes.length + (extra ? 0 : 1)) return undefined;
    for (let k = 1; k <= extra; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return undefined;
      code = (code << 6) | (c & 0x3f);
    }
    out += String.fromCodePoint(code);
    i += extra + 1;
  }
  return out;
}

export type AdminCheck = "ok" | "missing" | "wrong" | "locked";

/**
 * Checks the admin password and slows guessing down: after `maxFailures` wrong passwords in a row,
 * every request is refused for `lockMs` (the right password included).
 */
export class AdminGate {
  private failures = 0;
  private lockedUntilMs = 0;
  /** Wrong passwords since start, for the health counters. */
  rejected = 0;

  constructor(
    private readonly maxFailures = 5,
    private readonly lockMs = 60_000,
  ) {}

  check(authorization: string | undefined, expected: string, nowMs: number): AdminCheck {
    if (nowMs < this.lockedUntilMs) return "locked";
    const given = basicAuthPassword(authorization);
    if (given === undefined) return "missing";
    if (sameSecret(given, expected)) {
      this.failures = 0;
      return "ok";
    }
    this.rejected++;
    if (++this.failures >= this.maxFailures) {
      this.failures = 0;
      this.lockedUntilMs = nowMs + this.lockMs;
    }
    return "wrong";
  }
}
