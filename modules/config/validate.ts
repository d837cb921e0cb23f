import type { Field, IntField, StringField, StringFormat } from "./schema";

/** A raw value as Preferences or `mc/config` hands it over. */
export type RawValue = string | number | boolean | ArrayBuffer | object | null | undefined;

/** Outcome of checking one raw value: `error` is set, or `value` holds the accepted value. */
export interface Check {
  value: string | number | boolean;
  error: string;
}

/**
 * Checks a raw value against its field. Build arguments arrive as strings (`port=8883`,
 * `tls=true`), so numbers and booleans are also accepted in their decimal/word spelling.
 * Error messages never contain the value of a secret field.
 */
export function checkValue(field: Field, raw: RawValue): Check {
  if (field.type === "int") return checkInt(field, raw);
  if (field.type === "bool") return checkBool(raw);
  return checkString(field, raw);
}

function fail(error: string): Check {
  return { value: "", error };
}

function pass(value: string | number | boolean): Check {
  return { value, error: "" };
}

function checkInt(field: IntField, raw: RawValue): Check {
  let value: number;
  if (typeof raw === "number") value = raw;
  else if (typeof raw === "string") {
    value = parseDecimal(raw);
    if (Number.isNaN(value)) return fail(`"${raw}" is not a whole number`);
  } else return fail(`expected a whole number, got ${describeType(raw)}`);
  if (!Number.isInteger(value)) return fail(`${value} is not a whole number`);
  if (value < field.min) return fail(`${value} is below the minimum ${field.min}`);
  if (value > field.max) return fail(`${value} is above the maximum ${field.max}`);
  if (field.values && field.values.indexOf(value) < 0) return fail(`${value} is not one of ${field.values.join(", ")}`);
  return pass(value);
}

/** Optional '-' then 1..10 decimal digits; NaN otherwise (no floats, no exponent, no hex). */
function parseDecimal(text: string): number {
  const start = text.charCodeAt(0) === 45 ? 1 : 0;
  if (text.length === start || text.length - start > 10) return NaN;
  let value = 0;
  for (let i = start; i < text.length; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return NaN;
    value = value * 10 + digit;
  }
  return start ? -value : value;
}

const TRUE_WORDS = Object.freeze(["true", "1", "yes", "on"]);
const FALSE_WORDS = Object.freeze(["false", "0", "no", "off"]);

function checkBool(raw: RawValue): Check {
  if (typeof raw === "boolean") return pass(raw);
  if (raw === 0 || raw === 1) return pass(raw === 1);
  if (typeof raw === "string") {
    const word = raw.toLowerCase();
    if (TRUE_WORDS.indexOf(word) >= 0) return pass(true);
    if (FALSE_WORDS.indexOf(word) >= 0) return pass(false);
    return fail(`"${raw}" is not true or false`);
  }
  return fail(`expected true or false, got ${describeType(raw)}`);
}

function checkString(field: StringField, raw: RawValue): Check {
  if (typeof raw !== "string") return fail(`expected text, got ${describeType(raw)}`);
  if (raw.length > field.maxLength) return fail(`longer than ${field.maxLength} characters`);
  if (field.values && field.values.indexOf(raw) < 0) {
    return fail(field.secret ? "not an allowed value" : `"${raw}" is not one of ${field.values.join(", ")}`);
  }
  const problem = formatProblem(field.format, raw);
  if (problem) return fail(field.secret ? problem : `"${raw}" ${problem}`);
  return pass(raw);
}

function describeType(raw: RawValue): string {
  if (raw === null) return "null";
  if (raw instanceof ArrayBuffer) return "binary data";
  return typeof raw;
}

/** Why `text` does not have `format`, or "" when it does. */
export function formatProblem(format: StringFormat, text: string): string {
  switch (format) {
    case "text":
      return hasControl(text) ? "contains control characters" : "";
    case "wpa":
      if (text.length !== 0 && text.length < 8) return "must be empty (open network) or 8 to 63 characters";
      return hasControl(text) ? "contains control characters" : "";
    case "host":
      return hostProblem(text);
    case "hostname":
      return labelProblem(text);
    case "segment":
      return segmentProblem(text);
    case "topic":
      return topicProblem(text);
    case "guid":
      return guidProblem(text);
    case "pem":
      return pemProblem(text);
    case "password":
      if (text.length !== 0 && text.length < 8) return "must be empty or at least 8 characters";
      return hasControl(text) ? "contains control characters" : "";
    case "mapping":
      return mappingCharsProblem(text);
  }
}

function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 32 || c === 127) return true;
  }
  return false;
}

function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

/** Empty is allowed (not configured); otherwise dot-separated DNS labels (an IPv4 address is such a name). */
function hostProblem(text: string): string {
  if (text.length === 0) return "";
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    if (i === text.length || text.charCodeAt(i) === 46) {
      const problem = labelProblem(text.slice(start, i));
      if (problem) return "is not a host name or IPv4 address";
      start = i + 1;
    }
  }
  return "";
}

function labelProblem(label: string): string {
  if (label.length === 0 || label.length > 63) return "must be 1 to 63 letters, digits or '-'";
  if (label.charCodeAt(0) === 45 || label.charCodeAt(label.length - 1) === 45) return "must not start or end with '-'";
  for (let i = 0; i < label.length; i++) {
    const c = label.charCodeAt(i);
    if (!isAlnum(c) && c !== 45) return "may hold only letters, digits and '-'";
  }
  return "";
}

function segmentProblem(text: string): string {
  if (hasControl(text)) return "contains control characters";
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 47 || c === 43 || c === 35 || c === 32) return "must not contain '/', '+', '#' or spaces";
  }
  return "";
}

const TOPIC_ESCAPES = Object.freeze(["guid", "class", "type", "nickname", "sensorindex", "zone", "subzone"]);

function topicProblem(text: string): string {
  if (text.length === 0) return "must not be empty";
  if (text.charCodeAt(0) === 47) return "must not start with '/'";
  if (hasControl(text)) return "contains control characters";
  let open = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 43 || c === 35) return "must not contain the wildcards '+' or '#'";
    if (c === 123) {
      if (open >= 0) return "has a '{' inside an escape";
      open = i;
    } else if (c === 125) {
      if (open < 0) return "has a '}' without '{'";
      const name = text.slice(open + 1, i);
      if (TOPIC_ESCAPES.indexOf(name) < 0) return `uses the unknown escape {${name}}; known: {${TOPIC_ESCAPES.join("}, {")}}`;
      open = -1;
    }
  }
  return open >= 0 ? "has a '{' without '}'" : "";
}

/** `FF:FF:…` — 16 two-digit hex bytes separated by ':' (47 characters). */
function guidProblem(text: string): string {
  if (text.length === 0) return "";
  const bad = "must be 16 hex bytes separated by ':' (e.g. FF:FF:FF:FF:FF:FF:FF:FE:00:00:00:00:00:00:00:00)";
  if (text.length !== 47) return bad;
  for (let i = 0; i < 47; i++) {
    const c = text.charCodeAt(i);
    if (i % 3 === 2 ? c !== 58 : !isHex(c)) return bad;
  }
  if (text.slice(0, 5) === "25:00") return "must not use the 25:00 range (assigned to a company)";
  return "";
}

/** Mapping rows `code=enabled,index,zone,subzone;…` use letters, digits and `- : . = , ;` only. */
function mappingCharsProblem(text: string): string {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!isAlnum(c) && ":.=,;-".indexOf(text[i]) < 0) return "may hold only letters, digits and - : . = , ;";
  }
  return "";
}

const PEM_BEGIN = "-----BEGIN CERTIFICATE-----";
const PEM_END = "-----END CERTIFICATE-----";

function pemProblem(text: string): string {
  if (text.length === 0) return "";
  const begin = text.indexOf(PEM_BEGIN);
  const end = text.indexOf(PEM_END);
  if (begin < 0 || end < begin) return "is not a PEM certificate (-----BEGIN CERTIFICATE----- … -----END CERTIFICATE-----)";
  return "";
}
