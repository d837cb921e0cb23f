/**
 * Store-and-forward queue of whole telegrams in one preallocated byte ring, kept compact: per telegram its event
 * time, per event its catalog slot and value digits. The JSON payload is rendered only when a message is sent
 * (EventEncoder.encodeStored), so a queued event costs a few bytes instead of ~330.
 *
 * Telegram record (big-endian): u16 record bytes, u16 event count, u40 epoch seconds, u24 µs, then per event
 * the slot (one byte below 255, else 0xff and a u16), a u8 digit count and the digits. A record never wraps:
 * when it does not fit before the end of the ring, a WRAP marker (or one byte of slack) sends the reader to 0.
 *
 * A telegram is appended event by event between `beginTelegram` and `commitTelegram`; only committed telegrams
 * are visible to the reader, so a telegram is published whole or not at all. When space runs out the oldest
 * whole telegrams are dropped; a telegram whose first events are already out is never cut.
 *
 * Two cursors walk the queue: the send cursor (`peek`, `markSent`) and, behind it, the release point
 * (`release`, when the broker acknowledged). Events between them are in flight and stay stored; `rewind` moves
 * the send cursor back to the release point after a reconnect so they go out again, first and in order. An
 * event ever sent and not yet released is never dropped: when only such events could make room, the new
 * telegram is refused (counted) instead.
 */
/** Bytes of a telegram record's header (length, count, time). */
export const RECORD_HEADER_BYTES = 12;
/** Bytes an event adds besides its digits (slot below 255, digit count). */
export const EVENT_HEADER_BYTES = 2;
const WRAP = 0xffff;
const MAX_RECORD = 0xfffe;
const WIDE_SLOT = 0xff;
const TWO_POW_32 = 4294967296;
const MAX_SECONDS = 0xffffffffff;

export class Outbox {
  readonly capacity: number;
  private readonly ring: Uint8Array;
  /** Committed records live in [head, tail) around the ring; `used` counts their bytes and any wrap slack. */
  private head = 0;
  private tail = 0;
  private used = 0;
  /** Events of the head telegram already released, and where its next event starts (relative to head). */
  private headTaken = 0;
  private headCursor = RECORD_HEADER_BYTES;
  /** The send cursor: its record (−1: the next one committed), events of it sent, where the next starts. */
  private sendRecord = -1;
  private sendTaken = 0;
  private sendCursor = RECORD_HEADER_BYTES;
  /** Events past the release point ever sent (kept across `rewind`): these are never dropped. */
  private sentAhead = 0;

  private building = false;
  /** The record being built sits at [buildStart, buildStart + buildBytes); `wrapped`: at 0, behind the tail. */
  private buildStart = 0;
  private buildBytes = 0;
  private buildEvents = 0;
  private wrapped = false;

  /** Committed events queued (in flight included: they leave with `release`). */
  messages = 0;
  /** Committed events the send cursor has not passed yet. */
  unsent = 0;
  /** Committed telegrams with at least one event queued. */
  telegrams = 0;
  droppedTelegrams = 0;
  /** Events of dropped telegrams. */
  droppedMessages = 0;

  /** The event found by `peek`: its slot, digits at ring[digitsOffset, digitsOffset + digitsLength), its time. */
  eventSlot = 0;
  digitsOffset = 0;
  digitsLength = 0;
  epochSeconds = 0;
  micros = 0;

  constructor(capacityBytes: number) {
    if (!(Number.isInteger(capacityBytes) && capacityBytes >= 256))
      throw new RangeError(`outbox capacity ${capacityBytes} must be an integer >= 256`);
    this.capacity = capacityBytes;
    this.ring = new Uint8Array(capacityBytes);
  }

  /** The ring itself, for rendering a peeked event's digits without copying. */
  get bytes(): Uint8Array {
    return this.ring;
  }

  /** Bytes held by committed telegrams (wrap slack included). */
  get usedBytes(): number {
    return this.used;
  }

  /**
   * Starts a telegram whose events all carry this time (UTC seconds, µs within the second). Seconds are kept
   * as 0 .. 2^40 − 1 (floored and clamped: the date written from them is the same).
   * Returns false when not even an empty telegram fits (it is then dropped and counted).
   */
  beginTelegram(epochSeconds: number, micros: number): boolean {
    if (this.building) this.abortTelegram();
    this.building = true;
    this.buildEvents = 0;
    this.buildBytes = 0;
    this.wrapped = false;
    this.buildStart = this.telegrams === 0 ? 0 : this.tail;
    if (this.telegrams === 0) this.head = this.tail = 0;
    if (!this.reserve(RECORD_HEADER_BYTES)) {
      this.abandon();
      return false;
    }
    let s = Math.floor(epochSeconds);
    if (!(s >= 0)) s = 0;
    if (s > MAX_SECONDS) s = MAX_SECONDS;
    const high = Math.floor(s / TWO_POW_32);
    let us = Math.floor(micros);
    if (!(us >= 0)) us = 0;
    if (us > 0xffffff) us = 0xffffff;
    const at = this.buildStart;
    this.ring[at + 4] = high;
    this.writeU32(at + 5, s - high * TWO_POW_32);
    this.ring[at + 9] = us >> 16;
    this.writeU16(at + 10, us & 0xffff);
    this.buildBytes = RECORD_HEADER_BYTES;
    return true;
  }

  /**
   * Appends one event of the telegram being built: its slot and value digits source[start, start + length),
   * dropping the oldest whole telegrams when needed. Returns false when the telegram cannot fit even with
   * everything older dropped: then the whole telegram is abandoned (nothing of it is kept) and counted.
   */
  append(slot: number, source: Uint8Array, start: number, length: number): boolean {
    if (!this.building) return false;
    const slotBytes = slot < WIDE_SLOT ? 1 : 3;
    const size = slotBytes + 1 + length;
    if (!(slot >= 0 && slot <= 0xffff && length >= 0 && length <= 0xff) || !this.reserve(size)) {
      this.abandon();
      return false;
    }
    const ring = this.ring;
    let at = this.buildStart + this.buildBytes;
    if (slotBytes === 1) {
      ring[at++] = slot;
    } else {
      ring[at++] = WIDE_SLOT;
      this.writeU16(at, slot);
      at += 2;
    }
    ring[at++] = length;
    for (let k = start, e = start + length; k < e; k++) ring[at++] = source[k]; // no subarray: no allocation
    this.buildBytes += size;
    this.buildEvents++;
    return true;
  }

  /** Makes the telegram visible to the reader; a telegram without events leaves nothing behind. */
  commitTelegram(): void {
    if (!this.building) return;
    this.building = false;
    const events = this.buildEvents;
    if (events === 0) return;
    const c = this.capacity;
    const at = this.buildStart;
    const bytes = this.buildBytes;
    this.writeU16(at, bytes);
    this.writeU16(at + 2, events);
    if (this.telegrams === 0) {
      this.head = at;
      this.used = bytes;
    } else if (this.wrapped) {
      const slack = c - this.tail;
      if (slack >= 2) this.writeU16(this.tail, WRAP);
      this.used += slack + bytes;
    } else {
      this.used += bytes;
    }
    this.tail = at + bytes === c ? 0 : at + bytes;
    this.messages += events;
    this.unsent += events;
    this.telegrams++;
    if (this.sendRecord < 0) this.sendAt(at);
  }

  /** Forgets the telegram being built (nothing of it was visible). */
  abortTelegram(): void {
    this.building = false;
    this.buildEvents = 0;
    this.buildBytes = 0;
  }

  /** Events sent (now or before a rewind) and not released yet. */
  get inFlight(): number {
    return this.messages - this.unsent;
  }

  /** True when the event `peek` finds was sent before (a rewind happened since): it goes out again as a duplicate. */
  get resending(): boolean {
    return this.inFlight < this.sentAhead;
  }

  /** Finds the next event to send; false when there is none. */
  peek(): boolean {
    if (this.unsent === 0) return false;
    const h = this.sendRecord;
    const ring = this.ring;
    this.epochSeconds = ring[h + 4] * TWO_POW_32 + this.readU32(h + 5);
    this.micros = (ring[h + 9] << 16) | this.readU16(h + 10);
    let at = h + this.sendCursor;
    let slot = ring[at++];
    if (slot === WIDE_SLOT) {
      slot = this.readU16(at);
      at += 2;
    }
    this.eventSlot = slot;
    this.digitsLength = ring[at];
    this.digitsOffset = at + 1;
    return true;
  }

  /** Moves the send cursor past the event `peek` found; it stays stored until `release`. */
  markSent(): void {
    if (this.unsent === 0) return;
    const r = this.sendRecord;
    const at = r + this.sendCursor;
    const slotBytes = this.ring[at] === WIDE_SLOT ? 3 : 1;
    this.sendCursor += slotBytes + 1 + this.ring[at + slotBytes];
    this.sendTaken++;
    this.unsent--;
    if (this.inFlight > this.sentAhead) this.sentAhead = this.inFlight;
    if (this.sendTaken < this.readU16(r + 2)) return;
    if (this.unsent === 0) this.sendRecord = -1;
    else this.sendAt(this.normalize(r + this.readU16(r)));
  }

  /** Frees the oldest event in flight (the broker acknowledged it); its record goes with its last event. */
  release(): void {
    if (this.inFlight === 0) return;
    this.freeFirst();
    if (this.sentAhead > 0) this.sentAhead--;
  }

  /** Sends the events in flight again, from the oldest (after a reconnect). */
  rewind(): void {
    this.unsent = this.messages;
    if (this.messages === 0) this.sendRecord = -1;
    else {
      this.sendRecord = this.head;
      this.sendTaken = this.headTaken;
      this.sendCursor = this.headCursor;
    }
  }

  /** Sends and releases at once the event `peek` found (QoS 0: nothing waits for an acknowledgement). */
  shift(): void {
    if (this.unsent === 0) return;
    this.markSent();
    this.release();
  }

  private freeFirst(): void {
    const h = this.head;
    const at = h + this.headCursor;
    const slotBytes = this.ring[at] === WIDE_SLOT ? 3 : 1;
    this.headCursor += slotBytes + 1 + this.ring[at + slotBytes];
    this.headTaken++;
    this.messages--;
    if (this.headTaken === this.readU16(h + 2)) this.freeHead();
  }

  private sendAt(record: number): void {
    this.sendRecord = record;
    this.sendTaken = 0;
    this.sendCursor = RECORD_HEADER_BYTES;
  }

  private sendNowhere(): void {
    this.sendAt(-1);
  }

  /**
   * Makes room for `extra` more bytes of the record being built, right after it: moves it to offset 0 when
   * the end of the ring is too close, drops the oldest whole telegrams when there is no room. False: no room.
   */
  private reserve(extra: number): boolean {
    const c = this.capacity;
    for (;;) {
      const size = this.buildBytes + extra;
      if (size > MAX_RECORD || size > c) return false;
      if (this.telegrams === 0) {
        // Nothing else is queued: only the end of the ring limits the record.
        if (this.buildStart + size <= c) return true;
        this.moveBuildTo0();
        return true;
      }
      const head = this.head;
      const tail = this.tail;
      if (this.wrapped) {
        if (size <= head) return true;
      } else if (head < tail) {
        // Free: [tail, c) and [0, head).
        if (tail + size <= c) return true;
        if (size <= head) {
          this.moveBuildTo0();
          this.wrapped = true;
          return true;
        }
      } else if (tail + size <= head && this.used < c) {
        return true; // free: [tail, head)
      }
      if (!this.dropOldest()) return false;
    }
  }

  private moveBuildTo0(): void {
    if (this.buildStart !== 0) this.ring.copyWithin(0, this.buildStart, this.buildStart + this.buildBytes);
    this.buildStart = 0;
  }

  private abandon(): void {
    const events = this.buildEvents;
    this.abortTelegram();
    this.droppedTelegrams++;
    this.droppedMessages += events;
  }

  /** Frees the head record (taken or dropped) and moves the head to the next one. */
  private freeHead(): void {
    const h = this.head;
    const size = this.readU16(h);
    this.headTaken = 0;
    this.headCursor = RECORD_HEADER_BYTES;
    this.telegrams--;
    if (this.telegrams === 0) {
      this.emptied();
      return;
    }
    this.used -= size;
    const p = h + size;
    const q = this.normalize(p);
    if (q !== p) this.used -= this.capacity - p;
    this.head = q;
  }

  /** Nothing committed is left: everything is free except the record being built, which stays put. */
  private emptied(): void {
    this.used = 0;
    this.wrapped = false;
    this.head = this.tail = this.building ? this.buildStart : 0;
    this.unsent = this.sentAhead = 0;
    this.sendNowhere();
  }

  /**
   * Drops the oldest committed telegram nothing of which was released or ever sent; false when there is none
   * (or only behind events that were sent and wait for their acknowledgement beyond the head telegram).
   */
  private dropOldest(): boolean {
    if (this.telegrams === 0) return false;
    const headEvents = this.readU16(this.head + 2);
    if (this.headTaken > 0 || this.sentAhead > 0) {
      if (this.headTaken + this.sentAhead > headEvents) return false; // sent events behind the head are kept
      return this.dropBehindPartialHead();
    }
    // Nothing of the head was sent: the send cursor is at its start and moves with the head.
    this.messages -= headEvents;
    this.unsent -= headEvents;
    this.droppedTelegrams++;
    this.droppedMessages += headEvents;
    this.freeHead();
    if (this.telegrams > 0) this.sendAt(this.head);
    return true;
  }

  /**
   * The head telegram is partly published: drop the whole telegram right behind it instead, and move the head
   * record forward into the freed bytes so that the free space stays one piece.
   */
  private dropBehindPartialHead(): boolean {
    if (this.telegrams < 2) return false;
    const c = this.capacity;
    const h = this.head;
    const headSize = this.readU16(h);
    let p = h + headSize;
    let span = headSize; // from the head to p, slack included
    let pieceStart = h; // start of the contiguous piece ending at p
    let telegrams = 0;
    let events = 0;
    while (telegrams < this.telegrams - 1) {
      const q = this.normalize(p);
      if (q !== p) {
        span += c - p;
        pieceStart = q;
      }
      const size = this.readU16(q);
      events += this.readU16(q + 2);
      telegrams++;
      span += size;
      p = q + size;
      if (p - pieceStart >= headSize) {
        const to = p - headSize;
        this.ring.copyWithin(to, h, h + headSize);
        this.head = to;
        this.used -= span - headSize;
        this.telegrams -= telegrams;
        this.messages -= events;
        this.unsent -= events; // nothing behind the head was sent
        this.droppedTelegrams += telegrams;
        this.droppedMessages += events;
        // The send cursor was in the head, or at the start of the record after it.
        if (this.sendRecord === h) this.sendRecord = to;
        else if (this.unsent === 0) this.sendNowhere();
        else this.sendAt(this.normalize(p));
        return true;
      }
    }
    return false;
  }

  /** A record position, or 0 when the writer wrapped there. */
  private normalize(p: number): number {
    return this.capacity - p < 2 || this.readU16(p) === WRAP ? 0 : p;
  }

  private readU16(at: number): number {
    return (this.ring[at] << 8) | this.ring[at + 1];
  }

  private writeU16(at: number, value: number): void {
    this.ring[at] = value >> 8;
    this.ring[at + 1] = value & 0xff;
  }

  private readU32(at: number): number {
    const r = this.ring;
    return r[at] * 16777216 + ((r[at + 1] << 16) | (r[at + 2] << 8) | r[at + 3]);
  }

  private writeU32(at: number, value: number): void {
    const r = this.ring;
    r[at] = Math.floor(value / 16777216);
    r[at + 1] = (value >>> 16) & 0xff;
    r[at + 2] = (value >>> 8) & 0xff;
    r[at + 3] = value & 0xff;
  }
}
