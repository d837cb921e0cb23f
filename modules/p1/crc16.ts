/**
 * CRC-16/ARC (poly 0x8005 reflected = 0xA001, init 0, no final XOR), the P1 telegram checksum.
 * The table is read-only, so building it at module load is safe for a preloaded module (it lands in flash).
 */
function buildTable(): Uint16Array {
  const table = new Uint16Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xa001 : c >>> 1;
    table[n] = c;
  }
  return table;
}

const TABLE = buildTable();

/** The lookup table, for loops that fold bytes in inline. */
export const CRC16_TABLE: Uint16Array = TABLE;

/**
 * Second table for folding two bytes in one step ("slicing by 2"): with x = crc ^ b0 ^ (b1 << 8),
 * the CRC after both bytes is CRC16_PAIR_TABLE[x & 0xff] ^ CRC16_TABLE[x >>> 8].
 */
function buildPairTable(): Uint16Array {
  const pair = new Uint16Array(256);
  for (let n = 0; n < 256; n++) pair[n] = (TABLE[n] >>> 8) ^ TABLE[TABLE[n] & 0xff];
  return pair;
}

export const CRC16_PAIR_TABLE: Uint16Array = buildPairTable();

/** Folds one byte into a running CRC; start with 0. */
export function crc16Update(crc: number, byte: number): number {
  return (crc >>> 8) ^ TABLE[(crc ^ byte) & 0xff];
}

/** CRC of bytes[start, end). */
export function crc16(bytes: Uint8Array, start = 0, end = bytes.length, crc = 0): number {
  for (let i = start; i < end; i++) crc = (crc >>> 8) ^ TABLE[(crc ^ bytes[i]) & 0xff];
  return crc;
}
