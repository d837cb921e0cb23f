/**
 * The QoS 1 events sent and not yet released, oldest first: one entry per event past the outbox's release
 * point, with its packet id, size, send time and whether the broker acknowledged it. Acknowledgements may
 * come in any order; events leave (and the outbox releases them) only from the front, so order is kept.
 * Bounded in events, and in bytes the way TCP bounds a window: a new event goes out while fewer than maxBytes
 * are in flight (so at most one event's bytes beyond it). Preallocated, nothing allocated per event.
 */
export class InFlightWindow {
  readonly maxEvents: number;
  readonly maxBytes: number;
  /** Entries held (each one an outbox event past the release point). */
  count = 0;
  /** Their payload bytes. */
  bytes = 0;
  /** Entries [0, sent) went out in the current session; the rest wait to be sent again. */
  sent = 0;
  private readonly ids: Uint16Array;
  private readonly sizes: Uint32Array;
  private readonly sentAtMs: Float64Array;
  private readonly acked: Uint8Array;
  private first = 0;
  private lastId = 0;

  constructor(maxEvents: number, maxBytes: number) {
    if (!(Number.isInteger(maxEvents) && maxEvents >= 1 && maxEvents <= 65535))
      throw new RangeError(`in-flight window of ${maxEvents} events`);
    if (!(Number.isInteger(maxBytes) && maxBytes >= 1)) throw new RangeError(`in-flight window of ${maxBytes} bytes`);
    this.maxEvents = maxEvents;
    this.maxBytes = maxBytes;
    this.ids = new Uint16Array(maxEvents);
    this.sizes = new Uint32Array(maxEvents);
    this.sentAtMs = new Float64Array(maxEvents);
    this.acked = new Uint8Array(maxEvents);
  }

  /** True when one more event may go out: fewer than maxEvents events and fewer than maxBytes bytes in flight. */
  get hasRoom(): boolean {
    return this.count < this.maxEvents && this.bytes < this.maxBytes;
  }

  /** Adds a new event about to be sent; returns its packet id (1 … 65535, never 0). */
  push(size: number, nowMs: number): number {
    const k = this.slot(this.count);
    const id = this.lastId === 65535 ? 1 : this.lastId + 1;
    this.lastId = id;
    this.ids[k] = id;
    this.sizes[k] = size;
    this.sentAtMs[k] = nowMs;
    this.acked[k] = 0;
    this.count++;
    this.bytes += size;
    this.sent = this.count;
    return id;
  }

  /** Takes back the entry `push` just added (the link refused the publish). */
  unpush(): void {
    if (this.count === 0) return;
    this.count--;
    this.bytes -= this.sizes[this.slot(this.count)];
    if (this.sent > this.count) this.sent = this.count;
  }

  /** Adds an event that will never be sent (it could not be encoded): it leaves with the others, in order. */
  pushSettled(): void {
    const k = this.slot(this.count);
    this.ids[k] = 0;
    this.sizes[k] = 0;
    this.acked[k] = 1;
    this.count++;
    this.sent = this.count;
  }

  /** Packet id of the next entry to send again, or 0 when it needs no resend (acknowledged already). */
  get resendId(): number {
    const k = this.slot(this.sent);
    return this.acked[k] ? 0 : this.ids[k];
  }

  /** The next entry to send again went out (or was skipped as acknowledged). */
  resent(nowMs: number): void {
    this.sentAtMs[this.slot(this.sent)] = nowMs;
    this.sent++;
  }

  /** The next entry to send again will never be sent (it could not be encoded): it leaves with the others. */
  settleResend(): void {
    this.acked[this.slot(this.sent)] = 1;
    this.sent++;
  }

  /** Marks the entry with this packet id acknowledged; false when no entry has it (late, or from another session). */
  acknowledge(id: number): boolean {
    if (id === 0) return false;
    for (let i = 0; i < this.sent; i++) {
      const k = this.slot(i);
      if (this.ids[k] === id && this.acked[k] === 0) {
        this.acked[k] = 1;
        return true;
      }
    }
    return false;
  }

  /** Removes the acknowledged entries at the front that went out in this session; returns how many. */
  popSettled(): number {
    let n = 0;
    while (n < this.sent && this.acked[this.first] === 1) {
      this.bytes -= this.sizes[this.first];
      this.first = this.first + 1 === this.maxEvents ? 0 : this.first + 1;
      n++;
    }
    this.count -= n;
    this.sent -= n;
    return n;
  }

  /** When the oldest unacknowledged entry of this session went out, or NaN when none waits. */
  oldestWaitingSinceMs(): number {
    for (let i = 0; i < this.sent; i++) {
      const k = this.slot(i);
      if (this.acked[k] === 0) return this.sentAtMs[k];
    }
    return Number.NaN;
  }

  /** A new session: every entry not acknowledged is sent again, from the front. */
  rewind(): void {
    this.sent = 0;
  }

  /** Forgets everything (the outbox was cleared). */
  clear(): void {
    this.count = this.bytes = this.sent = 0;
    this.first = 0;
  }

  private slot(i: number): number {
    const k = this.first + i;
    return k >= this.maxEvents ? k - this.maxEvents : k;
  }
}
