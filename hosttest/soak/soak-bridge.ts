import { composeBridge, type ComposedBridge } from "../../modules/app/compose";
import type { MqttConnectOptions, MqttLink, MqttLinkEvents } from "../../modules/app/ports";
import { defaultSettings } from "../../modules/config/schema";
import type { PresenceEncoder } from "../../modules/vscp/presence";
import { ManualPorts } from "../xs/bridge-pipeline";
import { MonthMeter, TELEGRAM_PERIOD_S, TELEGRAMS_PER_DAY } from "./month-meter";

// The whole bridge core as the device composes it from its default settings (publish policy "deadband", the
// telegram snapshot on), fed by MonthMeter in UART-sized chunks while a manual clock advances 10 s per telegram.
// Once per simulated day the broker goes away for a few minutes to half an hour (longer than the outbox holds on
// some days). Runs unchanged under Node and inside XS; nothing here allocates per telegram.

const MAC = "24:0A:C4:12:34:56";
/** The meter's telegram reaches the device this long after its own timestamp. */
const ARRIVAL_MS = 1200;
/** When the broker is down each day: minutes after the start of the simulated day, and for how long. */
export function outageStartMinute(day: number): number {
  return 60 + ((day * 317) % (22 * 60));
}
export function outageMinutes(day: number): number {
  return 27 - ((day * 7) % 24);
}

/** Time after the last telegram for the outbox to drain: under the meter-silence limit (60 s); no outage is that late. */
const FINISH_MS = 55_000;

/** How often the broker answers a keep-alive ping (the session's keep-alive is 30 s). */
const PING_ANSWER_MS = 20_000;

const DATE_KEY = '"vscpDateTime":"';

/**
 * A broker that accepts and acknowledges every publish while it is up and goes away when told (its sessions end,
 * connects fail).
 */
export class OutageLink implements MqttLink {
  brokerUp = true;
  connected = false;
  connects = 0;
  refusedConnects = 0;
  sessionsEnded = 0;
  // What arrived, by kind.
  events = 0;
  statusMessages = 0;
  nodeOnline = 0;
  heartbeats = 0;
  stats = 0;
  snapshots = 0;
  /** The retained capacity-tariff message. */
  tariff = 0;
  /** Home Assistant discovery messages (with `haDiscovery` off: the removals, once per boot). */
  discovery = 0;
  /** Telegrams whose events arrived (distinct event times), their first and last time, and times out of order. */
  telegrams = 0;
  firstEventS = -1;
  lastEventS = -1;
  outOfOrder = 0;
  unreadableTimes = 0;

  private listener: MqttLinkEvents | null = null;
  private readonly dateKey = new Uint8Array(DATE_KEY.length);
  private readonly accept: () => void;
  private readonly refuse: () => void;
  private readonly closedError = new Error("closed");
  private readonly pinged = () => {
    if (this.connected) this.listener?.onMqttHeard();
  };
  private pingTimer: unknown = undefined;

  /** Set once the bridge is composed: `{haPrefix}/`, the discovery messages' topics. */
  discoveryPrefix = "\u0000";
  /** Set once the bridge is composed: tells presence messages from events by topic. */
  presence: PresenceEncoder | null = null;

  constructor(private readonly ports: ManualPorts) {
    for (let i = 0; i < DATE_KEY.length; i++) this.dateKey[i] = DATE_KEY.charCodeAt(i);
    this.accept = () => {
      if (this.listener === null) return;
      if (!this.brokerUp) {
        this.refuse();
        return;
      }
      this.connected = true;
      this.connects++;
      this.listener.onMqttConnected();
    };
    this.refuse = () => {
      if (this.listener === null) return;
      this.refusedConnects++;
      this.listener.onMqttDisconnected("connection refused");
    };
  }

  connect(_options: MqttConnectOptions, events: MqttLinkEvents): void {
    this.listener = events;
    this.ports.once(this.accept, 40);
    // The broker answers the keep-alive pings, so a quiet session (the publish policy held every value back) lives.
    if (this.pingTimer === undefined) this.pingTimer = this.ports.repeat(this.pinged, PING_ANSWER_MS);
  }

  publish(topic: string, payload: Uint8Array, offset: number, length: number, _retain: boolean, qos: number, packetId: number): boolean {
    if (!this.connected) throw this.closedError;
    // The broker has it at once: acknowledged during the call (the bridge expects that), so no event is ever in
    // flight at an outage and the broker's count equals the bridge's published count.
    if (qos === 1) this.listener?.onMqttAcknowledged(packetId);
    const p = this.presence!;
    if (topic === p.statusTopic) this.statusMessages++;
    else if (topic === p.newNodeOnlineTopic) this.nodeOnline++;
    else if (topic === p.heartbeatTopic || topic === p.level2HeartbeatTopic) this.heartbeats++;
    else if (topic === p.statsTopic) this.stats++;
    else if (topic === p.telegramTopic) this.snapshots++;
    else if (topic === p.tariffTopic) this.tariff++;
    else if (topic.startsWith(this.discoveryPrefix)) this.discovery++;
    else this.event(payload, offset, length);
    return true;
  }

  close(): void {
    this.connected = false;
    this.listener = null;
  }

  /** The broker goes away (the session ends at once) or comes back. */
  setBrokerUp(up: boolean): void {
    if (up === this.brokerUp) return;
    this.brokerUp = up;
    if (!up && this.connected) {
      this.connected = false;
      this.sessionsEnded++;
      this.listener?.onMqttDisconnected("broker gone");
    }
  }

  /** Reads the event's vscpDateTime: a telegram's events share it, telegrams must arrive in meter-time order. */
  private event(payload: Uint8Array, offset: number, length: number): void {
    this.events++;
    const at = this.find(payload, offset, offset + length);
    const seconds = at < 0 ? -1 : isoSeconds(payload, at);
    if (seconds < 0) {
      this.unreadableTimes++;
      return;
    }
    if (seconds === this.lastEventS) return;
    if (seconds < this.lastEventS) this.outOfOrder++;
    if (this.firstEventS < 0) this.firstEventS = seconds;
    this.lastEventS = seconds;
    this.telegrams++;
  }

  private find(bytes: Uint8Array, start: number, end: number): number {
    const key = this.dateKey;
    const last = end - key.length - 20;
    outer: for (let i = start; i <= last; i++) {
      for (let k = 0; k < key.length; k++) if (bytes[i + k] !== key[k]) continue outer;
      return i + key.length;
    }
    return -1;
  }
}

/** UTC seconds of `YYYY-MM-DDTHH:MM:SS` at `at`, or −1. */
function isoSeconds(b: Uint8Array, at: number): number {
  const year = digits(b, at, 4);
  const month = digits(b, at + 5, 2);
  const day = digits(b, at + 8, 2);
  const hour = digits(b, at + 11, 2);
  const minute = digits(b, at + 14, 2);
  const second = digits(b, at + 17, 2);
  if (year < 0 || month < 1 || day < 1 || hour < 0 || minute < 0 || second < 0) return -1;
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const days = era * 146097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719468;
  return days * 86_400 + hour * 3600 + minute * 60 + second;
}

function digits(b: Uint8Array, at: number, count: number): number {
  let n = 0;
  for (let i = 0; i < count; i++) {
    const d = b[at + i] - 0x30;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

export interface SoakOptions {
  /** Meter time of the first telegram, UTC seconds. */
  startUtcS: number;
  days: number;
  seed?: number;
}

/** Everything the soak accounts for, read at a checkpoint (this allocates; never called per telegram). */
export interface SoakCounts {
  telegramSlots: number;
  sent: {
    good: number;
    damaged: number;
    cut: number;
    noiseBursts: number;
    noiseBytes: number;
    noiseAfterCut: number;
    firstGoodUtcS: number;
    lastGoodUtcS: number;
  };
  framer: { ok: number; crcMismatch: number; truncated: number; garbageBytes: number; overflow: number; hdlc: number; noCrc: number };
  health: {
    telegramsOk: number;
    eventsQueued: number;
    eventsSkipped: number;
    /** Of the events queued: derived values (modules/energy). */
    derivedEvents: number;
    /** Of the events queued: alarm starts and ends (modules/alarm). */
    alarmEvents: number;
    eventsPublished: number;
    queueDepth: number;
    queueDroppedTelegrams: number;
    queueDrops: number;
    queueCapacity: number;
    mqttReconnects: number;
    mqttConnectFailures: number;
    mqttDisconnects: number;
    publishRetries: number;
    portErrors: number;
    internalErrors: number;
    unknownLines: number;
    malformedLines: number;
    timeFromDevice: number;
    timeUnknown: number;
    meterSilences: number;
  };
  link: {
    outages: number;
    sessionsEnded: number;
    connects: number;
    refusedConnects: number;
    events: number;
    telegrams: number;
    firstEventS: number;
    lastEventS: number;
    outOfOrder: number;
    unreadableTimes: number;
    statusMessages: number;
    nodeOnline: number;
    heartbeats: number;
    stats: number;
    snapshots: number;
    tariff: number;
    discovery: number;
  };
}

export class Soak {
  readonly totalSlots: number;
  readonly meter: MonthMeter;
  readonly composed: ComposedBridge;
  readonly link: OutageLink;
  private readonly ports: ManualPorts;
  private slot = 0;
  private outages = 0;
  private chunkRandom: number;

  constructor(options: SoakOptions) {
    this.totalSlots = options.days * TELEGRAMS_PER_DAY;
    this.chunkRandom = (options.seed ?? 7) >>> 0 || 1;
    this.meter = new MonthMeter(options.startUtcS, this.totalSlots, options.seed);
    // The monotonic clock starts 30 s before the first telegram is stamped.
    this.ports = new ManualPorts(options.startUtcS * 1000 - 30_000);
    const ports = this.ports;
    const settings = { ...defaultSettings(), broker: "192.0.2.10", publish: "deadband" as const };
    this.link = new OutageLink(ports);
    this.composed = composeBridge(
      settings,
      { meter: ports, clock: ports, scheduler: ports, mqtt: this.link, network: ports, system: ports },
      {
        mac: MAC,
        report: (problem) => {
          throw new Error(`soak settings: ${problem}`);
        },
        bridge: { random: () => 0.5 },
      },
    );
    this.link.presence = this.composed.presence;
    this.link.discoveryPrefix = `${settings.haPrefix}/`;
    this.composed.bridge.start();
    ports.advanceTo(20_000);
  }

  get done(): number {
    return this.slot;
  }

  /** Feeds up to `count` more telegram slots; returns how many it fed. */
  run(count: number): number {
    const end = Math.min(this.totalSlots, this.slot + count);
    const ports = this.ports;
    const meter = this.meter;
    const link = this.link;
    let fed = 0;
    for (; this.slot < end; this.slot++, fed++) {
      const slot = this.slot;
      const day = Math.floor(slot / TELEGRAMS_PER_DAY);
      const minute = Math.floor(((slot - day * TELEGRAMS_PER_DAY) * TELEGRAM_PERIOD_S) / 60);
      const from = outageStartMinute(day);
      const down = minute >= from && minute < from + outageMinutes(day);
      if (down && link.brokerUp) this.outages++;
      link.setBrokerUp(!down);
      ports.advanceTo(30_000 + slot * TELEGRAM_PERIOD_S * 1000 + ARRIVAL_MS);
      meter.next();
      this.feed(meter.buffer, meter.length);
    }
    return fed;
  }

  /** After the last telegram: the broker stays up until the outbox has drained. */
  finish(): void {
    this.link.setBrokerUp(true);
    this.ports.advanceTo(30_000 + (this.slot - 1) * TELEGRAM_PERIOD_S * 1000 + ARRIVAL_MS + FINISH_MS);
  }

  counts(): SoakCounts {
    const m = this.meter;
    const f = this.composed.bridge.framer.counters;
    const h = this.composed.bridge.refreshHealth();
    const l = this.link;
    return {
      telegramSlots: this.slot,
      sent: {
        good: m.good,
        damaged: m.damaged,
        cut: m.cut,
        noiseBursts: m.noiseBursts,
        noiseBytes: m.noiseBytes,
        noiseAfterCut: m.noiseAfterCut,
        firstGoodUtcS: m.firstGoodUtcS,
        lastGoodUtcS: m.lastGoodUtcS,
      },
      framer: {
        ok: f.ok,
        crcMismatch: f.crcMismatch,
        truncated: f.truncated,
        garbageBytes: f.garbageBytes,
        overflow: f.overflow,
        hdlc: f.hdlc,
        noCrc: f.noCrc,
      },
      health: {
        telegramsOk: h.telegramsOk,
        eventsQueued: h.eventsQueued,
        eventsSkipped: h.eventsSkipped,
        derivedEvents: this.composed.energy.eventsAdded,
        alarmEvents: this.composed.alarms.eventsAdded,
        eventsPublished: h.eventsPublished,
        queueDepth: h.queueDepth,
        queueDroppedTelegrams: h.queueDroppedTelegrams,
        queueDrops: h.queueDrops,
        queueCapacity: h.queueCapacity,
        mqttReconnects: h.mqttReconnects,
        mqttConnectFailures: h.mqttConnectFailures,
        mqttDisconnects: h.mqttDisconnects,
        publishRetries: h.publishRetries,
        portErrors: h.portErrors,
        internalErrors: h.internalErrors,
        unknownLines: h.unknownLines,
        malformedLines: h.malformedLines,
        timeFromDevice: h.timeFromDevice,
        timeUnknown: h.timeUnknown,
        meterSilences: h.meterSilences,
      },
      link: {
        outages: this.outages,
        sessionsEnded: l.sessionsEnded,
        connects: l.connects,
        refusedConnects: l.refusedConnects,
        events: l.events,
        telegrams: l.telegrams,
        firstEventS: l.firstEventS,
        lastEventS: l.lastEventS,
        outOfOrder: l.outOfOrder,
        unreadableTimes: l.unreadableTimes,
        statusMessages: l.statusMessages,
        nodeOnline: l.nodeOnline,
        heartbeats: l.heartbeats,
        stats: l.stats,
        snapshots: l.snapshots,
        tariff: l.tariff,
        discovery: l.discovery,
      },
    };
  }

  /** The bytes in UART-sized chunks of 1–128 bytes. */
  private feed(bytes: Uint8Array, length: number): void {
    const sink = this.ports.sink;
    if (sink === null) throw new Error("the bridge did not start the meter");
    let at = 0;
    while (at < length) {
      let x = this.chunkRandom;
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      this.chunkRandom = x >>> 0;
      const end = Math.min(length, at + 1 + (this.chunkRandom % 128));
      sink.onMeterBytes(bytes, at, end);
      at = end;
    }
  }
}
