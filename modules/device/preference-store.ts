import type { KeyValueStore } from "../app/ports";
import { MAX_KEY_LENGTH } from "../config/schema";

/** What this adapter uses of the SDK's `preference` module. */
export interface Preferences {
  get(domain: string, key: string): string | number | boolean | ArrayBuffer | undefined;
  set(domain: string, key: string, value: string | number | boolean | ArrayBuffer): void;
  delete(domain: string, key: string): void;
  keys(domain: string): string[];
}

/**
 * KeyValueStore on Moddable Preferences (NVS on the ESP32). Enforces the ESP32's limits on every
 * platform, so the simulator (whose Preferences accept anything) fails the same way the device does.
 */
export class PreferenceStore implements KeyValueStore {
  constructor(
    private readonly preferences: Preferences,
    private readonly domain: string,
  ) {
    checkName("domain", domain);
  }

  get(key: string): string | number | boolean | undefined {
    checkName("key", key);
    const value = this.preferences.get(this.domain, key);
    if (value instanceof ArrayBuffer) throw new Error(`${key} holds binary data`);
    return value;
  }

  set(key: string, value: string | number | boolean): void {
    checkName("key", key);
    if (typeof value === "number" && (!Number.isInteger(value) || value < -2147483648 || value > 2147483647)) {
      throw new RangeError(`${key}: only 32-bit whole numbers can be stored`);
    }
    this.preferences.set(this.domain, key, value);
  }

  delete(key: string): void {
    checkName("key", key);
    this.preferences.delete(this.domain, key);
  }

  keys(): string[] {
    return this.preferences.keys(this.domain);
  }
}

function checkName(what: string, name: string): void {
  if (name.length === 0 || name.length > MAX_KEY_LENGTH)
    throw new RangeError(`preference ${what} "${name}" must be 1 to ${MAX_KEY_LENGTH} characters`);
}
