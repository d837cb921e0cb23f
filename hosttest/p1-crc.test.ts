import { describe, expect, test } from "vitest";
import { crc16, crc16Update } from "../modules/p1/crc16";

describe("CRC-16/ARC", () => {
  test("check value of '123456789' is 0xBB3D", () => {
    expect(crc16(Buffer.from("123456789"))).toBe(0xbb3d);
  });

  test("incremental update equals the one-shot CRC", () => {
    const bytes = Buffer.from("/ELL5\\253833635_A\r\n\r\n1-0:1.8.0(00047522.278*kWh)\r\n!");
    let crc = 0;
    for (const b of bytes) crc = crc16Update(crc, b);
    expect(crc).toBe(crc16(bytes));
    expect(crc16(bytes, 10)).toBe(crc16(bytes.subarray(10)));
  });

  test("empty input gives the initial value 0", () => {
    expect(crc16(new Uint8Array(0))).toBe(0);
  });
});
