import { fileURLToPath } from "node:url";
import { XsWorker, type LiveMemory } from "../xs/xs-worker";
import { TELEGRAMS_PER_DAY, VALUES_PER_TELEGRAM } from "./month-meter";
import type { SoakCounts } from "./soak-bridge";

// Drives the soak inside XS (hosttest/soak/soak-entry.ts) an hour of meter time per command, and checks that
// every telegram is accounted for. @agoric/xsnap needs SES lockdown: import "@endo/init" before this module.

const ENTRY = fileURLToPath(new URL("./soak-entry.ts", import.meta.url));
const SLOTS_PER_COMMAND = 360;

/** 2027-10-17 00:00 UTC: thirty days from here cross hours, days, October → November and the end of summer time (31 Oct). */
export const MONTH_START_UTC_S = Date.UTC(2027, 9, 17) / 1000;
/** 2027-10-31 00:00 UTC: one day with the end of summer time (01:00 UTC) and the end of the month (23:00 UTC). */
export const DAY_START_UTC_S = Date.UTC(2027, 9, 31) / 1000;

export interface SoakRunOptions {
  startUtcS: number;
  days: number;
  /** Telegram slots after which the heap is first measured (default: one day, or a quarter of a one-day run). */
  checkpointSlots?: number;
  onProgress?: (slotsDone: number, slots: number) => void;
}

export interface HeapFigures extends LiveMemory {
  /** XS heap slots in use after a collection (xsnap's meter). */
  heapCount: number;
}

export interface SoakResult {
  slots: number;
  counts: SoakCounts;
  /** XS compute per telegram slot: the whole step (meter, chunks, bridge), and the meter's share alone. */
  computePerTelegram: number;
  meterComputePerTelegram: number;
  checkpointSlots: number;
  atCheckpoint: HeapFigures;
  atEnd: HeapFigures;
  wallSeconds: number;
  /** Accounting and memory problems; empty when the run is clean. */
  problems: string[];
}

/** Everything that must hold at the end of a soak; one line per broken rule. */
export function accountingProblems(c: SoakCounts, slots: number, days: number): string[] {
  const problems: string[] = [];
  const rule = (ok: boolean, text: string) => {
    if (!ok) problems.push(text);
  };
  const s = c.sent;
  const f = c.framer;
  const h = c.health;
  const l = c.link;
  rule(c.telegramSlots === slots, `ran ${c.telegramSlots} telegram slots of ${slots}`);
  rule(s.good + s.damaged + s.cut === slots, `sent ${s.good} good + ${s.damaged} damaged + ${s.cut} cut ≠ ${slots} slots`);
  rule(f.ok === s.good && h.telegramsOk === s.good, `framer ok ${f.ok}, bridge accepted ${h.telegramsOk}, good sent ${s.good}`);
  rule(f.crcMismatch === s.damaged, `CRC errors counted ${f.crcMismatch}, damaged sent ${s.damaged}`);
  rule(f.truncated === s.cut, `truncated counted ${f.truncated}, cut sent ${s.cut}`);
  rule(f.garbageBytes === s.noiseBytes, `garbage bytes counted ${f.garbageBytes}, noise sent ${s.noiseBytes}`);
  rule(f.overflow === 0 && f.hdlc === 0 && f.noCrc === 0, `unexpected frames: overflow ${f.overflow}, hdlc ${f.hdlc}, no CRC ${f.noCrc}`);
  rule(
    h.eventsQueued + h.eventsSkipped === VALUES_PER_TELEGRAM * s.good + h.derivedEvents + h.alarmEvents,
    `events queued ${h.eventsQueued} + held back by the policy ${h.eventsSkipped} ≠ ${VALUES_PER_TELEGRAM} × ${s.good} good telegrams` +
      ` + ${h.derivedEvents} derived + ${h.alarmEvents} alarm`,
  );
  rule(h.queueDepth === 0, `${h.queueDepth} events still queued at the end`);
  rule(
    h.eventsQueued === h.eventsPublished + h.queueDrops,
    `events queued ${h.eventsQueued} ≠ published ${h.eventsPublished} + dropped ${h.queueDrops}`,
  );
  rule(l.events === h.eventsPublished, `the broker got ${l.events} events, the bridge counted ${h.eventsPublished} published`);
  rule(
    l.telegrams + h.queueDroppedTelegrams === s.good,
    `telegrams at the broker ${l.telegrams} + dropped ${h.queueDroppedTelegrams} ≠ ${s.good} good telegrams`,
  );
  rule(l.outOfOrder === 0 && l.unreadableTimes === 0, `event times out of order ${l.outOfOrder}, unreadable ${l.unreadableTimes}`);
  rule(
    l.firstEventS === s.firstGoodUtcS && l.lastEventS === s.lastGoodUtcS,
    `event times ${l.firstEventS}…${l.lastEventS}, good telegrams' meter times ${s.firstGoodUtcS}…${s.lastGoodUtcS}`,
  );
  rule(l.outages === days && l.sessionsEnded === days, `${l.outages} outages and ${l.sessionsEnded} sessions ended in ${days} days`);
  rule(h.mqttReconnects === days, `${h.mqttReconnects} reconnects after ${days} outages`);
  rule(h.internalErrors === 0 && h.portErrors === 0, `internal errors ${h.internalErrors}, port errors ${h.portErrors}`);
  rule(h.meterSilences === 0, `the meter went silent ${h.meterSilences} times`);
  rule(h.timeFromDevice === 0 && h.timeUnknown === 0, `telegrams without a valid meter clock: ${h.timeFromDevice + h.timeUnknown}`);
  rule(l.snapshots > 0 && l.stats > 0 && l.heartbeats > 0, `snapshots ${l.snapshots}, stats ${l.stats}, heartbeats ${l.heartbeats}`);
  rule(h.derivedEvents > 0 && l.tariff > 0, `derived events ${h.derivedEvents}, tariff messages ${l.tariff}`);
  return problems;
}

async function heap(xs: XsWorker): Promise<HeapFigures> {
  const { heapCount } = await xs.request({ op: "gc" });
  return { heapCount, ...(await xs.liveMemory()) };
}

export async function runSoak(options: SoakRunOptions): Promise<SoakResult> {
  const started = Date.now();
  const slots = options.days * TELEGRAMS_PER_DAY;
  const checkpointSlots = options.checkpointSlots ?? (options.days > 1 ? TELEGRAMS_PER_DAY : TELEGRAMS_PER_DAY / 4);
  const xs = await XsWorker.start(ENTRY);
  try {
    const meterAlone = await xs.request({ op: "meter", count: SLOTS_PER_COMMAND });
    const meterEmpty = await xs.request({ op: "meter", count: 0 });
    await xs.request({ op: "start", options: { startUtcS: options.startUtcS, days: options.days } });
    let done = 0;
    let compute = 0;
    let atCheckpoint: HeapFigures | null = null;
    while (done < slots) {
      const count = Math.min(SLOTS_PER_COMMAND, slots - done, done < checkpointSlots ? checkpointSlots - done : slots);
      compute += (await xs.request({ op: "run", count })).compute;
      done += count;
      if (done === checkpointSlots) atCheckpoint = await heap(xs);
      options.onProgress?.(done, slots);
    }
    await xs.request({ op: "finish" });
    const atEnd = await heap(xs);
    const counts = JSON.parse((await xs.request({ op: "counts" })).value) as SoakCounts;
    const problems = accountingProblems(counts, slots, options.days);
    if (!atCheckpoint) problems.push(`no checkpoint: ${checkpointSlots} slots of ${slots}`);
    else {
      for (const key of ["heapCount", "chunkBytes", "slotBytes"] as const) {
        if (atEnd[key] !== atCheckpoint[key])
          problems.push(`${key} ${atCheckpoint[key]} after ${checkpointSlots} telegrams, ${atEnd[key]} at the end`);
      }
    }
    return {
      slots,
      counts,
      computePerTelegram: compute / slots,
      meterComputePerTelegram: (meterAlone.compute - meterEmpty.compute) / SLOTS_PER_COMMAND,
      checkpointSlots,
      atCheckpoint: atCheckpoint ?? atEnd,
      atEnd,
      wallSeconds: (Date.now() - started) / 1000,
      problems,
    };
  } finally {
    await xs.close();
  }
}
