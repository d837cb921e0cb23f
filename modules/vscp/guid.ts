import { VscpConfigError } from "./config-error";

/** Prefix of a GUID built from an Ethernet/Wi-Fi MAC-48 (VSCP reserved range `FF…FE`). */
const MAC_GUID_PREFIX = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe];

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const lower = c | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}

/** Reads `count` hex bytes separated by `:` or `-` (or not separated at all); null when malformed. */
function hexBytes(text: string, count: number): number[] | null {
  const bytes: number[] = [];
  const separated = text.length === count * 3 - 1;
  if (!separated && text.length !== count * 2) return null;
  for (let i = 0; i < count; i++) {
    const at = separated ? i * 3 : i * 2;
    const hi = hexValue(text.charCodeAt(at));
    const lo = hexValue(text.charCodeAt(at + 1));
    if (hi < 0 || lo < 0) return null;
    if (separated && i < count - 1) {
      const sep = text.charCodeAt(at + 2);
      if (sep !== 0x3a && sep !== 0x2d) return null;
    }
    bytes.push(hi * 16 + lo);
  }
  return bytes;
}

/** A MAC as 6 bytes from `AA:BB:CC:DD:EE:FF`, `aa-bb-…` or `aabbccddeeff`. */
export function parseMac(text: string, field = "mac"): number[] {
  const bytes = hexBytes(text, 6);
  if (!bytes) throw new VscpConfigError(field, `"${text}" is not a MAC address like AA:BB:CC:DD:EE:FF`);
  return bytes;
}

/** A GUID as 16 bytes from 16 hex bytes separated by `:` (or `-`). Refuses all-zero and the assigned 25:00 range. */
export function parseGuid(text: string, field = "guid"): number[] {
  const bytes = hexBytes(text, 16);
  if (!bytes) throw new VscpConfigError(field, `"${text}" is not a GUID (16 hex bytes separated by ":")`);
  if (bytes.every((b) => b === 0)) throw new VscpConfigError(field, 'the all-zero GUID means "no GUID"');
  if (bytes[0] === 0x25 && bytes[1] === 0x00) {
    throw new VscpConfigError(field, "the 25:00:… GUID range is assigned to a company; use the MAC-based GUID or an own range");
  }
  return bytes;
}

/** The node's base GUID: `FF:FF:FF:FF:FF:FF:FF:FE:<MAC>:00:00`, or the configured GUID with its last byte 0. */
export function baseGuid(mac: readonly number[] | null, configured: readonly number[] | null): number[] {
  if (configured) {
    const guid = configured.slice();
    guid[15] = 0;
    return guid;
  }
  if (!mac) throw new VscpConfigError("mac", "a station MAC or a base GUID is needed to form GUIDs");
  return [...MAC_GUID_PREFIX, ...mac, 0, 0];
}

/** The GUID of one sensor: the base GUID with its last byte replaced by the sensor index. */
export function sensorGuid(base: readonly number[], sensorIndex: number): number[] {
  const guid = base.slice();
  guid[15] = sensorIndex;
  return guid;
}

/** 16 uppercase hex bytes separated by ":" (also used for MACs). */
export function guidText(bytes: readonly number[]): string {
  let text = "";
  for (let i = 0; i < bytes.length; i++) {
    if (i > 0) text += ":";
    text += bytes[i].toString(16).toUpperCase().padStart(2, "0");
  }
  return text;
}

/** GUID bytes 14–15 as one 16-bit number (the VSCP nickname). */
export function nicknameOf(guid: readonly number[]): number {
  return guid[14] * 256 + guid[15];
}
