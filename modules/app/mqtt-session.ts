import { Backoff, type BackoffOptions } from "./backoff";
import type { HealthCounters } from "./health";
import type { Clock, MqttConnectOptions, MqttLink, MqttLinkEvents, Scheduler, SystemPort } from "./ports";
import { RetryTimer } from "./retry-timer";

/** What the session tells its owner. */
export interface SessionListener {
  onSessionUp(): void;
  onSessionDown(): void;
  /** The broker acknowledged this packet id in the current session. */
  onAcknowledged(packetId: number): void;
}

export interface MqttSessionOptions {
  backoff?: BackoffOptions;
  /** A connect that neither succeeds nor fails within this time is abandoned and retried. */
  connectTimeoutMs?: number;
}

const IDLE = 0; // no network: nothing to do
const CONNECTING = 1;
const CONNECTED = 2;
const WAITING = 3; // backoff timer running
/** The bridge's watchdog calls tick once a second: silence is declared one tick early so it stays within the limit. */
const TICK_MS = 1000;

/**
 * One MQTT session at a time: connects while the network is up, retries with exponential backoff and
 * jitter, resets the backoff after a stable session. Every port call is guarded; failures are counted.
 * A session from which nothing (no PUBACK, no PINGRESP) was heard for 1.5 × keep-alive is dead: a link that
 * swallows writes silently is closed and reconnected within that time.
 */
export class MqttSession implements MqttLinkEvents {
  readonly backoff: Backoff;
  private readonly link: MqttLink;
  private readonly connectOptions: MqttConnectOptions;
  private readonly clock: Clock;
  private readonly system: SystemPort;
  private readonly health: HealthCounters;
  private readonly listener: SessionListener;
  private readonly connectTimeoutMs: number;
  private readonly retry: RetryTimer;
  private state = IDLE;
  private networkUp = false;
  private everConnected = false;
  private attemptStartedMs = 0;
  private connectedAtMs = 0;
  private lastHeardMs = 0;
  /** 1.5 × keep-alive in ms; 0: no keep-alive, no silence check. */
  private readonly silentLimitMs: number;

  constructor(
    link: MqttLink,
    connectOptions: MqttConnectOptions,
    clock: Clock,
    scheduler: Scheduler,
    system: SystemPort,
    health: HealthCounters,
    listener: SessionListener,
    options: MqttSessionOptions = {},
    random?: () => number,
  ) {
    this.link = link;
    this.connectOptions = connectOptions;
    this.clock = clock;
    this.system = system;
    this.health = health;
    this.listener = listener;
    this.backoff = new Backoff(options.backoff, random);
    this.connectTimeoutMs = options.connectTimeoutMs ?? 30_000;
    this.silentLimitMs = connectOptions.keepAliveSeconds > 0 ? connectOptions.keepAliveSeconds * 1500 : 0;
    this.retry = new RetryTimer(scheduler, clock, this.backoff, health, () => {
      if (this.state === WAITING) this.connect();
    });
  }

  /** Delay chosen for the pending retry (for logs and tests). */
  get lastDelayMs(): number {
    return this.retry.lastDelayMs;
  }

  get connected(): boolean {
    return this.state === CONNECTED;
  }

  setNetwork(up: boolean): void {
    if (up === this.networkUp) return;
    this.networkUp = up;
    if (up) {
      if (this.state === IDLE) this.connect();
    } else {
      this.retry.cancel();
      const wasConnected = this.state === CONNECTED;
      if (wasConnected) this.endSession();
      if (this.state !== IDLE) this.closeLink();
      this.state = IDLE;
      if (wasConnected) this.listener.onSessionDown();
    }
  }

  /** Publish failures made the session useless: close it and reconnect by policy. */
  drop(reason: string): void {
    if (this.state !== CONNECTED && this.state !== CONNECTING) return;
    this.log(`mqtt: dropping session (${reason})`);
    this.closeLink();
    this.onMqttDisconnected(reason);
  }

  /** Called every second by the bridge's watchdog. */
  tick(nowMs: number): void {
    if (this.state === CONNECTING && nowMs - this.attemptStartedMs >= this.connectTimeoutMs) {
      this.closeLink();
      this.onMqttDisconnected("connect timeout");
    } else if (this.state === CONNECTED && this.silentLimitMs > 0 && nowMs - this.lastHeardMs >= this.silentLimitMs - TICK_MS) {
      this.drop(`nothing heard from the broker for ${Math.round((nowMs - this.lastHeardMs) / 1000)} s`);
    } else if (this.state === WAITING && this.retry.overdue(nowMs)) {
      this.connect(); // the scheduler failed to arm the retry timer
    }
  }

  stop(): void {
    this.retry.cancel();
    if (this.state === CONNECTED) this.endSession();
    if (this.state !== IDLE) this.closeLink();
    this.state = IDLE;
    this.networkUp = false;
  }

  onMqttConnected(): void {
    if (this.state !== CONNECTING) return; // stale report from an abandoned attempt
    this.state = CONNECTED;
    this.connectedAtMs = this.clock.monotonicMs();
    this.lastHeardMs = this.connectedAtMs;
    if (this.everConnected) this.health.mqttReconnects++;
    this.everConnected = true;
    this.health.mqttConnected = true;
    this.log("mqtt: connected");
    this.listener.onSessionUp();
  }

  onMqttDisconnected(reason: string): void {
    const was = this.state;
    if (was !== CONNECTED && was !== CONNECTING) return; // already handled
    if (was === CONNECTED) this.endSession();
    else this.health.mqttConnectFailures++;
    this.state = WAITING;
    this.closeLink();
    this.log(`mqtt: ${was === CONNECTED ? "disconnected" : "connect failed"}: ${reason}`);
    this.retry.schedule();
    if (was === CONNECTED) this.listener.onSessionDown();
  }

  onMqttAcknowledged(packetId: number): void {
    if (this.state !== CONNECTED) return; // stale report from a closed session
    this.lastHeardMs = this.clock.monotonicMs();
    this.listener.onAcknowledged(packetId);
  }

  onMqttHeard(): void {
    if (this.state === CONNECTED) this.lastHeardMs = this.clock.monotonicMs();
  }

  private connect(): void {
    if (!this.networkUp) {
      this.state = IDLE;
      return;
    }
    this.state = CONNECTING;
    this.attemptStartedMs = this.clock.monotonicMs();
    try {
      this.link.connect(this.connectOptions, this);
    } catch {
      this.health.portErrors++;
      this.onMqttDisconnected("connect threw");
    }
  }

  private endSession(): void {
    this.health.mqttDisconnects++;
    this.health.mqttConnected = false;
    this.backoff.sessionEnded(this.clock.monotonicMs() - this.connectedAtMs);
  }

  private closeLink(): void {
    try {
      this.link.close();
    } catch {
      this.health.portErrors++;
    }
  }

  private log(message: string): void {
    try {
      this.system.log(message);
    } catch {
      this.health.portErrors++;
    }
  }
}
