import { Framer, type FrameSink } from "../p1/framer";
import { ObisCatalog } from "../p1/obis-catalog";
import { TelegramParser, type ParserOptions } from "../p1/parser";
import { Reading } from "../p1/reading";
import { FrameStatus } from "../p1/frame-status";
import { TimeSource } from "../vscp/encoder";
import { STATUS_OFFLINE, STATUS_ONLINE } from "../vscp/presence";
import type { BackoffOptions } from "./backoff";
import { DEFAULT_INFLIGHT_BYTES, DEFAULT_INFLIGHT_EVENTS } from "../config/schema";
import { DEFAULT_OUTBOX_BYTES } from "./outbox-sizing";
import { ChannelQueue, type ChannelSource } from "./channel-queue";
import type { DiscoveryMessages, PresenceMessages, RetainedMessage, SnapshotWriter, StoredEventEncoder } from "./encoder-ports";
import { StatsWriter, createHealthCounters, recordInternalError, type HealthCounters } from "./health";
import { InFlightWindow } from "./in-flight";
import { MqttSession, type SessionListener } from "./mqtt-session";
import { NetworkWatch, type NetworkListener } from "./network-watch";
import { Outbox } from "./outbox";
import { PowerHistory } from "./power-history";
import type {
  Clock,
  DataRequestLine,
  MeterBytesSink,
  MeterSource,
  MqttConnectOptions,
  MqttLink,
  NetworkLink,
  Scheduler,
  SystemPort,
} from "./ports";
import { PublishGate, type PublishPolicy } from "./publish-policy";

/** The outside world, as the firmware, the simulator or a test provides it. */
export interface BridgePorts {
  meter: MeterSource;
  dataRequest?: DataRequestLine;
  clock: Clock;
  scheduler: Scheduler;
  mqtt: MqttLink;
  network: NetworkLink;
  system: SystemPort;
}

/** The VSCP side: per-telegram events, presence/health messages and (optional) the telegram snapshot. */
export interface BridgeEncoders {
  events: StoredEventEncoder;
  presence: PresenceMessages;
  /** Leave out to switch the per-telegram snapshot off. */
  snapshot?: SnapshotWriter;
  /** Retained discovery messages sent after each connect (Home Assistant); leave out for none. */
  discovery?: DiscoveryMessages;
  /** Derived values and alarms, published on the mapping's channel slots; leave out for none. */
  channels?: readonly ChannelSource[];
  /** A channel source's retained message (the capacity tariff): sent after each connect and when it changed. */
  retained?: RetainedMessage;
}

export interface BridgeOptions {
  /** Broker, client id and credentials; the last will (`offline`, retained, on the status topic) is added. */
  mqtt: Omit<MqttConnectOptions, "will">;
  /**
   * QoS for VSCP events (default 1): at 1 an event leaves the outbox only when the broker acknowledged it, and
   * what was in flight at a drop goes out again (a duplicate, at worst); at 0 what is in flight may be lost.
   */
  qos?: number;
  /** QoS 1 events sent and not yet acknowledged, at most (default: defaults.ts, sized for an ESP32 without PSRAM). */
  inFlightEvents?: number;
  /** … and their payload bytes: a new event goes out while fewer are in flight. */
  inFlightBytes?: number;
  /** An event unacknowledged this long means a dead session (default 30 s). */
  ackTimeoutS?: number;
  /** Must be the catalog the encoders were built for. */
  catalog?: ObisCatalog;
  parser?: ParserOptions;
  /** Frame buffer size in bytes (default 4096). */
  frameBytes?: number;
  /** Accept telegrams without CRC (DSMR 2.2/3 meters); off by default. */
  acceptNoCrc?: boolean;
  /** Outbox capacity in bytes (default: 10 minutes of Swedish telegrams, see defaults.ts). */
  outboxBytes?: number;
  heartbeatS?: number;
  statsS?: number;
  /** No valid telegram for this long → meter silent (default 60). */
  meterSilentAfterS?: number;
  /** No network for this long → restart requested (default 15; 0 never). */
  restartAfterNoNetworkMin?: number;
  mqttBackoff?: BackoffOptions;
  networkBackoff?: BackoffOptions;
  connectTimeoutS?: number;
  /** Retry delay after the link refused a publish (send buffer full). */
  publishRetryMs?: number;
  /** Publishes that keep failing this long mean a dead session: it is closed and reconnected. */
  publishStallS?: number;
  /** Messages published per turn before yielding to the event loop. */
  drainBatch?: number;
  /** Publish policy per OBIS code; codes not listed publish every telegram. */
  publishPolicies?: Readonly<Record<string, PublishPolicy>>;
  /** Source of randomness for backoff jitter (tests pass a seeded one). */
  random?: () => number;
  /** Texts masked in `lastInternalError` (the configured passwords); the MQTT password is always added. */
  secrets?: readonly string[];
  /** Points of the status page's power chart; 0 (default) keeps none. */
  historyPoints?: number;
  /** Seconds per chart point (default 10: 360 points hold an hour). */
  historyStepS?: number;
}

const SENT = 0;
const BUSY = 1;
const FAILED = 2;

/**
 * Where an internal error happened (shown in the stats). Constants: a string literal in a timer callback would be
 * evaluated, and in XS copied, on every call.
 */
const AT_DRAIN = "drain";
const AT_WATCHDOG = "watchdog";
const AT_HEARTBEAT = "heartbeat";
const AT_STATS = "stats";
const AT_METER_START = "meter start";
const AT_NETWORK_START = "network start";
const AT_FRAMER = "framer";
const AT_TELEGRAM = "telegram";
const AT_SEND_EVENT = "send event";
const AT_ACKNOWLEDGE = "acknowledge";
const AT_DISCOVERY = "discovery";
const AT_CHANNELS = "channels";
const AT_RETAINED = "retained";

// How a drain of the outbox ended.
const ALL_SENT = 0;
const MORE = 1; // the batch is used up
const REFUSED = 2; // the link refused a publish
const WINDOW_FULL = 3; // waiting for acknowledgements
/** Retained status while the session is up but no valid telegram came for the configured time. */
export const STATUS_METER_SILENT = "meter-silent";

function ascii(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i) & 0x7f;
  return bytes;
}

/**
 * Meter bytes → framer → parser → encoder → outbox → MQTT. Everything it touches outside itself comes in
 * through ports, so every failure can be replayed in a test; no exception leaves it.
 */
export class Bridge implements MeterBytesSink, FrameSink, SessionListener, NetworkListener {
  readonly health: HealthCounters = createHealthCounters();
  readonly catalog: ObisCatalog;
  readonly framer: Framer;
  readonly reading: Reading;
  readonly outbox: Outbox;
  readonly inFlight: InFlightWindow;
  readonly session: MqttSession;
  readonly network: NetworkWatch;
  /** Net active power of the last hour for the status page; undefined when no page shows it. */
  readonly history: PowerHistory | undefined;

  private readonly ports: BridgePorts;
  private readonly events: StoredEventEncoder;
  private readonly presence: PresenceMessages;
  private readonly snapshot: SnapshotWriter | undefined;
  private readonly statsWriter = new StatsWriter();
  private readonly secrets: readonly string[];
  private readonly discovery: DiscoveryMessages | undefined;
  private readonly channelSources: readonly ChannelSource[];
  private readonly channelQueue: ChannelQueue;
  private readonly retained: RetainedMessage | undefined;
  /** The retained message is due (after a connect, or its publish was refused) even if it did not change. */
  private retainedPending = false;
  private readonly parser: TelegramParser;
  private readonly gate: PublishGate;
  private readonly acceptNoCrc: boolean;
  private readonly qos: number;
  private readonly heartbeatMs: number;
  private readonly statsMs: number;
  private readonly silentAfterMs: number;
  private readonly publishRetryMs: number;
  private readonly publishStallMs: number;
  private readonly ackTimeoutMs: number;
  private readonly drainBatch: number;
  /** Topic of each catalog slot (the outbox stores the slot, not the string). */
  private readonly statusOnline = ascii(STATUS_ONLINE);
  private readonly statusOffline = ascii(STATUS_OFFLINE);
  private readonly statusSilent = ascii(STATUS_METER_SILENT);
  private snapshotLength = 0;

  // Latest-only messages waiting for the link.
  private statusPending = false;
  /** A one-time, not retained status message (an update's outcome), sent after the retained status. */
  private notice: Uint8Array | undefined = undefined;
  private nodeOnlinePending = false;
  /** Next heartbeat message to send, or −1 when none is due. */
  private heartbeatNext = -1;
  private statsPending = false;
  private snapshotPending = false;
  /** Discovery: waiting for the first telegram of a session; then the next message to send (−1: none). */
  private discoveryWait = false;
  private discoveryNext = -1;
  private discoveryCount = 0;

  private running = false;
  private draining = false;
  private startedMs = 0;
  private lastTelegramMs = 0;
  private everTelegram = false;
  private failingSinceMs = -1;

  private readonly timers: unknown[] = [];
  private drainTimer: unknown = undefined;
  private meterRetryTimer: unknown = undefined;
  private readonly drainCallback: () => void;
  private readonly watchdogCallback: () => void;
  private readonly heartbeatCallback: () => void;
  private readonly statsCallback: () => void;
  private readonly meterRetryCallback: () => void;

  constructor(ports: BridgePorts, encoders: BridgeEncoders, options: BridgeOptions) {
    this.ports = ports;
    this.events = encoders.events;
    this.presence = encoders.presence;
    this.snapshot = encoders.snapshot;
    this.discovery = encoders.discovery;
    this.catalog = options.catalog ?? new ObisCatalog();
    this.framer = new Framer(this, { capacity: options.frameBytes ?? 4096 });
    this.parser = new TelegramParser(this.catalog, options.parser);
    this.reading = new Reading(this.catalog);
    this.outbox = new Outbox(options.outboxBytes ?? DEFAULT_OUTBOX_BYTES);
    this.gate = new PublishGate(this.catalog, options.publishPolicies);
    this.acceptNoCrc = options.acceptNoCrc ?? false;
    this.qos = options.qos ?? 1;
    if (this.qos !== 0 && this.qos !== 1) throw new RangeError("qos must be 0 or 1");
    this.inFlight = new InFlightWindow(options.inFlightEvents ?? DEFAULT_INFLIGHT_EVENTS, options.inFlightBytes ?? DEFAULT_INFLIGHT_BYTES);
    this.ackTimeoutMs = positive(options.ackTimeoutS ?? 30, "ackTimeoutS") * 1000;
    this.heartbeatMs = positive(options.heartbeatS ?? 60, "heartbeatS") * 1000;
    this.statsMs = positive(options.statsS ?? 60, "statsS") * 1000;
    this.silentAfterMs = positive(options.meterSilentAfterS ?? 60, "meterSilentAfterS") * 1000;
    this.publishRetryMs = positive(options.publishRetryMs ?? 250, "publishRetryMs");
    this.publishStallMs = positive(options.publishStallS ?? 30, "publishStallS") * 1000;
    this.drainBatch = positive(options.drainBatch ?? 64, "drainBatch");
    this.history =
      (options.historyPoints ?? 0) > 0 ? new PowerHistory(this.catalog, options.historyPoints, options.historyStepS) : undefined;
    this.health.queueCapacity = this.outbox.capacity;
    this.channelSources = encoders.channels ?? [];
    this.channelQueue = new ChannelQueue(this.outbox, this.events);
    this.retained = encoders.retained;
    this.secrets = [...(options.secrets ?? []), options.mqtt.password ?? ""].filter((secret) => secret.length > 0);

    const will = { topic: this.presence.statusTopic, payload: STATUS_OFFLINE, retain: true };
    const connectOptions: MqttConnectOptions = { ...options.mqtt, will };
    this.session = new MqttSession(
      ports.mqtt,
      connectOptions,
      ports.clock,
      ports.scheduler,
      ports.system,
      this.health,
      this,
      { backoff: options.mqttBackoff, connectTimeoutMs: (options.connectTimeoutS ?? 30) * 1000 },
      options.random,
    );
    this.network = new NetworkWatch(
      ports.network,
      ports.clock,
      ports.scheduler,
      ports.system,
      this.health,
      this,
      { backoff: options.networkBackoff, restartAfterMinutes: options.restartAfterNoNetworkMin ?? 15 },
      options.random,
    );

    this.drainCallback = () => {
      this.drainTimer = undefined;
      this.guard(this.drain, AT_DRAIN);
    };
    this.watchdogCallback = () => this.guard(this.watchdog, AT_WATCHDOG);
    this.heartbeatCallback = () => this.guard(this.heartbeatDue, AT_HEARTBEAT);
    this.statsCallback = () => this.guard(this.statsDue, AT_STATS);
    this.meterRetryCallback = () => {
      this.meterRetryTimer = undefined;
      this.guard(this.startMeter, AT_METER_START);
    };
  }

  /** Starts reading the meter, joining the network and connecting to the broker. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.startedMs = this.now();
    this.lastTelegramMs = this.startedMs;
    try {
      this.ports.dataRequest?.setActive(true);
    } catch {
      this.health.portErrors++;
    }
    this.startMeter();
    this.repeat(this.watchdogCallback, 1000);
    this.repeat(this.heartbeatCallback, this.heartbeatMs);
    this.repeat(this.statsCallback, this.statsMs);
    this.guard(this.startNetwork, AT_NETWORK_START);
  }

  /** Publishes `text` once on the status topic, not retained (`updated to X`, `rolled back from X: …`). */
  announce(text: string): void {
    this.notice = ascii(text);
    if (this.running && this.session.connected) this.drain();
  }

  /** Stops everything; sends a retained `offline` first when connected. Queued events are kept. */
  stop(): void {
    if (!this.running) return;
    this.running = false;
    if (this.session.connected)
      this.publish(this.presence.statusTopic, this.statusOffline, 0, this.statusOffline.length, true, 0, 0, false);
    for (const timer of this.timers) this.cancel(timer);
    this.timers.length = 0;
    this.cancel(this.drainTimer);
    this.drainTimer = undefined;
    this.cancel(this.meterRetryTimer);
    this.meterRetryTimer = undefined;
    try {
      this.ports.meter.stop();
    } catch {
      this.health.portErrors++;
    }
    try {
      this.ports.dataRequest?.setActive(false);
    } catch {
      this.health.portErrors++;
    }
    this.session.stop();
    this.network.stop();
    // A later start sends what is in flight again first.
    this.releaseSettled();
    this.inFlight.rewind();
    this.outbox.rewind();
    this.health.mqttConnected = false;
    this.health.networkUp = false;
  }

  /** The counters with the port-reported and derived figures brought up to date. */
  refreshHealth(): HealthCounters {
    const h = this.health;
    const f = this.framer.counters;
    const now = this.now();
    h.bytesReceived = f.bytes;
    h.garbageBytes = f.garbageBytes;
    h.crcErrors = f.crcMismatch;
    h.noCrcTelegrams = f.noCrc;
    h.truncated = f.truncated;
    h.overflows = f.overflow;
    h.hdlcFrames = f.hdlc;
    h.queueDepth = this.outbox.messages;
    h.queueBytes = this.outbox.usedBytes;
    h.queueDroppedTelegrams = this.outbox.droppedTelegrams;
    h.queueDrops = this.outbox.droppedMessages;
    h.valuesUnencodable = this.events.valuesSkipped + this.channelQueue.skipped;
    h.uptime = Math.floor((now - this.startedMs) / 1000);
    h.lastTelegramAge = this.everTelegram ? Math.floor((now - this.lastTelegramMs) / 1000) : Number.NaN;
    try {
      h.uartOverruns = this.ports.meter.overruns;
      h.uartFramingErrors = this.ports.meter.framingErrors;
    } catch {
      h.portErrors++;
    }
    try {
      h.freeMemory = this.ports.system.freeMemory();
    } catch {
      h.portErrors++;
    }
    try {
      h.rssi = this.ports.network.rssi();
    } catch {
      h.portErrors++;
    }
    return h;
  }

  // MeterBytesSink
  onMeterBytes(bytes: Uint8Array, start: number, end: number): void {
    if (!this.running) return;
    try {
      this.framer.push(bytes, start, end);
    } catch (error) {
      this.internalError(AT_FRAMER, error);
    }
  }

  // FrameSink
  onFrame(frame: Framer): void {
    try {
      const status = frame.status;
      if (status === FrameStatus.Ok) this.accept(frame);
      else if (status === FrameStatus.NoCrc) {
        if (this.acceptNoCrc) this.accept(frame);
        else this.health.noCrcRejected++;
      }
      // The framer counts the other outcomes itself.
    } catch (error) {
      this.outbox.abortTelegram();
      this.internalError(AT_TELEGRAM, error);
    }
  }

  // SessionListener
  onSessionUp(): void {
    this.statusPending = true;
    this.nodeOnlinePending = true;
    this.failingSinceMs = -1;
    this.discoveryWait = this.discovery !== undefined;
    this.discoveryNext = -1;
    this.retainedPending = this.retained !== undefined;
    this.drain();
  }

  onSessionDown(): void {
    this.cancel(this.drainTimer);
    this.drainTimer = undefined;
    this.discoveryWait = false;
    this.discoveryNext = -1;
    // What is in flight goes out again first in the next session, in order, marked as duplicates.
    this.releaseSettled();
    this.inFlight.rewind();
    this.outbox.rewind();
  }

  onAcknowledged(packetId: number): void {
    try {
      if (!this.inFlight.acknowledge(packetId)) return;
      if (this.draining) return; // the drain releases it when its publish call returns
      this.releaseSettled();
      this.drain();
    } catch (error) {
      this.internalError(AT_ACKNOWLEDGE, error);
    }
  }

  // NetworkListener
  onNetworkChanged(up: boolean): void {
    this.session.setNetwork(up);
  }

  private accept(frame: Framer): void {
    const reading = this.parser.parse(frame.buffer, frame.length, this.reading);
    const h = this.health;
    const c = reading.counters;
    h.unknownLines += c.unknownLines + c.unknownDropped;
    h.malformedLines += c.malformedLines;
    h.unitRejected += c.unitRejected;
    h.valueRejected += c.valueRejected;
    h.duplicateLines += c.duplicateLines;
    const wall = this.ports.clock.wallMs();
    h.telegramsOk++;
    const now = this.now();
    this.lastTelegramMs = now;
    this.everTelegram = true;
    if (h.meterSilent) {
      h.meterSilent = false;
      this.statusPending = true;
      this.log("meter: telegrams again");
    }
    this.enqueue(reading, now, wall);
    this.history?.record(reading, now);
    if (this.discoveryWait) this.prepareDiscovery(reading);
    if (this.snapshot) {
      // Written now (the reading's spans die with the next frame); sent from the writer's own buffer.
      this.snapshotLength = this.snapshot.write(reading);
      this.snapshotPending = this.snapshotLength > 0;
    }
    this.drain();
  }

  /** Once per session, from its first telegram (the header and the values the meter sends). */
  private prepareDiscovery(reading: Reading): void {
    this.discoveryWait = false;
    try {
      this.discoveryCount = this.discovery!.prepare(reading);
      this.discoveryNext = this.discoveryCount > 0 ? 0 : -1;
    } catch (error) {
      this.internalError(AT_DISCOVERY, error);
    }
  }

  /** Sends the discovery messages (retained) before the events they describe; false: stopped for now. */
  private drainDiscovery(): boolean {
    const discovery = this.discovery!;
    for (let budget = this.drainBatch; this.discoveryNext >= 0 && this.discoveryNext < this.discoveryCount; budget--) {
      if (budget <= 0) {
        this.scheduleDrain(0);
        return false;
      }
      let length: number;
      try {
        length = discovery.write(this.discoveryNext);
      } catch (error) {
        this.internalError(AT_DISCOVERY, error);
        this.discoveryNext++;
        continue;
      }
      if (!this.sent(this.publish(discovery.topicOf(this.discoveryNext), discovery.buffer, 0, length, true, 0, 0, false))) return false;
      this.discoveryNext++;
    }
    this.discoveryNext = -1;
    return true;
  }

  /**
   * Queues the telegram's admitted events in the outbox as one group, in compact form (rendered when sent), with
   * the channel sources' events of the same time; the sources see every telegram, whether or not the outbox had room.
   */
  private enqueue(reading: Reading, now: number, wall: number): void {
    const events = this.events;
    const outbox = this.outbox;
    const gate = this.gate;
    gate.discard(); // what a telegram that failed half way admitted
    const count = events.beginTelegram(reading, wall);
    if (events.timeSource === TimeSource.Device) this.health.timeFromDevice++;
    else if (events.timeSource === TimeSource.None) this.health.timeUnknown++;
    let open = outbox.beginTelegram(events.epochSeconds, events.timestampMicros); // false: no room at all, dropped, counted
    let queued = 0;
    let skipped = 0;
    for (let i = 0; open && i < count; i++) {
      const slot = events.slotOf(i);
      if (!gate.admit(slot, reading.canonicalValueOf(slot), now)) {
        skipped++;
        continue;
      }
      const length = events.digitsOf(i);
      if (!outbox.append(slot, events.valueDigits, 0, length))
        open = false; // dropped whole and counted
      else queued++;
    }
    const channels = this.channelQueue;
    channels.open(open);
    const sources = this.channelSources;
    for (let k = 0; k < sources.length; k++) {
      try {
        sources[k].onTelegram(reading, now, channels);
      } catch (error) {
        this.internalError(AT_CHANNELS, error);
      }
    }
    if (channels.groupKept) {
      outbox.commitTelegram();
      gate.confirm();
      this.health.eventsSkipped += skipped;
      this.health.eventsQueued += queued + channels.groupEvents;
    } else {
      gate.discard(); // not queued, so no value of it becomes a reference
    }
    this.health.eventsQueued += channels.flushTimed();
  }

  /** The channel sources' turn between telegrams; their events carry the device clock's time. */
  private tickChannels(now: number): void {
    const sources = this.channelSources;
    if (sources.length === 0) return;
    const channels = this.channelQueue;
    const wall = this.ports.clock.wallMs();
    const ms = wall >= 0 ? wall : 0; // also NaN → 0: the device's best clock, as the events of a telegram
    const seconds = Math.floor(ms / 1000);
    channels.openAt(seconds, Math.floor((ms - seconds * 1000) * 1000));
    for (let k = 0; k < sources.length; k++) {
      try {
        sources[k].onTick(now, this.health.meterSilent, channels);
      } catch (error) {
        this.internalError(AT_CHANNELS, error);
      }
    }
    if (channels.groupKept) {
      this.outbox.commitTelegram();
      this.health.eventsQueued += channels.groupEvents;
    }
    this.health.eventsQueued += channels.flushTimed();
  }

  /** Sends what is due, oldest events first after presence; stops at the first refusal and retries later. */
  private drain(): void {
    if (!this.running || this.draining || !this.session.connected) return;
    this.draining = true;
    try {
      this.drainOnce();
    } finally {
      this.draining = false;
      this.releaseSettled(); // acknowledgements that came during a publish call
    }
  }

  /** Frees the acknowledged events at the front of the window from the outbox, oldest first. */
  private releaseSettled(): void {
    for (let n = this.inFlight.popSettled(); n > 0; n--) this.outbox.release();
  }

  private drainOnce(): void {
    const presence = this.presence;
    const wall = this.ports.clock.wallMs();
    if (this.statusPending) {
      const payload = this.health.meterSilent ? this.statusSilent : this.statusOnline;
      if (!this.sent(this.publish(presence.statusTopic, payload, 0, payload.length, true, 0, 0, false))) return;
      this.statusPending = false;
    }
    if (this.notice && !this.statusPending) {
      if (!this.sent(this.publish(presence.statusTopic, this.notice, 0, this.notice.length, false, 0, 0, false))) return;
      this.notice = undefined;
    }
    if (this.nodeOnlinePending) {
      const length = presence.newNodeOnline(wall);
      if (!this.sent(this.publish(presence.newNodeOnlineTopic, presence.buffer, 0, length, false, 0, 0, false))) return;
      this.nodeOnlinePending = false;
    }
    if (this.heartbeatNext === 0) {
      const length = presence.heartbeat(wall);
      if (!this.sent(this.publish(presence.heartbeatTopic, presence.buffer, 0, length, false, 0, 0, false))) return;
      this.heartbeatNext = 1;
    }
    if (this.heartbeatNext === 1) {
      const length = presence.level2Heartbeat(wall);
      if (!this.sent(this.publish(presence.level2HeartbeatTopic, presence.buffer, 0, length, false, 0, 0, false))) return;
      this.heartbeatNext = -1;
    }
    if (this.statsPending) {
      const length = this.statsWriter.write(this.refreshHealth());
      if (!this.sent(this.publish(presence.statsTopic, this.statsWriter.buffer, 0, length, false, 0, 0, false))) return;
      this.statsPending = false;
    }
    if (this.retained !== undefined && (this.retainedPending || this.retained.changed) && !this.drainRetained(this.retained)) return;
    if (this.discoveryNext >= 0 && !this.drainDiscovery()) return;
    const drained = this.drainEvents();
    if (drained === REFUSED) return; // a retry drains again
    if (drained === MORE) {
      this.scheduleDrain(0); // yield, then go on
      return;
    }
    // All sent, or waiting for acknowledgements (which drain again): the latest snapshot may go now.
    if (this.snapshotPending && this.snapshot) {
      if (!this.sent(this.publish(presence.telegramTopic, this.snapshot.buffer, 0, this.snapshotLength, false, 0, 0, false))) return;
      this.snapshotPending = false;
    }
  }

  /** The latest retained message of a channel source; false: stopped for now (it stays due). */
  private drainRetained(retained: RetainedMessage): boolean {
    this.retainedPending = true;
    let length: number;
    try {
      length = retained.write();
    } catch (error) {
      this.retainedPending = false; // a bug in the writer: not retried in a loop, tried again when it changes
      this.internalError(AT_RETAINED, error);
      return true;
    }
    if (!this.sent(this.publish(retained.topic, retained.buffer, 0, length, true, 0, 0, false))) return false;
    this.retainedPending = false;
    return true;
  }

  /**
   * Publishes queued events, at most one batch: first the ones in flight at the last drop (duplicates), then new
   * ones while the window has room.
   */
  private drainEvents(): number {
    const outbox = this.outbox;
    const events = this.events;
    const window = this.inFlight;
    const qos = this.qos;
    const h = this.health;
    for (let budget = this.drainBatch; budget > 0; budget--) {
      if (!outbox.peek()) return ALL_SENT;
      const resend = window.sent < window.count;
      if (resend && window.resendId === 0) {
        // Acknowledged before the drop, just not released: no need to send it again.
        outbox.markSent();
        window.resent(0);
        continue;
      }
      if (!resend && qos === 1 && !window.hasRoom) return WINDOW_FULL;
      const slot = outbox.eventSlot;
      let length: number;
      try {
        length = events.encodeStored(slot, outbox.bytes, outbox.digitsOffset, outbox.digitsLength, outbox.epochSeconds, outbox.micros);
      } catch (error) {
        // A bug, not a link problem: retrying would stop the queue for good, so this event is given up.
        this.internalError(AT_SEND_EVENT, error);
        if (qos === 0) outbox.shift();
        else {
          if (resend) window.settleResend();
          else window.pushSettled();
          outbox.markSent();
        }
        continue;
      }
      const topic = events.topicOfSlot(slot);
      if (qos === 0) {
        if (!this.sent(this.publish(topic, events.buffer, 0, length, false, 0, 0, false))) return REFUSED;
        outbox.shift();
        h.eventsPublished++;
        continue;
      }
      const now = this.now();
      if (resend) {
        if (!this.sent(this.publish(topic, events.buffer, 0, length, false, 1, window.resendId, true))) return REFUSED;
        window.resent(now);
        outbox.markSent();
        h.redelivered++;
        continue;
      }
      // In the window before the call, so that an acknowledgement arriving during it finds its entry.
      const id = window.push(length, now); // payload bytes: a topic's length would box the string in XS
      if (!this.sent(this.publish(topic, events.buffer, 0, length, false, 1, id, false))) {
        window.unpush();
        return REFUSED;
      }
      outbox.markSent();
      h.eventsPublished++;
    }
    return outbox.unsent > 0 ? MORE : ALL_SENT;
  }

  /** Bookkeeping after one publish; false means stop draining for now. */
  private sent(result: number): boolean {
    if (result === SENT) {
      this.failingSinceMs = -1;
      return this.session.connected;
    }
    const now = this.now();
    if (this.failingSinceMs < 0) this.failingSinceMs = now;
    if (now - this.failingSinceMs >= this.publishStallMs) {
      this.failingSinceMs = -1;
      this.session.drop("publish stalled");
      return false;
    }
    if (this.session.connected) this.scheduleDrain(this.publishRetryMs);
    return false;
  }

  private publish(
    topic: string,
    payload: Uint8Array,
    offset: number,
    length: number,
    retain: boolean,
    qos: number,
    packetId: number,
    duplicate: boolean,
  ): number {
    try {
      if (this.ports.mqtt.publish(topic, payload, offset, length, retain, qos, packetId, duplicate)) return SENT;
      this.health.publishRetries++;
      return BUSY;
    } catch {
      this.health.portErrors++;
      return FAILED;
    }
  }

  private watchdog(): void {
    const now = this.now();
    const h = this.health;
    if (!h.meterSilent && now - this.lastTelegramMs >= this.silentAfterMs) {
      h.meterSilent = true;
      h.meterSilences++;
      this.statusPending = true;
      this.log(`meter: no valid telegram for ${Math.round((now - this.lastTelegramMs) / 1000)} s`);
      this.drain();
    }
    this.tickChannels(now);
    this.session.tick(now);
    this.network.tick(now);
    if (this.session.connected) {
      const waitingSince = this.inFlight.oldestWaitingSinceMs();
      if (now - waitingSince >= this.ackTimeoutMs) {
        this.session.drop(`no acknowledgement for ${Math.round((now - waitingSince) / 1000)} s`);
      }
    }
    if (this.drainTimer === undefined && this.session.connected && (this.outbox.unsent > 0 || this.statusPending)) this.drain();
  }

  private heartbeatDue(): void {
    this.heartbeatNext = 0;
    this.drain();
  }

  private statsDue(): void {
    this.statsPending = true;
    this.drain();
  }

  private startMeter(): void {
    try {
      this.ports.meter.start(this);
    } catch {
      this.health.portErrors++;
      try {
        this.meterRetryTimer = this.ports.scheduler.once(this.meterRetryCallback, 5000);
      } catch {
        this.health.portErrors++;
      }
    }
  }

  private startNetwork(): void {
    this.network.start();
  }

  private scheduleDrain(delayMs: number): void {
    if (this.drainTimer !== undefined) return;
    try {
      this.drainTimer = this.ports.scheduler.once(this.drainCallback, delayMs);
    } catch {
      this.health.portErrors++; // the watchdog drains again within a second
    }
  }

  private repeat(callback: () => void, intervalMs: number): void {
    try {
      this.timers.push(this.ports.scheduler.repeat(callback, intervalMs));
    } catch {
      this.health.portErrors++;
    }
  }

  private cancel(timer: unknown): void {
    if (timer === undefined) return;
    try {
      this.ports.scheduler.cancel(timer);
    } catch {
      this.health.portErrors++;
    }
  }

  private now(): number {
    return this.ports.clock.monotonicMs();
  }

  private log(message: string): void {
    try {
      this.ports.system.log(message);
    } catch {
      this.health.portErrors++;
    }
  }

  /** Runs a callback from a timer or port so that nothing thrown reaches the caller. */
  private guard(step: () => void, where: string): void {
    try {
      step.call(this);
    } catch (error) {
      this.internalError(where, error);
    }
  }

  private internalError(where: string, error: unknown): void {
    try {
      recordInternalError(this.health, where, error, this.secrets);
    } catch {
      this.health.internalErrors++; // even the record failed (no memory): at least the count stays true
    }
  }
}

function positive(value: number, name: string): number {
  if (!(value > 0)) throw new RangeError(`${name} must be > 0`);
  return value;
}
