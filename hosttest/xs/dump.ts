// Canonical, engine-neutral dumps: plain JSON-safe data built by the same code under Node and in XS.

/** Bytes as ASCII text with everything outside 0x20..0x7e escaped, so no engine's string escaping is involved. */
export function printable(bytes: Uint8Array, start: number, end: number): string {
  let s = "";
  for (let i = start; i < end; i++) {
    const b = bytes[i];
    s += b >= 0x20 && b <= 0x7e && b !== 0x5c ? String.fromCharCode(b) : "\\x" + (b < 16 ? "0" : "") + b.toString(16);
  }
  return s;
}

/** Numbers JSON cannot carry exactly (−0, NaN, ±Infinity) become tagged strings. */
function number(value: number): number | string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "Infinity";
  if (value === -Infinity) return "-Infinity";
  if (value === 0 && 1 / value < 0) return "-0";
  return value;
}

/**
 * Every own field of a state object (Reading, counters, times…): typed arrays element by element,
 * nested objects recursively. `skip` names fields that are not state (shared tables, buffers).
 */
export function stateDump(value: unknown, skip: readonly string[] = [], depth = 0): unknown {
  if (typeof value === "number") return number(value);
  if (typeof value === "string" || typeof value === "boolean" || value === null || value === undefined) return value ?? null;
  if (typeof value === "bigint") return `${value}n`;
  if (ArrayBuffer.isView(value)) {
    const view = value as unknown as ArrayLike<number>;
    const out: (number | string)[] = [];
    for (let i = 0; i < view.length; i++) out.push(number(view[i]));
    return out;
  }
  if (depth > 4 || typeof value !== "object") return `<${typeof value}>`;
  if (Array.isArray(value)) return value.map((item) => stateDump(item, skip, depth + 1));
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    if (skip.includes(key)) continue;
    out[key] = stateDump((value as Record<string, unknown>)[key], skip, depth + 1);
  }
  return out;
}
