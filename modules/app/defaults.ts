import { RECORD_HEADER_BYTES } from "./outbox";

/** A Swedish meter sends a telegram every 10 s with 26 published values (VSCP profile §5, indices 0–25). */
export const SWEDISH_TELEGRAM_PERIOD_S = 10;
export const SWEDISH_EVENTS_PER_TELEGRAM = 26;
/** A class 1040 JSON event is 330–360 bytes; budget 350 on average. */
export const EVENT_PAYLOAD_BUDGET_BYTES = 350;
/** How long the outbox must bridge a broker or Wi-Fi outage without losing a telegram. */
export const OUTBOX_HOLD_MINUTES = 10;

/**
 * Default outbox capacity: 10 min / 10 s = 60 telegrams × 26 events × (350 + 6 header) bytes = 555,360 bytes,
 * rounded up to whole KiB: 543 KiB = 556,032 bytes. More than a bare ESP32's heap: boards without PSRAM
 * pass a smaller capacity (each 9,256 bytes hold one more telegram, i.e. 10 s).
 */
export function outboxBytesFor(minutes: number, periodS = SWEDISH_TELEGRAM_PERIOD_S, events = SWEDISH_EVENTS_PER_TELEGRAM,
  payloadBytes = EVENT_PAYLOAD_BUDGET_BYTES): number {
  const telegrams = Math.ceil((minutes * 60) / periodS);
  const bytes = telegrams * events * (payloadBytes + RECORD_HEADER_BYTES);
  return Math.ceil(bytes / 1024) * 1024;
}

export const DEFAULT_OUTBOX_BYTES = outboxBytesFor(OUTBOX_HOLD_MINUTES);
