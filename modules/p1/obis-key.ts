/** An OBIS code A-B:C.D.E packed into one integer (each group 0–255; 40 bits, exact in a double). */
export function obisKey(a: number, b: number, c: number, d: number, e: number): number {
  return (((a * 256 + b) * 256 + c) * 256 + d) * 256 + e;
}

/** Packs a code written as `A-B:C.D.E`; throws on anything else (used at start-up, not per telegram). */
export function obisKeyOf(code: string): number {
  const groups = [0, 0, 0, 0, 0];
  const separators = "-:..";
  let group = 0;
  let digits = 0;
  for (let i = 0; i < code.length; i++) {
    const c = code.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) {
      groups[group] = groups[group] * 10 + (c - 0x30);
      digits++;
    } else if (group < 4 && c === separators.charCodeAt(group) && digits > 0) {
      group++;
      digits = 0;
    } else {
      throw new Error(`invalid OBIS code "${code}"`);
    }
  }
  if (group !== 4 || digits === 0 || groups.some((g) => g > 255)) throw new Error(`invalid OBIS code "${code}"`);
  return obisKey(groups[0], groups[1], groups[2], groups[3], groups[4]);
}
