import type { Reading } from "../p1/reading";
import type { PresenceEncoder } from "../vscp/presence";

/**
 * Turns one parsed telegram into its VSCP events, one at a time, into a reused buffer. The VSCP module's
 * EventEncoder has exactly this shape; tests may plug in their own.
 */
export interface TelegramEncoder {
  /** Holds the last encoded event; overwritten by the next `encode`. */
  readonly buffer: Uint8Array;
  /** Prepares the events of `reading`; returns how many there are (sensor-index order; catalog order unless remapped). */
  beginTelegram(reading: Reading, deviceWallMs: number): number;
  /** Writes event i's payload into `buffer`; returns its length in bytes. */
  encode(i: number): number;
  /** Topic of event i: a string built once at start-up, never per telegram. */
  topicOf(i: number): string;
  /** Catalog slot of event i (the key of the publish policy). */
  slotOf(i: number): number;
}

/**
 * The event encoder as the outbox uses it: a queued event is kept as its slot, value digits and time, and
 * rendered when sent. The VSCP module's EventEncoder has this shape.
 */
export interface StoredEventEncoder extends TelegramEncoder {
  /** Time `beginTelegram` picked for the current telegram's events: UTC seconds and µs within the second. */
  readonly epochSeconds: number;
  readonly timestampMicros: number;
  /** Where that time came from (TimeSource: meter, device clock, neither valid). */
  readonly timeSource: number;
  /** Values left out because their digits do not fit an event; cumulative. */
  readonly valuesSkipped: number;
  /** Holds the digits of the last `digitsOf`. */
  readonly valueDigits: Uint8Array;
  /** Writes event i's value digits (as its payload shows them) into `valueDigits`; returns their length. */
  digitsOf(i: number): number;
  /** True when the mapping publishes this slot (a catalog code or a channel). */
  publishes(slot: number): boolean;
  /** Writes a computed value (mantissa × 10^exponent) into `valueDigits` as a payload shows it; −1: does not fit. */
  digitsOfValue(mantissa: number, exponent: number): number;
  /** Topic of a slot's events (made once per slot, never per telegram). */
  topicOfSlot(slot: number): string;
  /** Writes into `buffer` the very payload `encode(i)` gives for this slot, digits and time; returns its length. */
  encodeStored(slot: number, digits: Uint8Array, digitsStart: number, digitsLength: number, epochSeconds: number, micros: number): number;
}

/** The presence messages and the status, stats and snapshot topics (VSCP profile §7): the VSCP module's PresenceEncoder. */
export type PresenceMessages = Pick<
  PresenceEncoder,
  | "buffer"
  | "statusTopic"
  | "statsTopic"
  | "telegramTopic"
  | "newNodeOnlineTopic"
  | "heartbeatTopic"
  | "level2HeartbeatTopic"
  | "newNodeOnline"
  | "heartbeat"
  | "level2Heartbeat"
>;

/** The per-telegram JSON snapshot (the VSCP module's TelegramSnapshot has this shape). */
export interface SnapshotWriter {
  /** Holds the last snapshot until the next `write`. */
  readonly buffer: Uint8Array;
  write(reading: Reading): number;
}

/**
 * Retained self-description for a consumer such as Home Assistant (modules/ha has this shape): prepared once
 * per connect from the first telegram that follows it, then sent message by message. Never per telegram.
 */
export interface DiscoveryMessages {
  /** Holds the payload of the last `write`. */
  readonly buffer: Uint8Array;
  /** Decides the messages for this session from the telegram's values; returns how many to send (0: none). */
  prepare(reading: Reading): number;
  topicOf(i: number): string;
  /** Writes message i's payload into `buffer`; returns its length (0: an empty retained message, a removal). */
  write(i: number): number;
}

/**
 * A retained message a channel source keeps up to date (the capacity tariff, modules/energy): sent after each
 * connect and whenever it changed, latest only. Written into its own buffer; never allocates.
 */
export interface RetainedMessage {
  readonly topic: string;
  readonly buffer: Uint8Array;
  /** True when the content changed since the last `write`. */
  readonly changed: boolean;
  /** Writes the current content into `buffer` and clears `changed`; returns its length. */
  write(): number;
}
