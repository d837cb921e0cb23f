import type { MqttConnectOptions, MqttLink, MqttLinkEvents } from "../../modules/app/ports";
import type { FakeClock } from "./fake-clock";

export interface Received {
  topic: string;
  payload: string;
  retain: boolean;
  qos: number;
  atMs: number;
}

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
  private session = 0;
  private events: MqttLinkEvents | undefined;
  private open = false;

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
        events.onMqttConnected();
      } else {
        events.onMqttDisconnected("connection refused");
      }
    }, this.connectDelayMs);
  }

  publish(topic: string, payload: Uint8Array, offset: number, length: number, retain: boolean, qos: number): boolean {
    if (!this.open) throw new Error("publish on a closed link");
    const outcome = this.outcome(++this.attempts);
    if (outcome === "throw") throw new Error("send buffer full");
    if (outcome === "busy") return false;
    const text = Buffer.from(payload.buffer, payload.byteOffset + offset, length).toString("latin1");
    this.received.push({ topic, payload: text, retain, qos, atMs: this.clock.now });
    return true;
  }

  close(): void {
    this.session++;
    this.open = false;
  }

  /** The broker goes away: an open session ends, new connects are refused. */
  goDown(): void {
    this.brokerUp = false;
    if (this.open) {
      this.open = false;
      this.session++;
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
