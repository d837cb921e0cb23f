import type { MqttConnectOptions, MqttLink, MqttLinkEvents } from "../app/ports";
import { pemToDer } from "./pem";
import { errorMessage } from "../config/error-message";

/** What this adapter uses of the SDK's classic `mqtt` Client (typings/mqtt.d.ts). */
export interface MqttClient {
  onReady?: () => void;
  onClose?: () => void;
  publish(topic: string, data: string | ArrayBuffer, flags?: { retain?: boolean; quality?: number }): void;
  close(immediate?: boolean): void;
}

export interface MqttClientOptions {
  host: string;
  port: number;
  id: string;
  user?: string;
  password?: string;
  will: { topic: string; message: string; retain: boolean };
  timeout: number;
  Socket?: unknown;
  secure?: Record<string, unknown>;
}

export type MqttClientClass = new (options: MqttClientOptions) => MqttClient;

/** TLS 1.2, the version the SDK's SecureSocket speaks. */
const TLS_1_2 = 0x303;

/**
 * MqttLink on the SDK's classic client: one Client per session (the client never reconnects;
 * the core does, by calling connect again). TLS goes through SecureSocket with the configured CA.
 */
export class ModdableMqttLink implements MqttLink {
  private client: MqttClient | undefined;
  private ready = false;

  constructor(
    private readonly Client: MqttClientClass,
    private readonly SecureSocket?: unknown,
  ) {}

  connect(options: MqttConnectOptions, events: MqttLinkEvents): void {
    this.close();
    let client: MqttClient;
    try {
      client = new this.Client(this.clientOptions(options));
    } catch (error) {
      events.onMqttDisconnected(`cannot open MQTT session: ${errorMessage(error)}`);
      return;
    }
    this.client = client;
    client.onReady = () => {
      if (this.client !== client) return;
      this.ready = true;
      events.onMqttConnected();
    };
    client.onClose = () => {
      if (this.client !== client) return;
      const wasReady = this.ready;
      this.client = undefined;
      this.ready = false;
      events.onMqttDisconnected(wasReady ? "connection closed" : "broker unreachable or refused the connection");
    };
  }

  publish(topic: string, payload: Uint8Array, offset: number, length: number, retain: boolean, qos: number): boolean {
    const client = this.client;
    if (!client || !this.ready) throw new Error("MQTT session closed");
    // The client copies an ArrayBuffer whole, so hand it exactly the message bytes.
    const start = payload.byteOffset + offset;
    const data = (payload.buffer as ArrayBuffer).slice(start, start + length);
    try {
      client.publish(topic, data, { retain, quality: qos });
      return true;
    } catch {
      return false; // TCP send buffer full; the core keeps the message
    }
  }

  close(): void {
    const client = this.client;
    this.client = undefined;
    this.ready = false;
    if (!client) return;
    try {
      client.close();
    } catch {
      // already failed
    }
  }

  private clientOptions(options: MqttConnectOptions): MqttClientOptions {
    const result: MqttClientOptions = {
      host: options.host,
      port: options.port,
      id: options.clientId,
      will: { topic: options.will.topic, message: options.will.payload, retain: options.will.retain },
      timeout: options.keepAliveSeconds * 1000,
    };
    if (options.username) result.user = options.username;
    if (options.password) result.password = options.password;
    if (options.tls) {
      if (!this.SecureSocket) throw new Error("TLS is not built into this firmware");
      const secure: Record<string, unknown> = { protocolVersion: TLS_1_2 };
      if (options.tls.ca) secure.certificate = pemToDer(options.tls.ca);
      result.Socket = this.SecureSocket;
      result.secure = secure;
    }
    return result;
  }
}
