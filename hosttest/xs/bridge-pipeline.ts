import { Bridge } from "../../modules/app/bridge";
import { CHANNELS } from "../../modules/app/channels";
import { EnergySource } from "../../modules/energy/energy-source";
import type {
  Clock,
  MeterBytesSink,
  MeterSource,
  MqttConnectOptions,
  MqttLink,
  MqttLinkEvents,
  NetworkLink,
  NetworkLinkEvents,
  Scheduler,
  SystemPort,
} from "../../modules/app/ports";
import { ALARM_CHANNELS } from "../../modules/alarm/channels";
import { AlarmSource } from "../../modules/alarm/source";
import type { ChannelEvents, ChannelSource } from "../../modules/app/channel-queue";
import { defaultSettings } from "../../modules/config/schema";
import type { TariffView } from "../../modules/energy/tariff-view";
import { ObisCatalog } from "../../modules/p1/obis-catalog";
import type { Reading } from "../../modules/p1/reading";
import { EventEncoder } from "../../modules/vscp/encoder";
import { VscpMapping } from "../../modules/vscp/mapping";
import { PresenceEncoder } from "../../modules/vscp/presence";
import type { Pipeline, Recorder } from "./pipeline";

// The whole bridge core as the firmware runs it (meter bytes → framer → parser → encoder → outbox → MQTT link),
// with ports that allocate nothing: a manual clock and timer table, a link that stores nothing but a checksum.

const MAC = "24:0A:C4:12:34:56";
const WALL_BASE_MS = 1_767_225_600_000; // 2026-01-01T00:00:00Z
const TELEGRAM_PERIOD_MS = 10_000;
const TIMERS = 16;
/** Per cycle of telegrams, the first ones arrive while the link refuses every publish (send buffer full). */
const CYCLE_TELEGRAMS = 40;
const REFUSING_TELEGRAMS = 25;
/** Room for about 20 telegrams: every cycle also drops the oldest whole telegrams. */
const OUTBOX_BYTES = 3072;
/**
 * Stats are off here: the stats message goes out once a minute, not per telegram, and this run measures the
 * per-telegram path. Heartbeats stay on.
 */
const STATS_S = 1e9;

/** Clock, scheduler and the meter, network and system ports in one; time moves only when told. */
export class ManualPorts implements Clock, Scheduler, MeterSource, NetworkLink, SystemPort {
  now = 0;
  sink: MeterBytesSink | null = null;
  readonly overruns = 0;
  readonly framingErrors = 0;
  private readonly callbacks: ((() => void) | null)[] = new Array<(() => void) | null>(TIMERS).fill(null);
  private readonly due = new Float64Array(TIMERS);
  private readonly interval = new Float64Array(TIMERS);
  private networkEvents: NetworkLinkEvents | null = null;
  private readonly networkUp: () => void;

  /** `wallBaseMs`: the wall clock (UTC ms) when the monotonic clock reads 0. */
  constructor(private readonly wallBaseMs = WALL_BASE_MS) {
    this.networkUp = () => this.networkEvents?.onNetworkUp();
  }

  monotonicMs(): number {
    return this.now;
  }

  wallMs(): number {
    return this.wallBaseMs + this.now;
  }

  repeat(callback: () => void, intervalMs: number): unknown {
    return this.add(callback, intervalMs, intervalMs);
  }

  once(callback: () => void, delayMs: number): unknown {
    return this.add(callback, delayMs, 0);
  }

  cancel(handle: unknown): void {
    if (typeof handle === "number" && handle >= 0 && handle < TIMERS) this.callbacks[handle] = null;
  }

  /** Runs every timer due up to `targetMs`, in time order, then sets the clock there. */
  advanceTo(targetMs: number): void {
    for (;;) {
      let next = -1;
      for (let i = 0; i < TIMERS; i++) {
        if (this.callbacks[i] !== null && this.due[i] <= targetMs && (next < 0 || this.due[i] < this.due[next])) next = i;
      }
      if (next < 0) break;
      const callback = this.callbacks[next]!;
      if (this.due[next] > this.now) this.now = this.due[next];
      if (this.interval[next] > 0) this.due[next] += this.interval[next];
      else this.callbacks[next] = null;
      callback();
    }
    if (targetMs > this.now) this.now = targetMs;
  }

  start(sink: MeterBytesSink): void {
    this.sink = sink;
  }

  stop(): void {
    this.sink = null;
  }

  connect(events: NetworkLinkEvents): void {
    this.networkEvents = events;
    this.once(this.networkUp, 100);
  }

  disconnect(): void {}

  rssi(): number {
    return -60;
  }

  freeMemory(): number {
    return 50_000;
  }

  restart(): void {}

  log(): void {}

  private add(callback: () => void, delayMs: number, intervalMs: number): number {
    for (let i = 0; i < TIMERS; i++) {
      if (this.callbacks[i] !== null) continue;
      this.callbacks[i] = callback;
      this.due[i] = this.now + delayMs;
      this.interval[i] = intervalMs;
      return i;
    }
    throw new Error("timer table full");
  }
}

/** Acknowledgements of QoS 1 publishes come in one batch this long after the first of them, newest first. */
const ACK_DELAY_MS = 5;
const PING_MS = 20_000;

/**
 * A broker link that connects at once and, while told to, refuses publishes; it keeps a checksum of what it got.
 * It acknowledges QoS 1 publishes late and out of order (a batch, newest first) and answers pings.
 */
class ChecksumLink implements MqttLink {
  refusing = false;
  published = 0;
  refused = 0;
  acknowledged = 0;
  /** Rolling checksum over topics (by index in `topics`) and payload bytes (compared between engines). */
  checksum = 0;
  private events: MqttLinkEvents | null = null;
  private readonly connected: () => void;
  private readonly flush: () => void;
  private readonly ping: () => void;
  private readonly pending = new Uint16Array(1024);
  private pendingCount = 0;
  private flushTimer: unknown = undefined;
  private pingTimer: unknown = undefined;

  constructor(
    private readonly ports: ManualPorts,
    private readonly topics: readonly string[],
  ) {
    this.connected = () => this.events?.onMqttConnected();
    this.flush = () => {
      this.flushTimer = undefined;
      const events = this.events;
      while (this.pendingCount > 0) {
        const id = this.pending[--this.pendingCount];
        this.acknowledged++;
        events?.onMqttAcknowledged(id);
      }
    };
    this.ping = () => this.events?.onMqttHeard();
  }

  connect(_options: MqttConnectOptions, events: MqttLinkEvents): void {
    this.events = events;
    this.ports.once(this.connected, 50);
    if (this.pingTimer === undefined) this.pingTimer = this.ports.repeat(this.ping, PING_MS);
  }

  publish(topic: string, payload: Uint8Array, offset: number, length: number, _retain: boolean, qos: number, packetId: number): boolean {
    if (this.refusing) {
      this.refused++;
      return false;
    }
    if (qos === 1) {
      this.pending[this.pendingCount++] = packetId;
      if (this.flushTimer === undefined) this.flushTimer = this.ports.once(this.flush, ACK_DELAY_MS);
    }
    // Which topic, by identity: reading a string's length or bytes would box it (an allocation in XS).
    let topicIndex = -1;
    for (let i = 0; i < this.topics.length && topicIndex < 0; i++) if (this.topics[i] === topic) topicIndex = i;
    let sum = (this.checksum * 31 + topicIndex) >>> 0;
    for (let i = offset, end = offset + length; i < end; i++) sum = (sum * 31 + payload[i]) >>> 0;
    this.checksum = sum;
    this.published++;
    return true;
  }

  close(): void {
    this.events = null;
  }
}

/**
 * Thresholds the corpus's values cross all the time (a 3 A fuse, a 1 % voltage band, 1 kW import, 100 W export), no
 * minimum duration and no hysteresis: every alarm condition starts and ends again and again.
 */
const FLAPPING_ALARMS = {
  ...defaultSettings(),
  fuseA: 3,
  fuseWarnPct: 50,
  voltBandPct: 1,
  importMaxW: 1000,
  exportMaxW: 100,
  guardPct: 100,
  alarmMinS: 0,
  alarmHystPct: 0,
};

/** A tariff view whose projection is above the peak every other telegram (stands in for the energy source). */
class AlternatingTariff implements TariffView, ChannelSource {
  hourAverageW = 1000;
  hourProjectionW = 1000;
  guardPeakW = 2000;

  onTelegram(_reading: Reading, _nowMs: number, _events: ChannelEvents): void {
    this.hourProjectionW = this.hourProjectionW > 2000 ? 1000 : 3000;
  }

  onTick(): void {}
}

/**
 * Tells the alarm source the meter is silent at every tick, so that the meter-silent alarm starts between two
 * telegrams (in a group at the device clock's time) and ends with the next. The bridge's own silence is not used:
 * its log line on each silence makes a string, which is fine once in a while but not on every telegram.
 */
class SilentBetweenTelegrams implements ChannelSource {
  constructor(private readonly inner: ChannelSource) {}

  onTelegram(reading: Reading, nowMs: number, events: ChannelEvents): void {
    this.inner.onTelegram(reading, nowMs, events);
  }

  onTick(nowMs: number, _meterSilent: boolean, events: ChannelEvents): void {
    this.inner.onTick(nowMs, true, events);
  }
}

/**
 * Feeds meter bytes into a running Bridge; after each complete telegram the clock moves on by the meter's
 * period (timers fire: drain retries, watchdog, heartbeats, stats). In each cycle of 40 telegrams the link
 * refuses publishes during the first 25, so the outbox fills, wraps, drops its oldest telegrams and drains.
 * Events go out at QoS 1: each leaves the outbox when the link acknowledged it (late, out of order).
 */
export class BridgePipeline implements Pipeline {
  frames = 0;
  readonly bridge: Bridge;
  readonly link: ChecksumLink;
  private readonly ports = new ManualPorts();
  private telegramAt = 0;
  private readonly alarms: AlarmSource | undefined;

  /**
   * `sources`: "alarms" runs the alarm source (and a stand-in tariff view) flapping on every telegram; "energy" runs
   * the derived channels and the energy source (net power, hours, capacity tariff and its retained message) with
   * the alarm source at its defaults, as compose.ts wires them; without a store, since the peaks are stored only
   * when the set changes.
   */
  constructor(
    private readonly record: Recorder | null,
    sources: "none" | "alarms" | "energy" = "none",
  ) {
    const catalog = new ObisCatalog();
    const channels = sources === "energy" ? CHANNELS : sources === "alarms" ? ALARM_CHANNELS : [];
    const mapping = new VscpMapping(catalog, { mac: MAC }, channels);
    const presence = new PresenceEncoder(mapping, { nodeName: "P1 XS" });
    const source = sources === "energy" ? new EnergySource(mapping, { topic: presence.tariffTopic }) : undefined;
    const tariff = sources === "alarms" ? new AlternatingTariff() : undefined;
    if (sources === "alarms") this.alarms = new AlarmSource(mapping, FLAPPING_ALARMS, tariff);
    else if (source) this.alarms = new AlarmSource(mapping, defaultSettings(), source);
    let channelSources: ChannelSource[] | undefined;
    if (tariff && this.alarms) channelSources = [tariff, new SilentBetweenTelegrams(this.alarms)];
    else if (source && this.alarms) channelSources = [source, this.alarms];
    this.link = new ChecksumLink(this.ports, [
      ...Array.from({ length: mapping.size }, (_, slot) => mapping.topicOf(slot)),
      presence.statusTopic,
      presence.newNodeOnlineTopic,
      presence.heartbeatTopic,
      presence.level2HeartbeatTopic,
      presence.statsTopic,
      presence.tariffTopic,
    ]);
    const ports = this.ports;
    this.bridge = new Bridge(
      { meter: ports, clock: ports, scheduler: ports, mqtt: this.link, network: ports, system: ports },
      { events: new EventEncoder(mapping), presence, channels: channelSources, retained: source },
      {
        mqtt: { host: "127.0.0.1", port: 1883, clientId: "p1vscp-xs", keepAliveSeconds: 60 },
        catalog,
        outboxBytes: OUTBOX_BYTES,
        publishStallS: 3600,
        statsS: STATS_S,
        random: () => 0.5,
        historyPoints: 360,
      }, // the status page's power chart: recorded per telegram without allocating
    );
    this.alarms?.attach(this.bridge.health);
    this.bridge.start();
    ports.advanceTo(1000); // network up, session connected
  }

  push(bytes: Uint8Array, start: number, end: number): void {
    const sink = this.ports.sink;
    if (sink === null) return;
    sink.onMeterBytes(bytes, start, end);
    const c = this.bridge.framer.counters;
    const frames = c.ok + c.crcMismatch + c.noCrc + c.truncated + c.overflow + c.hdlc;
    if (frames === this.frames) return;
    this.frames = frames;
    this.link.refusing = frames % CYCLE_TELEGRAMS < REFUSING_TELEGRAMS;
    this.telegramAt += TELEGRAM_PERIOD_MS;
    this.ports.advanceTo(this.telegramAt);
    if (this.record !== null) {
      const h = this.bridge.refreshHealth();
      this.record({
        frame: frames,
        published: this.link.published,
        checksum: this.link.checksum,
        queued: h.queueDepth,
        queueBytes: h.queueBytes,
        dropped: h.queueDrops,
        eventsQueued: h.eventsQueued,
        telegramsOk: h.telegramsOk,
        alarms: h.alarms,
        alarmsStarted: this.alarms?.started ?? 0,
      });
    }
  }

  end(): void {
    this.link.refusing = false;
    this.telegramAt += 60_000;
    this.ports.advanceTo(this.telegramAt);
    if (this.record !== null) {
      const h = this.bridge.refreshHealth();
      this.record({
        end: true,
        published: this.link.published,
        acknowledged: this.link.acknowledged,
        checksum: this.link.checksum,
        queued: h.queueDepth,
        dropped: h.queueDrops,
        eventsQueued: h.eventsQueued,
        eventsPublished: h.eventsPublished,
        telegramsOk: h.telegramsOk,
        alarmsStarted: this.alarms?.started ?? 0,
      });
    }
  }
}
