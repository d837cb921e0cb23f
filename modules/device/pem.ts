/** PEM certificate text → DER bytes, for SecureSocket's `certificate` (decoded once, when connecting). */
export function pemToDer(pem: string): ArrayBuffer {
  const begin = pem.indexOf("-----BEGIN CERTIFICATE-----");
  const end = pem.indexOf("-----END CERTIFICATE-----");
  if (begin < 0 || end < begin) throw new Error("not a PEM certificate");
  const body = pem.slice(begin + 27, end);
  const out = new Uint8Array((body.length * 3) >> 2);
  let bits = 0;
  let count = 0;
  let length = 0;
  for (let i = 0; i < body.length; i++) {
    const value = base64Value(body.charCodeAt(i));
    if (value === -2) continue; // white space
    if (value === -3) break; // '=' padding
    if (value < 0) throw new Error("PEM certificate holds a character outside base64");
    bits = (bits << 6) | value;
    count += 6;
    if (count >= 8) {
      count -= 8;
      out[length++] = (bits >> count) & 0xff;
    }
  }
  if (length === 0) throw new Error("PEM certificate is empty");
  return out.buffer.slice(0, length);
}

function base64Value(c: number): number {
  if (c >= 65 && c <= 90) return c - 65;
  if (c >= 97 && c <= 122) return c - 71;
  if (c >= 48 && c <= 57) return c + 4;
  if (c === 43) return 62;
  if (c === 47) return 63;
  if (c === 61) return -3;
  if (c === 10 || c === 13 || c === 32 || c === 9) return -2;
  return -1;
}
