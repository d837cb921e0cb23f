import mqtt, { type MqttClient } from "mqtt";
import type { MqttConnectOptions, MqttLink, MqttLinkEvents } from "../../modules/app/ports";

export type PublishObserver = (topic: string, payload: Buffer, retain: boolean) => void;

export interface MqttJsLinkOptions {
  /** Bytes the socket may hold unsent before publish answers false (the device's send buffer, larger). */
  sendBufferBytes?: number;
  /** Sees every message the link accepted (the terminal view counts events with it). */
  observer?: PublishObserver;
  connectTimeoutMs?: number;
}

/**
 * The MQTT link over the `mqtt` package, behaving like the device's client: one session per connect(),
 * no reconnecting or offline queue of its own (the core's outbox and backoff do that), and publish answers
 * false instead of buffering without bound. A QoS 1 publish's callback (called on its PUBACK) reports the
 * acknowledgement with the core's packet id; every packet from the broker tells the core the link is alive.
 */
export class MqttJsLink implements MqttLink {
  private client: MqttClient | undefined;
  private events: MqttLinkEvents | undefined;
  private closed = false;
  private readonly sendBufferBytes: number;
  private readonly observer: PublishObserver | undefined;
  private readonly connectTimeoutMs: number;
  /** Messages accepted, and refused because the link was down or its buffer full. */
  accepted = 0;
  refused = 0;

  constructor(options: MqttJsLinkOptions = {}) {
    this.sendBufferBytes = options.sendBufferBytes ?? 64 * 1024;
    this.observer = options.observer;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  }

  connect(options: MqttConnectOptions, events: MqttLinkEvents): void {
    this.closed = false;
    this.dropClient();
    const client = mqtt.connect({
      protocol: options.tls ? "mqtts" : "mqtt",
      host: options.host,
      port: options.port,
      clientId: options.clientId,
      username: options.username || undefined,
      password: options.password || undefined,
      keepalive: options.keepAliveSeconds,
      // A ping every keep-alive even while publishing, as the device's client does: its answer shows the link lives.
      reschedulePings: false,
      clean: true,
      protocolVersion: 4,
      reconnectPeriod: 0,
      connectTimeout: this.connectTimeoutMs,
      queueQoSZero: false,
      will: { topic: options.will.topic, payload: Buffer.from(options.will.payload), retain: options.will.retain, qos: 1 },
      ca: options.tls?.ca,
      rejectUnauthorized: options.tls ? true : undefined,
    });
    this.client = client;
    let lastError = "";
    let reported = false;
    const report = (reason: string) => {
      if (reported || this.client !== client) return;
      reported = true;
      this.dropClient();
      events.onMqttDisconnected(reason);
    };
    client.on("connect", () => {
      if (this.client === client) events.onMqttConnected();
    });
    client.on("packetreceive", () => {
      if (this.client === client) events.onMqttHeard();
    });
    this.events = events;
    // Error texts come from the socket or the CONNACK code; credentials never reach them.
    client.on("error", (error) => {
      lastError = describeError(error, options.host, options.port);
    });
    client.on("close", () => report(lastError || "connection closed"));
    client.on("end", () => report(lastError || "connection ended"));
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
    if (this.closed) throw new Error("MQTT link is closed");
    const client = this.client;
    if (!client?.connected || client.disconnecting) {
      this.refused++;
      return false;
    }
    const stream = client.stream as { writableLength?: number } | undefined;
    if ((stream?.writableLength ?? 0) > this.sendBufferBytes) {
      this.refused++;
      return false;
    }
    // Buffer.from of a typed array copies: the caller reuses its buffer once we return.
    const copy = Buffer.from(payload.subarray(offset, offset + length));
    if (qos === 1) {
      const events = this.events;
      client.publish(topic, copy, { qos: 1, retain, dup: duplicate }, (error) => {
        // Called on the PUBACK, or with an error when the session ended first (then the core sends it again).
        if (!error && this.client === client) events?.onMqttAcknowledged(packetId);
      });
    } else {
      client.publish(topic, copy, { qos: 0, retain }, () => {});
    }
    this.accepted++;
    this.observer?.(topic, copy, retain);
    return true;
  }

  close(): void {
    this.closed = true;
    this.dropClient();
  }

  private dropClient(): void {
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    client.removeAllListeners("connect");
    client.on("error", () => {}); // a late socket error after end() must not crash the process
    client.end(true);
  }
}

function describeError(error: Error & { code?: string | number }, host: string, port: number): string {
  if (error.code === "ECONNREFUSED") return `connection refused by ${host}:${port}`;
  if (error.code === "ENOTFOUND") return `broker host ${host} not found`;
  if (error.code === "ETIMEDOUT") return `connection to ${host}:${port} timed out`;
  if (error.code === 4 || error.code === 5) return `broker refused the login (${error.message})`;
  return error.message;
}
