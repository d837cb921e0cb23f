import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_OUTBOX_BYTES, outboxBytesFor } from "../modules/app/defaults";
import { Outbox, RECORD_HEADER_BYTES } from "../modules/app/outbox";

/** Payload of record `index` of telegram `telegram`: identifies itself and carries a checkable pattern. */
function payload(telegram: number, index: number, size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  bytes[0] = telegram >> 8;
  bytes[1] = telegram & 0xff;
  bytes[2] = index;
  for (let i = 3; i < size; i++) bytes[i] = (telegram * 31 + index * 7 + i) & 0xff;
  return bytes;
}

interface Taken {
  telegram: number;
  index: number;
  topic: number;
}

function take(outbox: Outbox, max = Infinity): Taken[] {
  const out: Taken[] = [];
  while (out.length < max && outbox.peek()) {
    const bytes = outbox.bytes.subarray(outbox.recordOffset, outbox.recordOffset + outbox.recordLength);
    const telegram = (bytes[0] << 8) | bytes[1];
    const index = bytes[2];
    expect(Array.from(bytes)).toEqual(Array.from(payload(telegram, index, bytes.length)));
    out.push({ telegram, index, topic: outbox.recordTopic });
    outbox.shift();
  }
  return out;
}

function addTelegram(outbox: Outbox, telegram: number, sizes: readonly number[]): boolean {
  outbox.beginTelegram();
  for (let i = 0; i < sizes.length; i++) {
    if (!outbox.append(100 + i, payload(telegram, i, sizes[i]), 0, sizes[i])) return false;
  }
  outbox.commitTelegram();
  return true;
}

describe("Outbox", () => {
  it("returns messages in order with their topic ids, across many wraps", () => {
    const outbox = new Outbox(1000);
    let next = 0;
    const taken: Taken[] = [];
    for (let t = 0; t < 200; t++) {
      expect(addTelegram(outbox, t, [40 + (t % 7) * 13, 90, 17])).toBe(true);
      if (t % 3 === 2) taken.push(...take(outbox));
    }
    taken.push(...take(outbox));
    for (const m of taken) {
      expect(m.telegram * 3 + m.index).toBe(next++);
      expect(m.topic).toBe(100 + m.index);
    }
    expect(next).toBe(600);
    expect(outbox.droppedTelegrams).toBe(0);
    expect(outbox.usedBytes).toBe(0);
  });

  it("shows nothing of a telegram before it is committed, and nothing at all of an aborted one", () => {
    const outbox = new Outbox(4096);
    outbox.beginTelegram();
    outbox.append(1, payload(1, 0, 50), 0, 50);
    expect(outbox.peek()).toBe(false);
    outbox.abortTelegram();
    expect(outbox.usedBytes).toBe(0);
    addTelegram(outbox, 2, [50, 60]);
    expect(take(outbox).map((m) => m.telegram)).toEqual([2, 2]);
  });

  it("when full, drops the oldest whole telegrams first and counts them", () => {
    const size = 100;
    const telegramBytes = 3 * (size + RECORD_HEADER_BYTES);
    const outbox = new Outbox(telegramBytes * 4 + 10); // four telegrams fit
    for (let t = 0; t < 10; t++) expect(addTelegram(outbox, t, [size, size, size])).toBe(true);
    expect(outbox.droppedTelegrams).toBe(6);
    expect(outbox.droppedMessages).toBe(18);
    expect(outbox.telegrams).toBe(4);
    const taken = take(outbox);
    expect(taken.map((m) => `${m.telegram}.${m.index}`)).toEqual(
      [6, 7, 8, 9].flatMap((t) => [`${t}.0`, `${t}.1`, `${t}.2`]));
  });

  it("never cuts a telegram that is partly taken: the whole telegram behind it is dropped instead", () => {
    const size = 100;
    const outbox = new Outbox(4 * 3 * (size + RECORD_HEADER_BYTES) + 10);
    for (let t = 0; t < 4; t++) addTelegram(outbox, t, [size, size, size]);
    expect(take(outbox, 1).map((m) => m.telegram)).toEqual([0]); // telegram 0 is partly out
    for (let t = 4; t < 7; t++) expect(addTelegram(outbox, t, [size, size, size])).toBe(true);
    const rest = take(outbox).map((m) => `${m.telegram}.${m.index}`);
    expect(rest.slice(0, 2)).toEqual(["0.1", "0.2"]);
    expect(outbox.droppedTelegrams).toBe(3);
    expect(rest.slice(2)).toEqual([4, 5, 6].flatMap((t) => [`${t}.0`, `${t}.1`, `${t}.2`]));
  });

  it("refuses, whole and counted, a telegram larger than the outbox", () => {
    const outbox = new Outbox(1000);
    addTelegram(outbox, 1, [100]);
    expect(addTelegram(outbox, 2, [400, 400, 400])).toBe(false);
    expect(outbox.droppedTelegrams).toBe(2); // telegram 1 made room in vain, then telegram 2 itself
    expect(outbox.messages).toBe(0);
    expect(addTelegram(outbox, 3, [100])).toBe(true);
    expect(take(outbox).map((m) => m.telegram)).toEqual([3]);
  });

  it("under any mix of telegrams and partial takes: order kept, no half telegram, every message accounted for", () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant("telegram" as const), sizes: fc.array(fc.integer({ min: 3, max: 260 }), { minLength: 1, maxLength: 8 }) }),
      fc.record({ kind: fc.constant("take" as const), n: fc.integer({ min: 0, max: 12 }) }),
    );
    fc.assert(fc.property(fc.integer({ min: 300, max: 3000 }), fc.array(op, { maxLength: 120 }), (capacity, ops) => {
      const outbox = new Outbox(capacity);
      const committed = new Map<number, number>();
      let abandonedAppends = 0;
      const taken: Taken[] = [];
      let telegram = 0;
      for (const o of ops) {
        if (o.kind === "telegram") {
          const id = telegram++;
          outbox.beginTelegram();
          let ok = true;
          for (let i = 0; i < o.sizes.length && ok; i++) {
            ok = outbox.append(i, payload(id, i, o.sizes[i]), 0, o.sizes[i]);
            if (!ok) abandonedAppends += i;
          }
          if (ok) {
            outbox.commitTelegram();
            committed.set(id, o.sizes.length);
          }
        } else {
          taken.push(...take(outbox, o.n));
        }
        expect(outbox.usedBytes).toBeGreaterThanOrEqual(0);
        expect(outbox.usedBytes).toBeLessThanOrEqual(capacity);
      }
      taken.push(...take(outbox));
      // In order, and each telegram either complete or absent.
      for (let i = 1; i < taken.length; i++) {
        const a = taken[i - 1], b = taken[i];
        expect(b.telegram > a.telegram || (b.telegram === a.telegram && b.index === a.index + 1)).toBe(true);
      }
      const perTelegram = new Map<number, number>();
      for (const m of taken) perTelegram.set(m.telegram, (perTelegram.get(m.telegram) ?? 0) + 1);
      for (const [id, count] of perTelegram) expect(count).toBe(committed.get(id));
      const committedMessages = [...committed.values()].reduce((a, b) => a + b, 0);
      expect(taken.length + outbox.droppedMessages).toBe(committedMessages + abandonedAppends);
      expect(outbox.messages).toBe(0);
      expect(outbox.telegrams).toBe(0);
      expect(outbox.usedBytes).toBe(0);
    }), { numRuns: 300 });
  });

  it("default capacity holds 10 minutes of Swedish telegrams: 60 × 26 × (350 + 6) bytes, rounded up to KiB", () => {
    expect(DEFAULT_OUTBOX_BYTES).toBe(Math.ceil((60 * 26 * 356) / 1024) * 1024);
    expect(DEFAULT_OUTBOX_BYTES).toBe(556_032);
    expect(outboxBytesFor(1)).toBe(Math.ceil((6 * 26 * 356) / 1024) * 1024);
  });
});
