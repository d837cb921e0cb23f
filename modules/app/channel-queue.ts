import type { Reading } from "../p1/reading";
import type { StoredEventEncoder } from "./encoder-ports";
import type { Outbox } from "./outbox";

/** How a channel source hands its events to the bridge (values exact: mantissa × 10^exponent). */
export interface ChannelEvents {
  /** An event of the group being queued: the telegram's time, or the tick's. */
  add(slot: number, mantissa: number, exponent: number): void;
  /** An event with a time of its own (UTC seconds), e.g. an hour's average at the end of its hour. */
  addAt(epochSeconds: number, slot: number, mantissa: number, exponent: number): void;
}

/**
 * Derives or watches values and publishes them on channel slots (modules/energy, modules/alarm). Called
 * synchronously; must not allocate per call.
 */
export interface ChannelSource {
  /** After an accepted telegram's own events were queued; `add` joins that telegram's group. */
  onTelegram(reading: Reading, nowMs: number, events: ChannelEvents): void;
  /** Every watchdog turn (about once a second), between telegrams; `add` makes a group at the device clock's time. */
  onTick(nowMs: number, meterSilent: boolean, events: ChannelEvents): void;
}

/** Events with a time of their own, at most, per telegram or tick (more are counted as skipped). */
const MAX_TIMED = 16;

/**
 * Puts channel events into the outbox: those of the current group as they come, those with a time of their own
 * afterwards, each as a group of its own. Fixed arrays only.
 */
export class ChannelQueue implements ChannelEvents {
  /** Events left out: digits that do not fit an event, or more timed events than the queue holds. */
  skipped = 0;
  /** Events added to the current group (queued once the bridge commits it). */
  groupEvents = 0;
  /** False once the outbox refused the current group (it was dropped whole and counted there). */
  private groupOpen = false;
  /** A tick's group: opened in the outbox only when its first event comes (an empty group could push out old ones). */
  private pending = false;
  private pendingSeconds = 0;
  private pendingMicros = 0;
  private started = false;
  private readonly timedSeconds = new Float64Array(MAX_TIMED);
  private readonly timedSlot = new Int32Array(MAX_TIMED);
  private readonly timedMantissa = new Float64Array(MAX_TIMED);
  private readonly timedExponent = new Int32Array(MAX_TIMED);
  private timed = 0;

  constructor(
    private readonly outbox: Outbox,
    private readonly encoder: StoredEventEncoder,
  ) {}

  /** The bridge opened a telegram's group (`outbox.beginTelegram` succeeded or not). */
  open(groupOpen: boolean): void {
    this.groupOpen = groupOpen;
    this.pending = false;
    this.started = groupOpen;
    this.groupEvents = 0;
    this.timed = 0;
  }

  /** A group of this time (UTC seconds, µs) is opened if and when an event is added. */
  openAt(epochSeconds: number, micros: number): void {
    this.groupOpen = false;
    this.pending = true;
    this.pendingSeconds = epochSeconds;
    this.pendingMicros = micros;
    this.started = false;
    this.groupEvents = 0;
    this.timed = 0;
  }

  /** True when the group was opened and no `add` made the outbox drop it: it is to be committed. */
  get groupKept(): boolean {
    return this.started && this.groupOpen;
  }

  add(slot: number, mantissa: number, exponent: number): void {
    if (this.pending) {
      this.pending = false;
      this.groupOpen = this.outbox.beginTelegram(this.pendingSeconds, this.pendingMicros);
      this.started = true;
    }
    if (!this.groupOpen) return;
    const length = this.digitsFor(slot, mantissa, exponent);
    if (length < 0) return;
    if (!this.outbox.append(slot, this.encoder.valueDigits, 0, length)) {
      this.groupOpen = false; // the outbox dropped the whole group and counted it
      return;
    }
    this.groupEvents++;
  }

  addAt(epochSeconds: number, slot: number, mantissa: number, exponent: number): void {
    if (this.timed >= MAX_TIMED) {
      this.skipped++;
      return;
    }
    const k = this.timed++;
    this.timedSeconds[k] = epochSeconds;
    this.timedSlot[k] = slot;
    this.timedMantissa[k] = mantissa;
    this.timedExponent[k] = exponent;
  }

  /** Queues the events with their own time, one group each, after the current group was committed; returns how many. */
  flushTimed(): number {
    let queued = 0;
    const outbox = this.outbox;
    for (let k = 0; k < this.timed; k++) {
      const slot = this.timedSlot[k];
      const length = this.digitsFor(slot, this.timedMantissa[k], this.timedExponent[k]);
      if (length < 0) continue;
      if (!outbox.beginTelegram(this.timedSeconds[k], 0)) continue; // dropped and counted by the outbox
      if (!outbox.append(slot, this.encoder.valueDigits, 0, length)) continue;
      outbox.commitTelegram();
      queued++;
    }
    this.timed = 0;
    return queued;
  }

  private digitsFor(slot: number, mantissa: number, exponent: number): number {
    if (!this.encoder.publishes(slot)) return -1; // switched off in the mapping
    const length = this.encoder.digitsOfValue(mantissa, exponent);
    if (length < 0) this.skipped++;
    return length;
  }
}
