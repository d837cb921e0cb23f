// The simulator's settings file: checked when opened, private to its owner, written whole.
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { JsonFileStore } from "./file-store";

const folder = mkdtempSync(join(tmpdir(), "p1vscp-settings-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
let files = 0;
const path = (text?: string) => {
  const file = join(folder, `settings-${++files}.json`);
  if (text !== undefined) writeFileSync(file, text);
  return file;
};
const permissions = (file: string) => statSync(file).mode & 0o777;

describe("settings file", () => {
  test("is written readable by its owner only: it holds the passwords", () => {
    const file = path();
    const store = new JsonFileStore(file);
    store.set("mqttPass", "broker-secret-2");
    expect(permissions(file)).toBe(0o600);
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual({ mqttPass: "broker-secret-2" });
  });

  test("an existing world-readable file is made private when opened", () => {
    const file = path('{"password":"wifi-secret-1"}');
    chmodSync(file, 0o644);
    expect(new JsonFileStore(file).get("password")).toBe("wifi-secret-1");
    expect(permissions(file)).toBe(0o600);
  });

  test("a temporary file left by a crash cannot widen the mode", () => {
    const file = path();
    writeFileSync(`${file}.tmp`, "old");
    chmodSync(`${file}.tmp`, 0o666);
    new JsonFileStore(file).set("nodeName", "Hall");
    expect(permissions(file)).toBe(0o600);
  });

  test.each([
    ["invalid JSON", () => path("{bad"), /is not valid JSON$/],
    ["a directory", () => mkdtempSync(join(folder, "dir-")), /is a directory$/],
    ["a file in a missing folder", () => join(folder, "missing", "settings.json"), /the folder .*missing does not exist$/],
    ["not an object", () => path("[1]"), /must hold one JSON object$/],
    ["a value of the wrong kind", () => path('{"zone":{}}'), /"zone" must be a string, number or boolean$/],
    ["a value the schema refuses", () => path('{"port":0}'), /port: 0 is below the minimum 1$/],
  ])("%s is refused with a plain message when opened", (_name, make, message) => {
    expect(() => new JsonFileStore(make())).toThrow(message);
  });
});
