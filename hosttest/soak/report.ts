import type { SoakResult } from "./soak-run";

const n = (x: number) => Math.round(x).toLocaleString("en-US");
const iso = (s: number) => (s < 0 ? "none" : new Date(s * 1000).toISOString().replace(".000", ""));

/** The soak's figures as text: what went in, where every telegram went, what it cost, the heap. */
export function formatSoak(r: SoakResult): string {
  const { sent, framer, health: h, link } = r.counts;
  const lines = [
    `telegrams sent      ${n(r.slots)}: ${n(sent.good)} good, ${n(sent.damaged)} with a changed digit, ${n(sent.cut)} cut off; ` +
      `${n(sent.noiseBursts)} bursts of line noise (${n(sent.noiseBytes)} bytes), ${n(sent.noiseAfterCut)} more right after a cut-off telegram`,
    `meter time          ${iso(sent.firstGoodUtcS)} … ${iso(sent.lastGoodUtcS)}`,
    `rejected, counted   CRC ${n(framer.crcMismatch)}, truncated ${n(framer.truncated)}, garbage bytes ${n(framer.garbageBytes)}`,
    `accepted            ${n(h.telegramsOk)} telegrams → ${n(h.eventsQueued)} events queued (${n(h.derivedEvents)} derived, ${n(h.alarmEvents)} alarm), ` +
      `${n(h.eventsSkipped)} held back by the publish policy`,
    `published           ${n(h.eventsPublished)} events of ${n(link.telegrams)} telegrams, in meter-time order (${link.outOfOrder} out of order)`,
    `dropped, counted    ${n(h.queueDrops)} events of ${n(h.queueDroppedTelegrams)} telegrams (outbox ${n(h.queueCapacity)} bytes)`,
    `broker outages      ${link.outages}: ${link.sessionsEnded} sessions ended, ${n(link.refusedConnects)} refused connects, ${h.mqttReconnects} reconnects`,
    `also published      ${n(link.snapshots)} snapshots, ${n(link.stats)} stats, ${n(link.heartbeats)} heartbeats, ` +
      `${link.statusMessages} status, ${link.nodeOnline} new-node-online, ${link.discovery} discovery, ${n(link.tariff)} tariff`,
    `XS compute          ${n(r.computePerTelegram)} per telegram slot (of which making the telegram ${n(r.meterComputePerTelegram)}, ` +
      `so the bridge core ${n(r.computePerTelegram - r.meterComputePerTelegram)})`,
    `XS heap after ${n(r.checkpointSlots)} telegrams: ${n(r.atCheckpoint.heapCount)} slots; live chunks ${n(r.atCheckpoint.chunkBytes)} bytes, ` +
      `live slots ${n(r.atCheckpoint.slotBytes)} bytes`,
    `XS heap at the end:        ${n(r.atEnd.heapCount)} slots; live chunks ${n(r.atEnd.chunkBytes)} bytes, live slots ${n(r.atEnd.slotBytes)} bytes`,
    `wall time           ${r.wallSeconds.toFixed(0)} s`,
    r.problems.length ? `FAILED:\n  ${r.problems.join("\n  ")}` : "every telegram accounted for; the heap did not grow",
  ];
  return `${lines.join("\n")}\n`;
}
