import { accessSync, chmodSync, closeSync, constants, fchmodSync, openSync, readFileSync, renameSync, statSync, writeSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { FIELDS } from "../../modules/config/schema";
import { checkValue } from "../../modules/config/validate";
import { MemoryStore } from "./memory-store";

/** Owner read and write only: the file holds the Wi-Fi, MQTT and admin passwords. */
const PRIVATE_MODE = 0o600;

/**
 * Preferences in a JSON file, so settings survive a simulator restart like they survive a reboot.
 * Everything about the file is checked when it is opened (before the simulator starts anything), so a
 * save never fails later for a reason that was already there.
 */
export class JsonFileStore extends MemoryStore {
  readonly path: string;

  constructor(path: string) {
    const absolute = resolve(path);
    super(JsonFileStore.load(path, absolute));
    this.path = absolute;
    // A device keeps its defaults over a bad stored value; a file someone edited by hand is better refused.
    const problems: string[] = [];
    for (const field of FIELDS) {
      const raw = this.values.get(field.key);
      const error = raw === undefined ? undefined : checkValue(field, raw).error;
      if (error) problems.push(`${field.key}: ${error}`);
    }
    if (problems.length) throw new Error(`settings file ${path}: ${problems.join("; ")}`);
  }

  private static load(shown: string, path: string): Record<string, string | number | boolean> {
    const folder = dirname(path);
    let folderIsDirectory = false;
    try {
      folderIsDirectory = statSync(folder).isDirectory();
    } catch {
      // reported below
    }
    if (!folderIsDirectory) throw new Error(`settings file ${shown}: the folder ${folder} does not exist`);
    try {
      accessSync(folder, constants.W_OK);
    } catch {
      throw new Error(`settings file ${shown}: the folder ${folder} is not writable`);
    }
    let text: string;
    try {
      if (statSync(path).isDirectory()) throw new Error(`settings file ${shown} is a directory`);
      text = readFileSync(path, "utf8");
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT") return {};
      if (code === undefined) throw error;
      throw new Error(`cannot read settings file ${shown}: ${(error as Error).message}`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new Error(`settings file ${shown} is not valid JSON`);
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      throw new Error(`settings file ${shown} must hold one JSON object`);
    }
    const values: Record<string, string | number | boolean> = {};
    for (const [key, value] of Object.entries(parsed)) {
      if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") values[key] = value;
      else throw new Error(`settings file ${shown}: "${key}" must be a string, number or boolean`);
    }
    // A file written before it was kept private: close it now rather than at the next save.
    if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, PRIVATE_MODE);
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
    // Write then rename: a crash never leaves half a file. The mode is set on the open file, so an old
    // temporary file left by a crash cannot keep a wider one.
    const temporary = `${this.path}.tmp`;
    const fd = openSync(temporary, "w", PRIVATE_MODE);
    try {
      fchmodSync(fd, PRIVATE_MODE);
      writeSync(fd, `${JSON.stringify(Object.fromEntries(this.values), null, 2)}\n`);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, this.path);
  }
}
