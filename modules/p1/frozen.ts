/**
 * Freezes a constant table and everything in it. A preloaded module's frozen objects stay in flash on the
 * device; an unfrozen one is copied into RAM at boot (the SDK's linker warns "not frozen").
 */
export function frozen<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    for (const key of Object.keys(value)) frozen((value as Record<string, unknown>)[key]);
    Object.freeze(value);
  }
  return value;
}
