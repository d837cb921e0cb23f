import type { MqttConnectOptions, MqttLink, MqttLinkEvents } from "../../modules/app/ports";
import type { FakeClock } from "./fake-clock";

export interface Received {
  topic: string;
  payload: string;
  retain: boolean;
  qos: number;
  atMs: number;
  packetId: number;
  duplicate: boolean;
}

/**
 * When the broker acknowledges a QoS 1 publish: after this many ms, "never", or "hold" (kept in `held` until
 * the test calls `ackHeld`, in any order it likes).
 */
export type AckTiming = number | "never" | "hold";

/** What the link does with one publish attempt (n counts every attempt, from 1). */
export type PublishOutcome = "ok" | "busy" | "throw";

/**
 * An MQTT link and broker in one: connects after `connectDelayMs` when the broker is up, refuses otherwise,
 * and records what was published. Tests script outages and "send buffer full" answers.
 */
export class FakeMqttLink implements MqttLink {
  brokerUp = true;
  connectDelayMs = 50;
  readonly connects: { atMs: number; options: MqttConnectOptions }[] = [];
  readonly received: Received[] = [];
  /** Decides each publish attempt; default: always accepted. */
  outcome: (attempt: number) => PublishOutcome = () => "ok";
  attempts = 0;
  /** Throw from connect() itself (a broken port). */
  connectThrows = false;
  /** Decides each QoS 1 acknowledgement (n counts QoS 1 publishes, from 1); default: at once (next timer turn). */
  ackTiming: (n: number, message: Received) => AckTiming = () => 0;
  /** Silent: publishes are taken and nothing comes back (no PUBACK, no PINGRESP), as on a link that swallows bytes. */
  silent = false;
  /** Packet ids held back by an ackTiming of "hold", in the order they were published. */
  held: number[] = [];
  qos1Publishes = 0;
  private session = 0;
  private events: MqttLinkEvents | undefined;
  private open = false;
  private pinger: unknown = undefined;

  constructor(private readonly clock: FakeClock) {}

  get connected(): boolean {
    return this.open;
  }

  connect(options: MqttConnectOptions, events: MqttLinkEvents): void {
    if (this.connectThrows) throw new Error("connect failed in the port");
    const session = ++this.session;
    this.open = false;
    this.events = events;
    this.connects.push({ atMs: this.clock.now, options });
    this.clock.once(() => {
      if (session !== this.session) return; // closed or replaced meanwhile
      if (this.brokerUp) {
        this.open = true;
        // The link's keep-alive: a PINGRESP every half keep-alive while the broker answers.
        const keepAliveMs = options.keepAliveSeconds * 1000;
        if (keepAliveMs > 0) {
          this.pinger = this.clock.repeat(() => {
            if (session === this.session && !this.silent) events.onMqttHeard();
          }, keepAliveMs / 2);
        }
        events.onMqttConnected();
      } else {
        events.onMqttDisconnected("connection refused");
      }
    }, this.connectDelayMs);
  }

  publish(
    topic: string,
    payload: Uint8Array,
    offset: number,
    length: number,
    retain: boolean,
    qos: number,
    packetId = 0,
    duplicate = false,
  ): boolean {
    if (!this.open) throw new Error("publish on a closed link");
    const outcome = this.outcome(++this.attempts);
    if (outcome === "throw") throw new Error("send buffer full");
    if (outcome === "busy") return false;
    const text = Buffer.from(payload.buffer, payload.byteOffset + offset, length).toString("latin1");
    const message = { topic, payload: text, retain, qos, atMs: this.clock.now, packetId, duplicate };
    if (this.silent) return true; // swallowed: the broker never sees it
    this.received.push(message);
    if (qos === 1) {
      const timing = this.ackTiming(++this.qos1Publishes, message);
      if (timing === "hold") this.held.push(packetId);
      else if (timing !== "never") {
        const session = this.session;
        this.clock.once(() => {
          if (session === this.session && !this.silent) this.events?.onMqttAcknowledged(packetId);
        }, timing);
      }
    }
    return true;
  }

  /** Acknowledges held packet ids now, in the order given (default: all held, in publish order). */
  ackHeld(ids: readonly number[] = this.held.slice()): void {
    for (const id of ids) {
      this.held = this.held.filter((h) => h !== id);
      if (this.open) this.events?.onMqttAcknowledged(id);
    }
  }

  close(): void {
    this.endSession();
  }

  /** The connection drops under the bridge (a reset): the session ends and the bridge is told. */
  dropConnection(reason = "connection reset"): void {
    if (!this.open) return;
    this.endSession();
    this.events?.onMqttDisconnected(reason);
  }

  private endSession(): void {
    this.session++;
    this.open = false;
    this.held = [];
    if (this.pinger !== undefined) this.clock.cancel(this.pinger);
    this.pinger = undefined;
  }

  /** The broker goes away: an open session ends, new connects are refused. */
  goDown(): void {
    this.brokerUp = false;
    if (this.open) {
      this.endSession();
      this.events?.onMqttDisconnected("connection lost");
    }
  }

  goUp(): void {
    this.brokerUp = true;
  }

  /** Messages on topics starting with `prefix`. */
  on(prefix: string): Received[] {
    return this.received.filter((m) => m.topic.startsWith(prefix));
  }
}
