import { Framer, type FrameSink } from "../p1/framer";
import { ObisCatalog } from "../p1/obis-catalog";
import { TelegramParser, type ParserOptions } from "../p1/parser";
import { Reading } from "../p1/reading";
import { FrameStatus } from "../p1/status";
import { TimeStatus } from "../p1/meter-time";
import type { BackoffOptions } from "./backoff";
import { DEFAULT_OUTBOX_BYTES } from "./defaults";
import type { PresenceMessages, SnapshotWriter, StoredEventEncoder } from "./encoders";
import { HealthCounters, emptyStats, fillStats, type BridgeStats } from "./health";
import { MqttSession, type SessionListener } from "./mqtt-session";
import { NetworkWatch, type NetworkListener } from "./network-watch";
import { Outbox } from "./outbox";
import type {
  Clock, DataRequestLine, MeterBytesSink, MeterSource, MqttConnectOptions, MqttLink, NetworkLink, Scheduler, SystemPort,
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
}

export interface BridgeOptions {
  /** Broker, client id and credentials; the last will (`offline`, retained, on the status topic) is added. */
  mqtt: Omit<MqttConnectOptions, "will">;
  /** QoS for VSCP events (0 or 1). */
  qos?: number;
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
}

const SENT = 0;
const BUSY = 1;
const FAILED = 2;

const STATUS_ONLINE = "online";
const STATUS_OFFLINE = "offline";
/** Retained status while the session is up but no valid telegram came for the configured time. */
export const STATUS_METER_SILENT = "meter-silent";
/** A device clock before 2020 is not set yet. */
const MIN_DEVICE_MS = 1_577_836_800_000;

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
  readonly health = new HealthCounters();
  readonly catalog: ObisCatalog;
  readonly framer: Framer;
  readonly reading: Reading;
  readonly outbox: Outbox;
  readonly session: MqttSession;
  readonly network: NetworkWatch;

  private readonly ports: BridgePorts;
  private readonly events: StoredEventEncoder;
  private readonly presence: PresenceMessages;
  private readonly snapshot: SnapshotWriter | undefined;
  private readonly stats: BridgeStats = emptyStats();
  private readonly parser: TelegramParser;
  private readonly gate: PublishGate;
  private readonly acceptNoCrc: boolean;
  private readonly qos: number;
  private readonly heartbeatMs: number;
  private readonly statsMs: number;
  private readonly silentAfterMs: number;
  private readonly publishRetryMs: number;
  private readonly publishStallMs: number;
  private readonly drainBatch: number;
  /** Topic of each catalog slot (the outbox stores the slot, not the string). */
  private readonly topics: string[];
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
    this.catalog = options.catalog ?? new ObisCatalog();
    this.framer = new Framer(this, { capacity: options.frameBytes ?? 4096 });
    this.parser = new TelegramParser(this.catalog, options.parser);
    this.reading = new Reading(this.catalog);
    this.outbox = new Outbox(options.outboxBytes ?? DEFAULT_OUTBOX_BYTES);
    this.gate = new PublishGate(this.catalog, options.publishPolicies);
    this.acceptNoCrc = options.acceptNoCrc ?? false;
    this.qos = options.qos ?? 0;
    this.heartbeatMs = positive(options.heartbeatS ?? 60, "heartbeatS") * 1000;
    this.statsMs = positive(options.statsS ?? 60, "statsS") * 1000;
    this.silentAfterMs = positive(options.meterSilentAfterS ?? 60, "meterSilentAfterS") * 1000;
    this.publishRetryMs = positive(options.publishRetryMs ?? 250, "publishRetryMs");
    this.publishStallMs = positive(options.publishStallS ?? 30, "publishStallS") * 1000;
    this.drainBatch = positive(options.drainBatch ?? 64, "drainBatch");
    this.topics = new Array<string>(this.catalog.size).fill("");
    this.health.outboxCapacity = this.outbox.capacity;

    const will = { topic: this.presence.statusTopic, payload: STATUS_OFFLINE, retain: true };
    const connectOptions: MqttConnectOptions = { ...options.mqtt, will };
    this.session = new MqttSession(ports.mqtt, connectOptions, ports.clock, ports.scheduler, ports.system, this.health, this,
      { backoff: options.mqttBackoff, connectTimeoutMs: (options.connectTimeoutS ?? 30) * 1000 }, options.random);
    this.network = new NetworkWatch(ports.network, ports.clock, ports.scheduler, ports.system, this.health, this,
      { backoff: options.networkBackoff, restartAfterMinutes: options.restartAfterNoNetworkMin ?? 15 }, options.random);

    this.drainCallback = () => {
      this.drainTimer = undefined;
      this.guard(this.drain);
    };
    this.watchdogCallback = () => this.guard(this.watchdog);
    this.heartbeatCallback = () => this.guard(this.heartbeatDue);
    this.statsCallback = () => this.guard(this.statsDue);
    this.meterRetryCallback = () => {
      this.meterRetryTimer = undefined;
      this.guard(this.startMeter);
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
    this.guard(this.startNetwork);
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
    if (this.session.connected) this.publish(this.presence.statusTopic, this.statusOffline, 0, this.statusOffline.length, true, 0);
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
    this.health.mqttConnected = false;
    this.health.networkUp = false;
  }

  /** The counters with the port-reported and derived figures brought up to date. */
  refreshHealth(): HealthCounters {
    const h = this.health;
    const f = this.framer.counters;
    const now = this.now();
    h.bytes = f.bytes;
    h.garbageBytes = f.garbageBytes;
    h.crcErrors = f.crcMismatch;
    h.noCrcTelegrams = f.noCrc;
    h.truncated = f.truncated;
    h.overflow = f.overflow;
    h.hdlcFrames = f.hdlc;
    h.outboxDepth = this.outbox.messages;
    h.outboxBytes = this.outbox.usedBytes;
    h.outboxDroppedTelegrams = this.outbox.droppedTelegrams;
    h.outboxDroppedEvents = this.outbox.droppedMessages;
    h.uptimeS = Math.floor((now - this.startedMs) / 1000);
    h.lastTelegramAgeS = this.everTelegram ? Math.floor((now - this.lastTelegramMs) / 1000) : -1;
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
    } catch {
      this.health.internalErrors++;
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
    } catch {
      this.outbox.abortTelegram();
      this.health.internalErrors++;
    }
  }

  // SessionListener
  onSessionUp(): void {
    this.statusPending = true;
    this.nodeOnlinePending = true;
    this.failingSinceMs = -1;
    this.drain();
  }

  onSessionDown(): void {
    this.cancel(this.drainTimer);
    this.drainTimer = undefined;
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
    if (reading.time.status !== TimeStatus.Valid) {
      if (wall >= MIN_DEVICE_MS) h.timeFromDevice++;
      else h.timeUnknown++;
    }
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
    if (this.snapshot) {
      // Written now (the reading's spans die with the next frame); sent from the writer's own buffer.
      this.snapshotLength = this.snapshot.write(reading);
      this.snapshotPending = this.snapshotLength > 0;
    }
    this.drain();
  }

  /** Queues the telegram's admitted events in the outbox as one group, in compact form (rendered when sent). */
  private enqueue(reading: Reading, now: number, wall: number): void {
    const events = this.events;
    const outbox = this.outbox;
    const count = events.beginTelegram(reading, wall);
    if (!outbox.beginTelegram(events.epochSeconds, events.timestampMicros)) return; // no room at all: dropped, counted
    let queued = 0;
    for (let i = 0; i < count; i++) {
      const slot = events.slotOf(i);
      if (!this.gate.admit(slot, reading.canonicalValueOf(slot), now)) {
        this.health.eventsSkipped++;
        continue;
      }
      const length = events.digitsOf(i);
      this.topics[slot] = events.topicOf(i);
      if (!outbox.append(slot, events.valueDigits, 0, length)) return; // could not fit: dropped whole, counted
      queued++;
    }
    outbox.commitTelegram();
    this.health.eventsQueued += queued;
  }

  /** Sends what is due, oldest events first after presence; stops at the first refusal and retries later. */
  private drain(): void {
    if (!this.running || this.draining || !this.session.connected) return;
    this.draining = true;
    try {
      this.drainOnce();
    } finally {
      this.draining = false;
    }
  }

  private drainOnce(): void {
    const presence = this.presence;
    const wall = this.ports.clock.wallMs();
    if (this.statusPending) {
      const payload = this.health.meterSilent ? this.statusSilent : this.statusOnline;
      if (!this.sent(this.publish(presence.statusTopic, payload, 0, payload.length, true, 0))) return;
      this.statusPending = false;
    }
    if (this.notice && !this.statusPending) {
      if (!this.sent(this.publish(presence.statusTopic, this.notice, 0, this.notice.length, false, 0))) return;
      this.notice = undefined;
    }
    if (this.nodeOnlinePending) {
      const length = presence.newNodeOnline(wall);
      if (!this.sent(this.publish(presence.newNodeOnlineTopic, presence.buffer, 0, length, false, 0))) return;
      this.nodeOnlinePending = false;
    }
    if (this.heartbeatNext === 0) {
      const length = presence.heartbeat(wall);
      if (!this.sent(this.publish(presence.heartbeatTopic, presence.buffer, 0, length, false, 0))) return;
      this.heartbeatNext = 1;
    }
    if (this.heartbeatNext === 1) {
      const length = presence.level2Heartbeat(wall);
      if (!this.sent(this.publish(presence.level2HeartbeatTopic, presence.buffer, 0, length, false, 0))) return;
      this.heartbeatNext = -1;
    }
    if (this.statsPending) {
      const length = presence.stats(fillStats(this.refreshHealth(), this.stats));
      if (!this.sent(this.publish(presence.statsTopic, presence.buffer, 0, length, false, 0))) return;
      this.statsPending = false;
    }
    const outbox = this.outbox;
    const events = this.events;
    for (let budget = this.drainBatch; budget > 0; budget--) {
      if (!outbox.peek()) break;
      const slot = outbox.eventSlot;
      let length: number;
      try {
        length = events.encodeStored(slot, outbox.bytes, outbox.digitsOffset, outbox.digitsLength, outbox.epochSeconds, outbox.micros);
      } catch {
        // A bug, not a link problem: retrying would stop the queue for good, so this event is given up.
        this.health.internalErrors++;
        outbox.shift();
        continue;
      }
      if (!this.sent(this.publish(this.topics[slot], events.buffer, 0, length, false, this.qos))) return;
      outbox.shift();
      this.health.eventsPublished++;
    }
    if (outbox.messages > 0) {
      this.scheduleDrain(0); // yield, then go on
      return;
    }
    if (this.snapshotPending && this.snapshot) {
      if (!this.sent(this.publish(presence.telegramTopic, this.snapshot.buffer, 0, this.snapshotLength, false, 0))) return;
      this.snapshotPending = false;
    }
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

  private publish(topic: string, payload: Uint8Array, offset: number, length: number, retain: boolean, qos: number): number {
    try {
      if (this.ports.mqtt.publish(topic, payload, offset, length, retain, qos)) return SENT;
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
    this.session.tick(now);
    this.network.tick(now);
    if (this.drainTimer === undefined && this.session.connected && (this.outbox.messages > 0 || this.statusPending)) this.drain();
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
  private guard(step: () => void): void {
    try {
      step.call(this);
    } catch {
      this.health.internalErrors++;
    }
  }
}

function positive(value: number, name: string): number {
  if (!(value > 0)) throw new RangeError(`${name} must be > 0`);
  return value;
}
