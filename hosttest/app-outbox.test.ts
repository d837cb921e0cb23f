import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_OUTBOX_BYTES, outboxBytesFor, telegramRecordBytes } from "../modules/app/outbox-sizing";
import { EVENT_HEADER_BYTES, Outbox, RECORD_HEADER_BYTES } from "../modules/app/outbox";

/** Value bytes of event `index` of telegram `telegram`: identify themselves and carry a checkable pattern. */
function payload(telegram: number, index: number, size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  bytes[0] = telegram >> 8;
  bytes[1] = telegram & 0xff;
  bytes[2] = index;
  for (let i = 3; i < size; i++) bytes[i] = (telegram * 31 + index * 7 + i) & 0xff;
  return bytes;
}

/** The time each test telegram carries: seconds beyond 2^32 (the record keeps 40 bits), µs from the id. */
const BASE_SECONDS = 5_000_000_000;
const secondsOf = (telegram: number) => BASE_SECONDS + telegram * 10;
const microsOf = (telegram: number) => (telegram * 7919) % 1_000_000;

interface Taken {
  telegram: number;
  index: number;
  topic: number;
}

function take(outbox: Outbox, max = Infinity): Taken[] {
  const out: Taken[] = [];
  while (out.length < max && outbox.peek()) {
    const bytes = outbox.bytes.subarray(outbox.digitsOffset, outbox.digitsOffset + outbox.digitsLength);
    const telegram = (bytes[0] << 8) | bytes[1];
    const index = bytes[2];
    expect(Array.from(bytes)).toEqual(Array.from(payload(telegram, index, bytes.length)));
    expect([outbox.epochSeconds, outbox.micros]).toEqual([secondsOf(telegram), microsOf(telegram)]);
    out.push({ telegram, index, topic: outbox.eventSlot });
    outbox.shift();
  }
  return out;
}

function addTelegram(outbox: Outbox, telegram: number, sizes: readonly number[], slotBase = 100): boolean {
  if (!outbox.beginTelegram(secondsOf(telegram), microsOf(telegram))) return false;
  for (let i = 0; i < sizes.length; i++) {
    if (!outbox.append(slotBase + i, payload(telegram, i, sizes[i]), 0, sizes[i])) return false;
  }
  outbox.commitTelegram();
  return true;
}

/** Bytes a telegram of these digit counts takes in the ring (slots below 255). */
function recordBytes(sizes: readonly number[]): number {
  return RECORD_HEADER_BYTES + sizes.reduce((sum, n) => sum + EVENT_HEADER_BYTES + n, 0);
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
    outbox.beginTelegram(secondsOf(1), microsOf(1));
    outbox.append(1, payload(1, 0, 50), 0, 50);
    expect(outbox.peek()).toBe(false);
    outbox.abortTelegram();
    expect(outbox.usedBytes).toBe(0);
    addTelegram(outbox, 2, [50, 60]);
    expect(take(outbox).map((m) => m.telegram)).toEqual([2, 2]);
  });

  it("when full, drops the oldest whole telegrams first and counts them", () => {
    const size = 100;
    const outbox = new Outbox(recordBytes([size, size, size]) * 4 + 10); // four telegrams fit
    for (let t = 0; t < 10; t++) expect(addTelegram(outbox, t, [size, size, size])).toBe(true);
    expect(outbox.droppedTelegrams).toBe(6);
    expect(outbox.droppedMessages).toBe(18);
    expect(outbox.telegrams).toBe(4);
    const taken = take(outbox);
    expect(taken.map((m) => `${m.telegram}.${m.index}`)).toEqual([6, 7, 8, 9].flatMap((t) => [`${t}.0`, `${t}.1`, `${t}.2`]));
  });

  it("never cuts a telegram that is partly taken: the whole telegram behind it is dropped instead", () => {
    const size = 100;
    const outbox = new Outbox(4 * recordBytes([size, size, size]) + 10);
    for (let t = 0; t < 4; t++) addTelegram(outbox, t, [size, size, size]);
    expect(take(outbox, 1).map((m) => m.telegram)).toEqual([0]); // telegram 0 is partly out
    for (let t = 4; t < 7; t++) expect(addTelegram(outbox, t, [size, size, size])).toBe(true);
    const rest = take(outbox).map((m) => `${m.telegram}.${m.index}`);
    expect(rest.slice(0, 2)).toEqual(["0.1", "0.2"]);
    expect(outbox.droppedTelegrams).toBe(3);
    expect(rest.slice(2)).toEqual([4, 5, 6].flatMap((t) => [`${t}.0`, `${t}.1`, `${t}.2`]));
  });

  it("refuses, whole and counted, a telegram larger than the outbox, without dropping older ones for it", () => {
    const outbox = new Outbox(1000);
    addTelegram(outbox, 1, [100]);
    expect(addTelegram(outbox, 2, [250, 250, 250, 250])).toBe(false); // 1,020 bytes
    expect([outbox.droppedTelegrams, outbox.droppedMessages]).toEqual([1, 3]);
    expect(addTelegram(outbox, 3, [100])).toBe(true);
    expect(take(outbox).map((m) => m.telegram)).toEqual([1, 3]);
  });

  it("drops every older telegram for one that needs the whole ring", () => {
    const outbox = new Outbox(1000);
    addTelegram(outbox, 1, [100]);
    addTelegram(outbox, 2, [100]);
    expect(addTelegram(outbox, 3, [250, 250, 250, 200])).toBe(true); // 970 bytes
    expect([outbox.droppedTelegrams, outbox.droppedMessages]).toEqual([2, 2]);
    expect(take(outbox).map((m) => m.telegram)).toEqual([3, 3, 3, 3]);
  });

  it("under any mix of telegrams and partial takes: order kept, no half telegram, every message accounted for", () => {
    const op = fc.oneof(
      fc.record({
        kind: fc.constant("telegram" as const),
        sizes: fc.array(fc.integer({ min: 3, max: 255 }), { minLength: 1, maxLength: 8 }),
      }),
      fc.record({ kind: fc.constant("take" as const), n: fc.integer({ min: 0, max: 12 }) }),
      fc.record({ kind: fc.constant("abort" as const), sizes: fc.array(fc.integer({ min: 3, max: 255 }), { maxLength: 4 }) }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 300, max: 3000 }), fc.array(op, { maxLength: 120 }), (capacity, ops) => {
        const outbox = new Outbox(capacity);
        const committed = new Map<number, number>();
        let abandonedAppends = 0;
        const taken: Taken[] = [];
        let telegram = 0;
        for (const o of ops) {
          if (o.kind === "telegram") {
            const id = telegram++;
            let ok = outbox.beginTelegram(secondsOf(id), microsOf(id));
            for (let i = 0; i < o.sizes.length && ok; i++) {
              ok = outbox.append(i * 97, payload(id, i, o.sizes[i]), 0, o.sizes[i]); // slots 0..679: both slot widths
              if (!ok) abandonedAppends += i;
            }
            if (ok) {
              outbox.commitTelegram();
              committed.set(id, o.sizes.length);
            }
          } else if (o.kind === "abort") {
            // A telegram the bridge gave up on half way (an exception): nothing of it may show.
            const id = telegram++;
            let ok = outbox.beginTelegram(secondsOf(id), microsOf(id));
            for (let i = 0; i < o.sizes.length && ok; i++) {
              ok = outbox.append(i * 97, payload(id, i, o.sizes[i]), 0, o.sizes[i]);
              if (!ok) abandonedAppends += i;
            }
            outbox.abortTelegram();
          } else {
            taken.push(...take(outbox, o.n));
          }
          expect(outbox.usedBytes).toBeGreaterThanOrEqual(0);
          expect(outbox.usedBytes).toBeLessThanOrEqual(capacity);
        }
        taken.push(...take(outbox));
        // In order, and each telegram either complete or absent.
        for (const m of taken) expect(m.topic).toBe(m.index * 97);
        for (let i = 1; i < taken.length; i++) {
          const a = taken[i - 1],
            b = taken[i];
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
      }),
      { numRuns: 300 },
    );
  });

  it("in flight: sent events stay until released, go out again after a rewind, and are never dropped", () => {
    const op = fc.oneof(
      fc.record({
        kind: fc.constant("telegram" as const),
        sizes: fc.array(fc.integer({ min: 3, max: 120 }), { minLength: 1, maxLength: 8 }),
      }),
      fc.record({ kind: fc.constant("send" as const), n: fc.integer({ min: 0, max: 12 }) }),
      fc.record({ kind: fc.constant("release" as const), n: fc.integer({ min: 0, max: 12 }) }),
      fc.record({ kind: fc.constant("rewind" as const) }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 300, max: 2000 }), fc.array(op, { maxLength: 150 }), (capacity, ops) => {
        const outbox = new Outbox(capacity);
        const committed = new Map<number, number>();
        const key = (m: Taken) => `${m.telegram}.${m.index}`;
        /** Sent and not released, oldest first (what a window would hold). */
        const flying: string[] = [];
        const everSent = new Set<string>();
        const released: string[] = [];
        let telegram = 0;
        let abandonedAppends = 0;
        const send = (n: number) => {
          for (let i = 0; i < n && outbox.peek(); i++) {
            const bytes = outbox.bytes.subarray(outbox.digitsOffset, outbox.digitsOffset + outbox.digitsLength);
            const m = { telegram: (bytes[0] << 8) | bytes[1], index: bytes[2], topic: outbox.eventSlot };
            const k = key(m);
            // A resend is exactly the next event of the flying list; a new send extends it.
            const position = outbox.inFlight;
            if (position < flying.length) {
              expect(outbox.resending).toBe(true);
              expect(k).toBe(flying[position]);
            } else {
              expect(outbox.resending).toBe(false);
              flying.push(k);
            }
            everSent.add(k);
            outbox.markSent();
          }
        };
        for (const o of ops) {
          if (o.kind === "telegram") {
            const id = telegram++;
            let ok = outbox.beginTelegram(secondsOf(id), microsOf(id));
            for (let i = 0; i < o.sizes.length && ok; i++) {
              ok = outbox.append(100 + i, payload(id, i, o.sizes[i]), 0, o.sizes[i]);
              if (!ok) abandonedAppends += i;
            }
            if (ok) {
              outbox.commitTelegram();
              committed.set(id, o.sizes.length);
            }
          } else if (o.kind === "send") {
            send(o.n);
          } else if (o.kind === "release") {
            for (let i = 0; i < o.n && outbox.inFlight > 0; i++) {
              outbox.release();
              released.push(flying.shift()!);
            }
          } else {
            outbox.rewind();
            expect(outbox.unsent).toBe(outbox.messages);
          }
          expect(outbox.inFlight).toBeLessThanOrEqual(flying.length);
          expect(outbox.messages).toBeGreaterThanOrEqual(flying.length);
          expect(outbox.usedBytes).toBeLessThanOrEqual(capacity);
        }
        outbox.rewind();
        send(Infinity);
        while (outbox.inFlight > 0) {
          outbox.release();
          released.push(flying.shift()!);
        }
        expect(outbox.messages).toBe(0);
        // Every event ever sent was released (none dropped), in order, and each telegram is whole or absent.
        for (const k of everSent) expect(released).toContain(k);
        expect(new Set(released).size).toBe(released.length);
        const parsed = released.map((k) => k.split(".").map(Number));
        for (let i = 1; i < parsed.length; i++) {
          const [ta, ia] = parsed[i - 1];
          const [tb, ib] = parsed[i];
          expect(tb > ta || (tb === ta && ib === ia + 1)).toBe(true);
        }
        const perTelegram = new Map<number, number>();
        for (const [t] of parsed) perTelegram.set(t, (perTelegram.get(t) ?? 0) + 1);
        for (const [id, count] of perTelegram) expect(count).toBe(committed.get(id));
        const committedMessages = [...committed.values()].reduce((a, b) => a + b, 0);
        expect(released.length + outbox.droppedMessages).toBe(committedMessages + abandonedAppends);
      }),
      { numRuns: 300 },
    );
  });

  it("keeps each telegram's time exactly: 40-bit seconds, µs; out-of-range times as the date writer clamps them", () => {
    const outbox = new Outbox(1024);
    const times: [number, number, number, number][] = [
      [0, 0, 0, 0],
      [1_734_030_828, 999_999, 1_734_030_828, 999_999],
      [253_402_300_799, 5, 253_402_300_799, 5],
      [2 ** 40 - 1, 1, 2 ** 40 - 1, 1],
      [2 ** 41, 1, 2 ** 40 - 1, 1],
      [-5, -1, 0, 0],
      [Number.NaN, Number.NaN, 0, 0],
      [12.9, 7.6, 12, 7],
    ];
    const digits = new Uint8Array([0x31]);
    for (const [seconds, micros] of times) {
      outbox.beginTelegram(seconds, micros);
      outbox.append(3, digits, 0, 1);
      outbox.commitTelegram();
    }
    const got: [number, number][] = [];
    while (outbox.peek()) {
      got.push([outbox.epochSeconds, outbox.micros]);
      outbox.shift();
    }
    expect(got).toEqual(times.map((t) => [t[2], t[3]]));
  });

  it("stores slots of any width and empty digit runs; refuses, counted, what a record cannot hold", () => {
    const outbox = new Outbox(1024);
    expect(outbox.beginTelegram(1, 0)).toBe(true);
    for (const slot of [0, 254, 255, 256, 65535]) expect(outbox.append(slot, new Uint8Array(0), 0, 0)).toBe(true);
    outbox.commitTelegram();
    expect(outbox.usedBytes).toBe(RECORD_HEADER_BYTES + 2 * 2 + 3 * 4);
    const slots: number[] = [];
    while (outbox.peek()) {
      expect(outbox.digitsLength).toBe(0);
      slots.push(outbox.eventSlot);
      outbox.shift();
    }
    expect(slots).toEqual([0, 254, 255, 256, 65535]);
    outbox.beginTelegram(2, 0);
    outbox.append(1, new Uint8Array(1), 0, 1);
    expect(outbox.append(65536, new Uint8Array(1), 0, 1)).toBe(false);
    expect(outbox.append(2, new Uint8Array(1), 0, 1)).toBe(false); // the telegram is gone
    outbox.commitTelegram();
    expect([outbox.messages, outbox.droppedTelegrams, outbox.droppedMessages]).toEqual([0, 1, 1]);
    outbox.beginTelegram(3, 0);
    expect(outbox.append(1, new Uint8Array(300), 0, 256)).toBe(false);
    expect(outbox.droppedTelegrams).toBe(2);
  });

  it("a telegram with no events admitted leaves nothing behind", () => {
    const outbox = new Outbox(512);
    addTelegram(outbox, 1, [5]);
    outbox.beginTelegram(2, 0);
    outbox.commitTelegram();
    expect([outbox.telegrams, outbox.messages]).toEqual([1, 1]);
    expect(take(outbox).map((m) => m.telegram)).toEqual([1]);
    expect(outbox.usedBytes).toBe(0);
  });

  it("default capacity holds 10 minutes of Swedish telegrams: 61 × (12 + 26 × (2 + 8)) bytes, rounded up to KiB", () => {
    expect(telegramRecordBytes()).toBe(272);
    expect(DEFAULT_OUTBOX_BYTES).toBe(Math.ceil((61 * 272) / 1024) * 1024);
    expect(DEFAULT_OUTBOX_BYTES).toBe(17_408);
    expect(outboxBytesFor(1)).toBe(Math.ceil((7 * 272) / 1024) * 1024);
  });

  it("the default capacity takes 61 budget-sized telegrams back to back without a drop, across the ring's end", () => {
    const outbox = new Outbox(DEFAULT_OUTBOX_BYTES);
    const sizes = new Array<number>(26).fill(8);
    // Start half way round, so that the 61 telegrams wrap.
    for (let t = 0; t < 30; t++) addTelegram(outbox, t, sizes);
    take(outbox);
    for (let t = 30; t < 91; t++) expect(addTelegram(outbox, t, sizes), `telegram ${t}`).toBe(true);
    expect([outbox.droppedTelegrams, outbox.telegrams]).toEqual([0, 61]);
    expect(take(outbox).length).toBe(61 * 26);
  });
});
