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
 * Tables for folding eight bytes in one step ("slicing by 8"): CRC16_TABLE_k[n] is the CRC contribution of byte n
 * followed by k zero bytes (CRC16_TABLE is k = 0). With x = crc ^ b0 ^ (b1 << 8), the CRC after b0 … b7 is
 * TABLE_7[x & 0xff] ^ TABLE_6[x >>> 8] ^ TABLE_5[b2] ^ … ^ TABLE_1[b6] ^ TABLE[b7]. Read-only, so safe to build at
 * module load (2 KB in all).
 */
function buildShifted(previous: Uint16Array): Uint16Array {
  const next = new Uint16Array(256);
  for (let n = 0; n < 256; n++) next[n] = (previous[n] >>> 8) ^ TABLE[previous[n] & 0xff];
  return next;
}

export const CRC16_TABLE_1: Uint16Array = buildShifted(TABLE);
export const CRC16_TABLE_2: Uint16Array = buildShifted(CRC16_TABLE_1);
export const CRC16_TABLE_3: Uint16Array = buildShifted(CRC16_TABLE_2);
export const CRC16_TABLE_4: Uint16Array = buildShifted(CRC16_TABLE_3);
export const CRC16_TABLE_5: Uint16Array = buildShifted(CRC16_TABLE_4);
export const CRC16_TABLE_6: Uint16Array = buildShifted(CRC16_TABLE_5);
export const CRC16_TABLE_7: Uint16Array = buildShifted(CRC16_TABLE_6);

/** Folds one byte into a running CRC; start with 0. */
export function crc16Update(crc: number, byte: number): number {
  return (crc >>> 8) ^ TABLE[(crc ^ byte) & 0xff];
}

/** CRC of bytes[start, end). */
export function crc16(bytes: Uint8Array, start = 0, end = bytes.length, crc = 0): number {
  for (let i = start; i < end; i++) crc = (crc >>> 8) ^ TABLE[(crc ^ bytes[i]) & 0xff];
  return crc;
}
