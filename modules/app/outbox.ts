/**
 * Store-and-forward queue of encoded messages in one preallocated byte ring, grouped by telegram.
 *
 * Record layout: u16 payload length, u16 topic id, u16 message count of its telegram (on a telegram's first
 * record; 0 on the others), then the payload. A record never wraps: when it does not fit before the end of
 * the ring, a WRAP marker (or fewer than HEADER bytes of slack) sends the reader back to offset 0.
 *
 * A telegram is appended record by record between `beginTelegram` and `commitTelegram`; only committed
 * telegrams are visible to the reader, so a telegram is published whole or not at all. When space runs
 * out the oldest whole telegrams are dropped; a telegram whose first events are already out is never cut.
 */
export const RECORD_HEADER_BYTES = 6;
const WRAP = 0xffff;
const MAX_PAYLOAD = 0xfffe;

export class Outbox {
  readonly capacity: number;
  private readonly ring: Uint8Array;
  private head = 0;
  private tail = 0;
  /** Bytes between head and tail, wrap slack included. */
  private used = 0;
  /** Records of the head telegram still queued when some of it was already taken; 0 at a telegram start. */
  private headRemaining = 0;

  private building = false;
  private buildTail = 0;
  private buildFirst = 0;
  private buildBytes = 0;
  private buildMessages = 0;

  /** Committed messages queued. */
  messages = 0;
  /** Committed telegrams with at least one message queued. */
  telegrams = 0;
  droppedTelegrams = 0;
  droppedMessages = 0;

  /** The record found by `peek`: payload at ring[recordOffset, recordOffset + recordLength). */
  recordOffset = 0;
  recordLength = 0;
  recordTopic = 0;

  constructor(capacityBytes: number) {
    if (!(Number.isInteger(capacityBytes) && capacityBytes >= 256)) throw new RangeError(`outbox capacity ${capacityBytes} must be an integer >= 256`);
    this.capacity = capacityBytes;
    this.ring = new Uint8Array(capacityBytes);
  }

  /** The ring itself, for publishing a peeked record without copying. */
  get bytes(): Uint8Array {
    return this.ring;
  }

  get usedBytes(): number {
    return this.used;
  }

  beginTelegram(): void {
    if (this.building) this.abortTelegram();
    this.building = true;
    this.buildTail = this.tail;
    this.buildBytes = 0;
    this.buildMessages = 0;
  }

  /**
   * Appends one message of the telegram being built, dropping the oldest whole telegrams when needed.
   * Returns false when the telegram cannot fit even with everything older dropped: then the whole
   * telegram is abandoned (nothing of it is kept) and counted as dropped.
   */
  append(topicId: number, payload: Uint8Array, offset: number, length: number): boolean {
    if (!this.building) this.beginTelegram();
    const size = RECORD_HEADER_BYTES + length;
    if (length > MAX_PAYLOAD || size > this.capacity || topicId < 0 || topicId > 0xffff) {
      this.abandon();
      return false;
    }
    const c = this.capacity;
    for (;;) {
      const contiguous = c - this.tail;
      const need = contiguous >= size ? size : contiguous + size;
      if (need <= c - this.used) break;
      if (!this.dropOldest()) {
        this.abandon();
        return false;
      }
    }
    if (c - this.tail < size) {
      if (c - this.tail >= RECORD_HEADER_BYTES) this.writeU16(this.tail, WRAP);
      this.used += c - this.tail;
      this.buildBytes += c - this.tail;
      this.tail = 0;
    }
    const at = this.tail;
    if (this.buildMessages === 0) this.buildFirst = at;
    this.writeU16(at, length);
    this.writeU16(at + 2, topicId);
    this.writeU16(at + 4, 0);
    const ring = this.ring;
    const base = at + RECORD_HEADER_BYTES - offset;
    for (let k = offset, e = offset + length; k < e; k++) ring[base + k] = payload[k]; // no subarray: no allocation
    this.tail = at + size;
    this.used += size;
    this.buildBytes += size;
    this.buildMessages++;
    return true;
  }

  /** Makes the telegram's messages visible to the reader. */
  commitTelegram(): void {
    if (!this.building) return;
    this.building = false;
    if (this.buildMessages === 0) return;
    this.writeU16(this.buildFirst + 4, this.buildMessages);
    this.messages += this.buildMessages;
    this.telegrams++;
  }

  /** Forgets the telegram being built (nothing of it was visible). */
  abortTelegram(): void {
    if (!this.building) return;
    this.building = false;
    this.tail = this.buildTail;
    this.used -= this.buildBytes;
    this.buildBytes = 0;
    this.buildMessages = 0;
    if (this.used === 0) this.head = this.tail = 0;
  }

  /** Finds the oldest committed message; false when there is none. */
  peek(): boolean {
    if (this.messages === 0) return false;
    this.normalizeHead();
    const h = this.head;
    this.recordLength = this.readU16(h);
    this.recordTopic = this.readU16(h + 2);
    this.recordOffset = h + RECORD_HEADER_BYTES;
    return true;
  }

  /** Removes the message `peek` found (after it was published). */
  shift(): void {
    if (this.messages === 0) return;
    this.normalizeHead();
    const h = this.head;
    const size = RECORD_HEADER_BYTES + this.readU16(h);
    const count = this.readU16(h + 4);
    this.head = h + size;
    this.used -= size;
    this.messages--;
    this.headRemaining = count > 0 ? count - 1 : this.headRemaining - 1;
    if (this.headRemaining === 0) this.telegrams--;
    if (this.used === 0 && !this.building) this.head = this.tail = 0;
  }

  /** Empties the queue without counting drops (shutdown). */
  clear(): void {
    this.head = this.tail = this.used = 0;
    this.headRemaining = 0;
    this.building = false;
    this.buildBytes = this.buildMessages = 0;
    this.messages = this.telegrams = 0;
  }

  private abandon(): void {
    const messages = this.buildMessages;
    this.abortTelegram();
    this.droppedTelegrams++;
    this.droppedMessages += messages;
  }

  /** Drops the oldest committed telegram nobody has started to read; false when there is none. */
  private dropOldest(): boolean {
    if (this.headRemaining > 0) return this.dropBehindPartialHead();
    if (this.telegrams === 0) return false;
    this.normalizeHead();
    const n = this.readU16(this.head + 4);
    for (let k = 0; k < n; k++) {
      this.normalizeHead();
      const size = RECORD_HEADER_BYTES + this.readU16(this.head);
      this.head += size;
      this.used -= size;
    }
    this.messages -= n;
    this.telegrams--;
    this.droppedTelegrams++;
    this.droppedMessages += n;
    return true;
  }

  /**
   * The head telegram is partly published: drop the whole telegram(s) right behind it instead, and move the
   * head telegram's remaining records into the end of the freed region so the free space stays contiguous.
   */
  private dropBehindPartialHead(): boolean {
    if (this.telegrams < 2) return false;
    const c = this.capacity;
    // The remaining records of the head telegram: their bytes and the distance they span (slack included).
    let p = this.head;
    let span = 0;
    let remainderBytes = 0;
    for (let k = 0; k < this.headRemaining; k++) {
      const q = this.normalize(p);
      if (q !== p) span += c - p;
      const size = RECORD_HEADER_BYTES + this.readU16(q);
      remainderBytes += size;
      span += size;
      p = q + size;
    }
    // Whole telegrams behind it, until the last contiguous piece of them can take the remainder.
    let droppedTelegrams = 0;
    let droppedMessages = 0;
    let pieceStart = -1;
    let end = p;
    while (droppedTelegrams < this.telegrams - 1) {
      let q = this.normalize(end);
      if (q !== end) {
        span += c - end;
        pieceStart = q;
      }
      if (pieceStart < 0) pieceStart = q;
      const n = this.readU16(q + 4);
      for (let k = 0; k < n; k++) {
        const r = this.normalize(q);
        if (r !== q) {
          span += c - q;
          pieceStart = r;
        }
        const size = RECORD_HEADER_BYTES + this.readU16(r);
        span += size;
        q = r + size;
      }
      end = q;
      droppedTelegrams++;
      droppedMessages += n;
      if (end - pieceStart >= remainderBytes) {
        // Move the remainder (in order) to [end − remainderBytes, end).
        let from = this.head;
        let to = end - remainderBytes;
        const newHead = to;
        for (let k = 0; k < this.headRemaining; k++) {
          from = this.normalize(from);
          const size = RECORD_HEADER_BYTES + this.readU16(from);
          this.ring.copyWithin(to, from, from + size);
          from += size;
          to += size;
        }
        this.head = newHead;
        this.used -= span - remainderBytes;
        this.messages -= droppedMessages;
        this.telegrams -= droppedTelegrams;
        this.droppedTelegrams += droppedTelegrams;
        this.droppedMessages += droppedMessages;
        return true;
      }
    }
    return false;
  }

  private normalizeHead(): void {
    const q = this.normalize(this.head);
    if (q !== this.head) {
      this.used -= this.capacity - this.head;
      this.head = q;
    }
  }

  /** A record position, or 0 when the writer wrapped there. */
  private normalize(p: number): number {
    return this.capacity - p < RECORD_HEADER_BYTES || this.readU16(p) === WRAP ? 0 : p;
  }

  private readU16(at: number): number {
    return (this.ring[at] << 8) | this.ring[at + 1];
  }

  private writeU16(at: number, value: number): void {
    this.ring[at] = value >> 8;
    this.ring[at + 1] = value & 0xff;
  }
}
