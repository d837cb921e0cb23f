import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { MemoryStore } from "./memory-store";

/** Preferences in a JSON file, so settings survive a simulator restart like they survive a reboot. */
export class JsonFileStore extends MemoryStore {
  constructor(private readonly path: string) {
    super(JsonFileStore.load(path));
  }

  private static load(path: string): Record<string, string | number | boolean> {
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return {};
      throw error;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new Error(`settings file ${path} is not valid JSON`);
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      throw new Error(`settings file ${path} must hold one JSON object`);
    }
    const values: Record<string, string | number | boolean> = {};
    for (const [key, value] of Object.entries(parsed)) {
      if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") values[key] = value;
      else throw new Error(`settings file ${path}: "${key}" must be a string, number or boolean`);
    }
    return values;
  }

  override set(key: string, value: string | number | boolean): void {
    super.set(key, value);
    this.save();
  }

  override delete(key: string): void {
    super.delete(key);
    this.save();
  }

  private save(): void {
    // Write then rename: a crash never leaves half a file.
    const temporary = `${this.path}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(Object.fromEntries(this.values), null, 2)}\n`);
    renameSync(temporary, this.path);
  }
}
