import type { KeyValueStore } from "../app/ports";

/**
 * Preferences schema versions. Kept in the store under VERSION_KEY; a store without it is version 1.
 *   1  builds from before updates existed: every key of the settings table then, no version key.
 *   2  adds `probation` (seconds a new image has to prove itself; absent = its default) and VERSION_KEY.
 *
 * Rules that keep a rollback safe: a migration only adds keys or writes values an older firmware
 * also accepts; it never deletes or retypes a key an older version reads (a changed meaning gets a new
 * key). An older firmware ignores keys it does not know and keeps the default for a value it rejects,
 * so after a rollback it boots with everything it understands.
 */
export const SCHEMA_VERSION = 2;
export const VERSION_KEY = "cfgVer";

export interface Migration {
  /** Migrates a store at version `from` to `from + 1`. */
  readonly from: number;
  readonly describe: string;
  apply(store: KeyValueStore): void;
}

export const MIGRATIONS: readonly Migration[] = Object.freeze([
  Object.freeze({
    from: 1,
    describe: "the update probation setting is new (its default applies)",
    apply(_store: KeyValueStore): void {
      // Nothing to rewrite: 0.1.0's keys keep their names, types and meanings.
    },
  }),
]);

export interface MigrationResult {
  /** Version found in the store. */
  found: number;
  /** Version the store is at afterwards. */
  now: number;
  /** One line per step taken, or why none was. */
  notes: string[];
}

/** Version the store says it is at (1 when absent or unreadable as a whole number). */
export function storedVersion(store: KeyValueStore): number {
  try {
    const value = store.get(VERSION_KEY);
    return typeof value === "number" && Number.isInteger(value) && value >= 1 ? value : 1;
  } catch {
    return 1;
  }
}

/**
 * Brings the store up to SCHEMA_VERSION, one step at a time, stamping the version after each step so
 * an interrupted migration resumes where it stopped. A store written by a newer firmware (this one was
 * rolled back to) is left exactly as it is: this firmware reads the keys it knows and keeps the rest.
 */
export function migrateStore(store: KeyValueStore, target = SCHEMA_VERSION, steps: readonly Migration[] = MIGRATIONS): MigrationResult {
  const found = storedVersion(store);
  const notes: string[] = [];
  if (found > target) {
    notes.push(`settings written by a newer firmware (schema ${found}); using the keys schema ${target} knows and keeping the rest`);
    return { found, now: found, notes };
  }
  let now = found;
  while (now < target) {
    const step = steps.find((candidate) => candidate.from === now);
    if (!step) {
      notes.push(`no migration from schema ${now}; the stored values are read as they are`);
      break;
    }
    step.apply(store);
    store.set(VERSION_KEY, now + 1);
    notes.push(`settings schema ${now} -> ${now + 1}: ${step.describe}`);
    now++;
  }
  return { found, now, notes };
}
