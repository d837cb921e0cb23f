import { FIELDS, MAPPING_KEYS, fieldByKey, mappingText, type Field, type Settings } from "../config/schema";
import { checkValue, type RawValue } from "../config/validate";
import { CHANNELS } from "../app/channels";
import { ObisCatalog } from "../p1/obis-catalog";
import { VscpConfigError } from "../vscp/config-error";
import { MAPPING_FIELD, checkMapping } from "../vscp/mapping-setting";

/** GPIOs the board lets the user pick for the meter lines; -1 ("as the board is wired") is always allowed. */
export interface PinChoices {
  rx: readonly number[];
  rts: readonly number[];
  /** The board's own wiring, shown next to -1; -1 when the board has none (e.g. RTS wired to +5 V). */
  boardRx: number;
  boardRts: number;
}

/** Errors by field key; "_" holds errors about the request as a whole. */
export type FieldErrors = Record<string, string>;

export interface Submission {
  /** The settings that would result: current values, overwritten by the accepted input. */
  candidate: Settings;
  /** Keys whose value changes. */
  changed: string[];
  errors: FieldErrors;
}

type Values = Record<string, string | number | boolean>;

/**
 * Checks submitted values field by field with the configuration schema. Keys not sent keep their
 * current value; a secret sent as "" keeps the stored secret (secrets are never sent to the page, so
 * the page cannot send them back). Unknown keys are errors, not silently dropped.
 */
export function checkSubmission(current: Settings, input: unknown, pins: PinChoices): Submission {
  const candidate = { ...(current as unknown as Values) };
  const errors: FieldErrors = {};
  const changed: string[] = [];
  if (!isPlainObject(input)) {
    errors._ = "expected a JSON object of settings";
    return { candidate: candidate as unknown as Settings, changed, errors };
  }

  const unknown: string[] = [];
  for (const key of Object.keys(input)) {
    const field = fieldByKey(key);
    if (!field) {
      unknown.push(key.length > 32 ? `${key.slice(0, 32)}...` : key);
      continue;
    }
    const raw = input[key] as RawValue;
    if (field.secret && raw === "") continue;
    const check = checkValue(field, raw);
    if (check.error) errors[key] = check.error;
    else candidate[key] = check.value;
  }
  if (unknown.length)
    errors._ = `unknown setting${unknown.length > 1 ? "s" : ""}: ${unknown.slice(0, 5).join(", ")}${unknown.length > 5 ? ", ..." : ""}`;

  crossCheck(candidate, pins, errors);
  mappingCheck(candidate, current, errors);
  for (const field of FIELDS) {
    if (candidate[field.key] !== (current as unknown as Values)[field.key]) changed.push(field.key);
  }
  return { candidate: candidate as unknown as Settings, changed, errors };
}

/** Rules that involve more than one field, or the board. Only reported where the field itself passed. */
function crossCheck(values: Values, pins: PinChoices, errors: FieldErrors): void {
  const pinRule = (key: "rxPin" | "rtsPin", allowed: readonly number[], board: number) => {
    if (errors[key]) return;
    const pin = values[key] as number;
    if (pin !== -1 && allowed.indexOf(pin) < 0) {
      errors[key] = allowed.length
        ? `GPIO ${pin} is not available on this board; choose -1${board >= 0 ? ` (GPIO ${board})` : ""} or ${allowed.join(", ")}`
        : `this board has no other choice; use -1${board >= 0 ? ` (GPIO ${board})` : ""}`;
    }
  };
  pinRule("rxPin", pins.rx, pins.boardRx);
  pinRule("rtsPin", pins.rts, pins.boardRts);
  const rx = values.rxPin === -1 ? pins.boardRx : (values.rxPin as number);
  const rts = values.rtsPin === -1 ? pins.boardRts : (values.rtsPin as number);
  if (!errors.rxPin && !errors.rtsPin && rx >= 0 && rx === rts) errors.rtsPin = `GPIO ${rts} is already the RX pin`;

  if (!errors.statusPage && !errors.adminPass && values.statusPage === true && values.adminPass === "") {
    errors.adminPass = "set an admin password to turn the status page on";
  }
}

/**
 * The mapping's parts are one table on the page: their faults are shown at its first key, and the rows are
 * checked against the catalog and the channels when they change (a stored mapping that a newer catalog no
 * longer accepts does not block saving anything else; start-up reports it and uses the default).
 */
function mappingCheck(values: Values, current: Settings, errors: FieldErrors): void {
  for (const key of MAPPING_KEYS) {
    if (key === MAPPING_FIELD || !errors[key]) continue;
    errors[MAPPING_FIELD] = errors[MAPPING_FIELD] ?? `${key}: ${errors[key]}`;
    delete errors[key];
  }
  if (errors[MAPPING_FIELD]) return;
  const text = mappingText(values as unknown as Settings);
  if (text === mappingText(current)) return;
  try {
    checkMapping(text, new ObisCatalog(), CHANNELS);
  } catch (error) {
    if (!(error instanceof VscpConfigError)) throw error;
    errors[MAPPING_FIELD] = error.message.slice(error.field.length + 2);
  }
}

/** The fields as the page needs them to build its form. Defaults of secrets are not sent. */
export function describeFields(): object[] {
  const out: object[] = [];
  for (const field of FIELDS) out.push(describeField(field));
  return out;
}

function describeField(field: Field): object {
  const base = { key: field.key, group: field.group, label: field.label, type: field.type, secret: field.secret };
  if (field.type === "int")
    return { ...base, default: field.default, min: field.min, max: field.max, values: field.values, unit: field.unit };
  if (field.type === "bool") return { ...base, default: field.default };
  return { ...base, default: field.secret ? "" : field.default, maxLength: field.maxLength, format: field.format, values: field.values };
}

/** Non-secret values, and for each secret only whether it is set. */
export function publicValues(settings: Settings): { values: Values; secretsSet: Record<string, boolean> } {
  const source = settings as unknown as Values;
  const values: Values = {};
  const secretsSet: Record<string, boolean> = {};
  for (const field of FIELDS) {
    if (field.secret) secretsSet[field.key] = source[field.key] !== "";
    else values[field.key] = source[field.key];
  }
  return { values, secretsSet };
}

export const EXPORT_FORMAT = "p1vscp-config";
export const EXPORT_VERSION = 1;

/**
 * The configuration as a file: every non-secret field. The keys are the Preferences keys and the
 * `mcconfig key=value` build arguments, so the same file serves a fleet build.
 */
export function exportConfig(settings: Settings): object {
  return { format: EXPORT_FORMAT, version: EXPORT_VERSION, values: publicValues(settings).values };
}

/**
 * Reads an exported file; returns its values, or errors (key "_") when it is not one. An import never
 * changes a secret: an export holds none, so a password in a file was put there by hand or by something
 * else, and the device keeps its own. Such keys are left out and named in `ignored`.
 */
export function readExport(input: unknown): { values?: Record<string, unknown>; ignored: string[]; errors: FieldErrors } {
  const ignored: string[] = [];
  const refuse = (message: string) => ({ ignored, errors: { _: message } });
  if (!isPlainObject(input)) return refuse("expected the JSON object of an exported configuration");
  for (const key of Object.keys(input)) {
    if (key !== "format" && key !== "version" && key !== "values") return refuse(`unknown entry "${key.slice(0, 32)}" in the file`);
  }
  if (input.format !== EXPORT_FORMAT) return refuse(`not a ${EXPORT_FORMAT} file (format is missing or different)`);
  if (input.version !== EXPORT_VERSION) return refuse(`version ${String(input.version)} is not supported; expected ${EXPORT_VERSION}`);
  if (!isPlainObject(input.values)) return refuse("the file has no values object");
  const values: Record<string, unknown> = {};
  for (const key of Object.keys(input.values)) {
    if (fieldByKey(key)?.secret) ignored.push(key);
    else values[key] = input.values[key];
  }
  return { values, ignored, errors: {} };
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function hasErrors(errors: FieldErrors): boolean {
  for (const _ in errors) return true;
  return false;
}
