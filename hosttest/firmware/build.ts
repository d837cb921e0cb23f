// npm run build:firmware: with the Moddable SDK installed ($MODDABLE), builds the lin simulator binary
// and runs the JavaScript stages (tsc, xsc, xsl, mcrez) of every ESP32 board build. The ESP-IDF stage
// (C compile, link, flash image) needs Espressif's toolchain and is not run here.
//
//   FIRMWARE_OUT=<dir>   where builds go (default: <tmp>/p1vscp-firmware)
//   FIRMWARE_ONLY=lin,esp32/esp32c3   build a subset
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, delimiter, join, resolve } from "node:path";
import { LOADED_AT_RUN_TIME } from "./run-time-modules";

const repo = resolve(import.meta.dirname, "../..");
const moddable = process.env.MODDABLE;
if (!moddable || !existsSync(join(moddable, "build/bin/lin/release/mcconfig"))) {
  console.log("build:firmware skipped: set MODDABLE to a Moddable SDK with its Linux tools built (build/makefiles/lin: make)");
  process.exit(0);
}

const out = resolve(process.env.FIRMWARE_OUT ?? join(tmpdir(), "p1vscp-firmware"));

/**
 * The ESP32 makefile stops unless `git describe` answers in $IDF_PATH, though the JavaScript stages never use
 * ESP-IDF: without ESP-IDF installed, an empty repository tagged with the version answers for it.
 */
function idfVersionStub(): string {
  const dir = join(out, "esp-idf-version");
  if (!existsSync(join(dir, ".git"))) {
    mkdirSync(dir, { recursive: true });
    const git = (...args: string[]) => spawnSync("git", ["-C", dir, "-c", "user.name=build", "-c", "user.email=build@localhost", ...args]);
    for (const args of [
      ["init", "-q"],
      ["commit", "-q", "--allow-empty", "-m", "ESP-IDF version"],
      ["tag", "v6.0"],
    ]) {
      if (git(...args).status !== 0) throw new Error(`git ${args[0]} in ${dir} failed (is git installed?)`);
    }
  }
  return dir;
}

const env: NodeJS.ProcessEnv = {
  ...process.env,
  // mcconfig needs tsc >= 6: the project's own TypeScript first.
  PATH: [join(repo, "node_modules/.bin"), join(moddable, "build/bin/lin/release"), process.env.PATH ?? ""].join(delimiter),
  IDF_PATH: process.env.IDF_PATH ?? idfVersionStub(),
};

const TARGETS = ["lin", "esp32", "esp32/nodemcu", "esp32/m5atom_lite", "esp32/esp32c3", "esp32/esp32s3", "esp32/esp32c6"];
const only = process.env.FIRMWARE_ONLY?.split(",");
const manifest = JSON.parse(readFileSync(join(repo, "manifest.json"), "utf8")) as { preload: string[] };

interface Result {
  target: string;
  ok: boolean;
  artifact: string;
  bytes: number;
  preloaded: string;
  ourWarnings: number;
  detail: string;
}

function run(command: string, args: string[], cwd: string, log: string): boolean {
  const child = spawnSync(command, args, { cwd, env, encoding: "utf8", maxBuffer: 64 << 20 });
  writeFileSync(log, `${child.stdout ?? ""}${child.stderr ?? ""}`, { flag: "a" });
  return child.status === 0;
}

function findFile(dir: string, name: string): string | undefined {
  if (!existsSync(dir)) return undefined;
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (entry === name) return path;
    if (statSync(path).isDirectory()) {
      const found = findFile(path, name);
      if (found) return found;
    }
  }
  return undefined;
}

/** Preload entries of the manifest that xsl put in the ROM image (they appear as module records in mc.xs.c). */
function preloadCount(mcXs: string): string {
  const text = readFileSync(mcXs, "utf8");
  const present = manifest.preload.filter((name) => text.includes(`/* ${name} */`));
  const missing = manifest.preload.filter((name) => !present.includes(name));
  return `${present.length}/${manifest.preload.length}${missing.length ? ` (missing: ${missing.join(", ")})` : ""}`;
}

/** Linker warnings about this project's own modules (a preloaded object left unfrozen costs RAM). */
function ourWarnings(log: string): number {
  return readFileSync(log, "utf8")
    .split("\n")
    .filter((line) => line.includes("warning") && /modules\/(config|device)\//.test(line)).length;
}

function lastLine(log: string, pattern: RegExp): string {
  const lines = readFileSync(log, "utf8")
    .split("\n")
    .filter((line) => pattern.test(line));
  return lines.length ? lines[lines.length - 1] : "";
}

function build(target: string): Result {
  const name = target.replace("/", "-");
  const dir = join(out, name);
  mkdirSync(dir, { recursive: true });
  const log = join(out, `${name}.log`);
  writeFileSync(log, "");
  const result: Result = { target, ok: false, artifact: "", bytes: 0, preloaded: "", ourWarnings: 0, detail: `log: ${log}` };

  if (target === "lin") {
    result.ok = run("mcconfig", ["-d", "-m", "-p", "lin", "-t", "build", "-o", dir], repo, log);
    const so = findFile(join(dir, "bin"), "mc.so");
    const xs = findFile(join(dir, "tmp"), "mc.xs.c");
    if (so) Object.assign(result, { artifact: so, bytes: statSync(so).size });
    if (xs) result.preloaded = preloadCount(xs);
    result.ok &&= Boolean(so);
  } else {
    // mcconfig without -m writes the makefile; make then runs only the JavaScript targets.
    const configured = run("mcconfig", ["-d", "-p", target, "-o", dir], repo, log);
    const makefile = findFile(join(dir, "tmp"), "makefile");
    if (configured && makefile) {
      const tmpDir = makefile.slice(0, -"/makefile".length);
      const emptyConfig = join(out, "sdkconfig.h");
      writeFileSync(emptyConfig, "");
      result.ok = run(
        "make",
        ["-f", makefile, `SDKCONFIG_H=${emptyConfig}`, join(tmpDir, "mc.xs.c"), join(tmpDir, "mc.resources.c")],
        tmpDir,
        log,
      );
      const xs = join(tmpDir, "mc.xs.c");
      if (existsSync(xs)) Object.assign(result, { artifact: xs, bytes: statSync(xs).size, preloaded: preloadCount(xs) });
      result.ok &&= existsSync(xs);
    }
  }
  result.ourWarnings = ourWarnings(log);
  const summary = lastLine(log, /instances, .* keys/);
  if (summary) result.detail = `${summary.replace(/^#+\s*/, "")}; ${result.detail}`;
  if (!result.ok) result.detail = `${lastLine(log, /error|Error/) || "failed"}; ${result.detail}`;
  return result;
}

/** Project modules the manifest does not preload: they load into RAM at run time. */
function notPreloaded(): string[] {
  const missing: string[] = [];
  for (const folder of readdirSync(join(repo, "modules"))) {
    const dir = join(repo, "modules", folder);
    if (!statSync(dir).isDirectory()) continue;
    for (const file of readdirSync(dir)) {
      if (!file.endsWith(".ts") || file.endsWith(".d.ts")) continue;
      const name = `modules/${folder}/${file.slice(0, -3)}`;
      if (!manifest.preload.includes(name) && !LOADED_AT_RUN_TIME.has(name)) missing.push(name);
    }
  }
  return missing;
}

console.log(
  `Moddable SDK ${readFileSync(join(moddable, "tools/VERSION"), "utf8").trim()} at ${moddable}; project ${basename(repo)}; output ${out}`,
);
const results: Result[] = [];
for (const target of TARGETS) {
  if (only && !only.includes(target)) continue;
  const result = build(target);
  results.push(result);
  console.log(
    `${result.ok ? "ok  " : "FAIL"} ${target.padEnd(18)} ${String(result.bytes).padStart(9)} bytes ${basename(result.artifact) || "-"}, preloaded ${result.preloaded || "-"}, ` +
      `project warnings ${result.ourWarnings}; ${result.detail}`,
  );
}
const unlisted = notPreloaded();
if (unlisted.length) console.log(`not in the manifest's preload list (add them): ${unlisted.join(", ")}`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
