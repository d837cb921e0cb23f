/** Outcome of one frame found in the byte stream. Numeric so the hot path compares integers. */
export const FrameStatus = {
  Ok: 0,
  CrcMismatch: 1,
  NoCrc: 2,
  Truncated: 3,
  Overflow: 4,
  Hdlc: 5,
} as const;

/** Names as they appear in the decode output, stats and logs, indexed by status code. */
export const FRAME_STATUS_NAMES: readonly string[] = ["ok", "crc-mismatch", "no-crc", "truncated", "overflow", "hdlc"];
