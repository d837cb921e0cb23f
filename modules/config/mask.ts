import { FIELDS, type Settings } from "./schema";

/** Shown instead of a secret that is set; an unset secret shows as "". */
export const MASK = "***";

/** A copy of the settings safe to log or publish: every secret field is masked. */
export function maskSettings(settings: Settings): Record<string, string | number | boolean> {
  const source = settings as unknown as Record<string, string | number | boolean>;
  const masked: Record<string, string | number | boolean> = {};
  for (const field of FIELDS) {
    const value = source[field.key];
    masked[field.key] = field.secret ? (value === "" ? "" : MASK) : value;
  }
  return masked;
}

/** One line `key=value …` for the boot log, secrets masked, long values shortened. */
export function describeSettings(settings: Settings): string {
  const masked = maskSettings(settings);
  let line = "";
  for (const field of FIELDS) {
    let text = String(masked[field.key]);
    if (text.length > 40) text = `${text.slice(0, 20)}…(${text.length} chars)`;
    line += `${line ? " " : ""}${field.key}=${text}`;
  }
  return line;
}
