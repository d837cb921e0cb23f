import { EVENT_HEADER_BYTES, RECORD_HEADER_BYTES } from "./outbox";

/** A Swedish meter sends a telegram every 10 s with 26 published values (VSCP profile §5, indices 0–25). */
export const SWEDISH_TELEGRAM_PERIOD_S = 10;
export const SWEDISH_EVENTS_PER_TELEGRAM = 26;
/**
 * Value digits budgeted per queued event, on average. The Swedish corpus averages 2.3–5.3 (the Aidon 6560 CT,
 * which sends Wh, is the largest: 138 digits in 26 values); 8 leaves room for growing energy registers and
 * high loads (kWh "123456.789", W "12345").
 */
export const EVENT_DIGITS_BUDGET = 8;
/** How long the outbox must bridge a broker or Wi-Fi outage without losing a telegram. */
export const OUTBOX_HOLD_MINUTES = 10;

/** Outbox bytes one telegram takes: its record header plus, per event, slot, digit count and digits. */
export function telegramRecordBytes(events = SWEDISH_EVENTS_PER_TELEGRAM, digitsPerEvent = EVENT_DIGITS_BUDGET): number {
  return RECORD_HEADER_BYTES + events * (EVENT_HEADER_BYTES + digitsPerEvent);
}

/**
 * Default outbox capacity. A telegram record is 12 + 26 × (2 + 8) = 272 bytes (the largest real Swedish
 * telegram takes 202). 10 min / 10 s = 60 telegrams, plus one record of slack (a record never wraps, so up to
 * one record's bytes at the ring's end can stay unused): 61 × 272 = 16,592 bytes, rounded up to whole KiB:
 * 17 KiB = 17,408 bytes (each 272 bytes more hold one more telegram, i.e. 10 s).
 */
export function outboxBytesFor(
  minutes: number,
  periodS = SWEDISH_TELEGRAM_PERIOD_S,
  events = SWEDISH_EVENTS_PER_TELEGRAM,
  digitsPerEvent = EVENT_DIGITS_BUDGET,
): number {
  const telegrams = Math.ceil((minutes * 60) / periodS) + 1;
  const bytes = telegrams * telegramRecordBytes(events, digitsPerEvent);
  return Math.ceil(bytes / 1024) * 1024;
}

export const DEFAULT_OUTBOX_BYTES = outboxBytesFor(OUTBOX_HOLD_MINUTES);

/**
 * How long the outbox bridges an outage on a board that is not shown to hold the default outbox next to TLS (the
 * ESP32 boards: README "Memory on the device"): 5 min / 10 s = 30 telegrams + 1 → 31 × 272 = 8,432 bytes → 9 KiB.
 * A board fragment gives it as `"outboxKiB": 9`; the settings' outboxKiB still overrides it.
 */
export const SMALL_OUTBOX_HOLD_MINUTES = 5;
export const SMALL_OUTBOX_BYTES = outboxBytesFor(SMALL_OUTBOX_HOLD_MINUTES);
