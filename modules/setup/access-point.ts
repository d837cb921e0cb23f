import type { KeyValueStore } from "../app/ports";
import type { SetupReason } from "./boot-mode";

/** "p1vscp-" and the last four hex digits of the station MAC, as printed on the label. */
export function accessPointName(mac: string): string {
  let hex = "";
  for (let i = 0; i < mac.length; i++) {
    const c = mac.charCodeAt(i);
    if ((c >= 48 && c <= 57) || (c >= 65 && c <= 70)) hex += mac[i];
    else if (c >= 97 && c <= 102) hex += String.fromCharCode(c - 32);
  }
  return `p1vscp-${hex.length >= 4 ? hex.slice(hex.length - 4) : "0000"}`;
}

/** No 0/O, 1/l/I: the password is read off a serial console or a label and typed on a phone. */
const ALPHABET = "23456789abcdefghijkmnpqrstuvwxyz";
export const GENERATED_LENGTH = 12;

/** 12 characters of a 32-letter alphabet: 60 bits. `random` returns a fresh unsigned 32-bit value. */
export function generatePassword(random: () => number): string {
  let out = "";
  for (let i = 0; i < GENERATED_LENGTH; i++) out += ALPHABET[(random() >>> 0) & 31];
  return out;
}

export interface AccessPointPassword {
  password: string;
  /** True when it was made just now (first start without `apPass`): the one time the log shows it. */
  generated: boolean;
}

/**
 * The WPA2 password of the setup access point: `apPass` from the build (`mcconfig … apPass=…`, for a
 * printed label) or the setup page; otherwise one generated on first start and kept in Preferences.
 */
export function accessPointPassword(store: KeyValueStore, random: () => number): AccessPointPassword {
  let stored: unknown;
  try {
    stored = store.get("apPass");
  } catch {
    stored = undefined;
  }
  if (typeof stored === "string" && stored.length >= 8 && stored.length <= 63) return { password: stored, generated: false };
  const password = generatePassword(random);
  try {
    store.set("apPass", password);
  } catch {
    // Not stored: it is shown again on the next start, and the access point still opens now.
  }
  return { password, generated: true };
}

/**
 * Whether the boot log prints the access point password: when it was just generated, or when the
 * setup button is held (someone has the device in hand). Never on MQTT, never on a page.
 */
export function showPasswordInLog(password: AccessPointPassword, reason: SetupReason): boolean {
  return password.generated || reason === "button";
}
