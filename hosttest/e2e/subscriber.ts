import mqtt, { type MqttClient } from "mqtt";

export interface Received {
  topic: string;
  payload: Buffer;
  retain: boolean;
  /** performance.now() when it arrived. */
  at: number;
}

/** A plain MQTT client that records everything under its subscriptions, as a VSCP consumer would see it. */
export class Subscriber {
  readonly messages: Received[] = [];
  private waiters: Array<() => void> = [];

  private constructor(private readonly client: MqttClient) {
    client.on("message", (topic, payload, packet) => {
      this.messages.push({ topic, payload, retain: packet.retain, at: performance.now() });
      for (const wake of this.waiters) wake();
    });
  }

  /**
   * `persistent` keeps the session (clean=false, QoS 1 subscription) so the broker queues what arrives while
   * this subscriber is away, e.g. during a broker restart (mosquitto keeps sessions across restarts).
   */
  static async connect(
    host: string,
    port: number,
    options: { topics?: string[]; clientId?: string; persistent?: boolean } = {},
  ): Promise<Subscriber> {
    const topics = options.topics ?? ["#"];
    const clientId = options.clientId ?? `sub-${process.pid}-${Math.random().toString(16).slice(2, 8)}`;
    const client = mqtt.connect({
      host,
      port,
      clientId,
      clean: !options.persistent,
      reconnectPeriod: 100,
      connectTimeout: 5_000,
      resubscribe: true,
    });
    await new Promise<void>((resolve, reject) => {
      client.once("connect", () => resolve());
      client.once("error", reject);
    });
    client.on("error", () => {}); // refused while the broker restarts; mqtt.js retries
    const subscriber = new Subscriber(client);
    await client.subscribeAsync(topics, { qos: 1 });
    return subscriber;
  }

  get connected(): boolean {
    return this.client.connected;
  }

  /** Resolves once `done` holds over the messages received so far; rejects after `timeoutMs` with `what`. */
  waitFor(done: (messages: Received[]) => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!done(this.messages)) return;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== check);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what} (${this.messages.length} messages so far)`));
      }, timeoutMs);
      this.waiters.push(check);
      check();
    });
  }

  /** Waits until connected again (after a broker restart) and subscribed. */
  async waitConnected(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.client.connected) {
      if (Date.now() > deadline) throw new Error("subscriber did not reconnect");
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  matching(filter: (topic: string) => boolean): Received[] {
    return this.messages.filter((m) => filter(m.topic));
  }

  clear(): void {
    this.messages.length = 0;
  }

  close(): Promise<void> {
    return this.client.endAsync(true);
  }
}
