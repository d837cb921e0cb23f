// Turns an exported configuration into `mcconfig` build arguments for fleet installs:
//   npx tsx hosttest/setup/mcconfig-args.ts p1vscp-config.json
// prints e.g. `broker=10.0.0.2 zone=3 'nodeName=Hall meter'`; add ssid/password per site. Only values that
// differ from the defaults are printed, each checked with the schema first.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { FIELDS } from "../../modules/config/schema";
import { checkValue, type RawValue } from "../../modules/config/validate";
import { readExport } from "../../modules/setup/form";

export function mcconfigArgs(file: unknown): { args: string[]; problems: string[] } {
  const read = readExport(file);
  if (!read.values) return { args: [], problems: [read.errors._ ?? "not an exported configuration"] };
  const args: string[] = [];
  const problems: string[] = [];
  for (const key of Object.keys(read.values)) if (!FIELDS.some((f) => f.key === key)) problems.push(`${key}: unknown setting`);
  for (const field of FIELDS) {
    if (!(field.key in read.values) || field.secret) continue;
    const check = checkValue(field, read.values[field.key] as RawValue);
    if (check.error) problems.push(`${field.key}: ${check.error}`);
    else if (check.value !== field.default) args.push(shellWord(`${field.key}=${String(check.value)}`));
  }
  return { args, problems };
}

function shellWord(text: string): string {
  return /^[A-Za-z0-9_=.:,/{}@+-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const path = process.argv[2];
  if (!path) {
    process.stderr.write("usage: npx tsx hosttest/setup/mcconfig-args.ts EXPORTED.json\n");
    process.exit(2);
  }
  let file: unknown;
  try {
    file = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    process.stderr.write(`error: cannot read ${path}: ${(error as Error).message}\n`);
    process.exit(1);
  }
  const { args, problems } = mcconfigArgs(file);
  for (const problem of problems) process.stderr.write(`error: ${problem}\n`);
  if (problems.length) process.exit(1);
  process.stdout.write(`${args.join(" ")}\n`);
}
