import type { KeyValueStore } from "../../modules/app/ports";

type StoredValue = string | number | boolean;

/** Preferences kept in memory: what the tests and a throw-away simulator run use. */
export class MemoryStore implements KeyValueStore {
  protected readonly values = new Map<string, StoredValue>();
  /** Values read where the store holds none (the simulator's broker comes from its command line). */
  private fallback = new Map<string, StoredValue>();

  constructor(initial: Record<string, StoredValue> = {}) {
    for (const [key, value] of Object.entries(initial)) this.values.set(key, value);
  }

  get(key: string): StoredValue | undefined {
    return this.values.has(key) ? this.values.get(key) : this.fallback.get(key);
  }

  /** Sets what `get` answers for keys the store does not hold; nothing is written. */
  setFallback(values: Record<string, StoredValue>): void {
    this.fallback = new Map(Object.entries(values));
  }

  set(key: string, value: StoredValue): void {
    this.values.set(key, value);
  }

  delete(key: string): void {
    this.values.delete(key);
  }

  keys(): string[] {
    return [...this.values.keys()];
  }
}
