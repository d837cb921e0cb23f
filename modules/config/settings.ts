import type { KeyValueStore } from "./key-value-store";
import { FIELDS, defaultSettings, type Field, type Settings } from "./schema";
import { checkValue, type RawValue } from "./validate";
import { errorMessage } from "./error-message";

/** One rejected value. `message` names the key and never contains a secret value. */
export interface ConfigProblem {
  key: string;
  message: string;
}

export interface LoadedSettings {
  settings: Settings;
  problems: ConfigProblem[];
}

/** Preferences key holding the fingerprint of the build values last copied into the store. */
export const SEED_KEY = "buildSeed";

/**
 * Reads every field from the store. A missing value takes the default silently; a bad value is
 * reported and the default kept, so a broken configuration never stops the firmware from starting.
 */
export function loadSettings(store: KeyValueStore): LoadedSettings {
  const settings = defaultSettings() as unknown as Record<string, string | number | boolean>;
  const problems: ConfigProblem[] = [];
  for (const field of FIELDS) {
    let raw: RawValue;
    try {
      raw = store.get(field.key);
    } catch (error) {
      problems.push({ key: field.key, message: `${field.key}: cannot be read (${errorMessage(error)}); ${keptText(field)}` });
      continue;
    }
    if (raw === undefined) continue;
    const check = checkValue(field, raw);
    if (check.error) problems.push({ key: field.key, message: `${field.key}: ${check.error}; ${keptText(field)}` });
    else settings[field.key] = check.value;
  }
  return { settings: settings as unknown as Settings, problems };
}

export interface SeedResult {
  /** Keys written from the build values. */
  written: string[];
  problems: ConfigProblem[];
}

/**
 * Copies build-time values (`mcconfig … ssid=… password=… broker=…`, found in `mc/config`) into the
 * store. It runs once per distinct set of build values: a reflash with new arguments takes effect,
 * while values changed later (setup page) survive restarts. Keys outside the schema are ignored;
 * a bad build value is reported and the stored value kept. With `writeValues` false (the first start of an
 * image that arrived as an update) only the fingerprint is stored: an update never replaces settings.
 */
export function seedStore(store: KeyValueStore, build: Readonly<Record<string, unknown>>, writeValues = true): SeedResult {
  const written: string[] = [];
  const problems: ConfigProblem[] = [];
  const given: Field[] = [];
  // mc/config also carries the SDK's own settings (e.g. an object at `tls`): only plain values are ours.
  for (const field of FIELDS) {
    const value = build[field.key];
    if (value !== undefined && (value === null || typeof value !== "object")) given.push(field);
  }
  if (given.length === 0) return { written, problems };

  const fingerprint = buildFingerprint(given, build);
  let seeded: unknown;
  try {
    seeded = store.get(SEED_KEY);
  } catch {
    seeded = undefined;
  }
  if (seeded === fingerprint) return { written, problems };

  for (const field of writeValues ? given : []) {
    const check = checkValue(field, build[field.key] as RawValue);
    if (check.error) {
      problems.push({ key: field.key, message: `${field.key}: build value rejected: ${check.error}; stored value kept` });
      continue;
    }
    try {
      store.set(field.key, check.value);
      written.push(field.key);
    } catch (error) {
      problems.push({ key: field.key, message: `${field.key}: cannot be stored (${errorMessage(error)})` });
    }
  }
  try {
    store.set(SEED_KEY, fingerprint);
  } catch (error) {
    problems.push({ key: SEED_KEY, message: `${SEED_KEY}: cannot be stored (${errorMessage(error)})` });
  }
  return { written, problems };
}

/** FNV-1a over `key=value\n` of the given build values, as a signed 32-bit integer (an NVS i32). */
export function buildFingerprint(fields: readonly Field[], build: Readonly<Record<string, unknown>>): number {
  let hash = 0x811c9dc5;
  for (const field of fields) {
    const text = `${field.key}=${String(build[field.key])}\n`;
    for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  }
  return hash | 0;
}

function keptText(field: Field): string {
  if (field.secret) return "default kept";
  return `default ${JSON.stringify(field.default)} kept`;
}
