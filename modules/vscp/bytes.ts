// Start-up helpers that turn text into bytes. Never called per telegram.

/** UTF-8 bytes of a string (lone surrogates become U+FFFD). */
export function utf8Bytes(text: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
        i++;
      }
    }
    if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return Uint8Array.from(out);
}

/** A JSON string literal (with quotes) as UTF-8 bytes: `"`, `\` and control characters escaped. */
export function jsonStringBytes(text: string): Uint8Array {
  let escaped = '"';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) escaped += '\\"';
    else if (c === 0x5c) escaped += "\\\\";
    else if (c < 0x20 || c === 0x7f) escaped += "\\u" + c.toString(16).padStart(4, "0");
    else escaped += text[i];
  }
  return utf8Bytes(escaped + '"');
}

/** Concatenates byte arrays and ASCII/UTF-8 text into one array. */
export function joinBytes(parts: readonly (string | Uint8Array)[]): Uint8Array {
  const arrays = parts.map((p) => (typeof p === "string" ? utf8Bytes(p) : p));
  let length = 0;
  for (const a of arrays) length += a.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const a of arrays) {
    out.set(a, at);
    at += a.length;
  }
  return out;
}
