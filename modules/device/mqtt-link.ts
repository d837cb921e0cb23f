import type { MqttConnectOptions, MqttLink, MqttLinkEvents } from "../app/ports";
import { pemToDer } from "./pem";
import { errorMessage } from "../config/error-message";
import { type Defer, guardedSocketClass, type TcpSocketClass } from "./guarded-socket";

// MqttLink on the SDK's ECMA-419 MQTT client (`embedded:network/mqtt/client`, examples/io/tcp/mqttclient):
// PUBACKs and PINGRESPs arrive through onControl, onWritable says how many bytes the socket takes, and a
// payload is written straight from the encoder's buffer (a view on it, no copy into a new ArrayBuffer).

/** MQTT control packet types the client reports through onControl. */
const CONNACK = 2;
const PUBACK = 4;

/**
 * Bytes of the client's reported room a PUBLISH leaves unused over TLS. The SDK's TLS socket reports its TCP
 * socket's room less 96 in onWritable but less only 32 after a write, while a CBC record adds up to 85 bytes
 * (5 header, 16 IV, a 48-byte SHA-384 MAC, 16 padding); writing to the 32-byte estimate overfills the TCP
 * socket, which throws "would block" after the record's sequence number is spent, and the broker's alert at
 * the next record then throws inside the socket's callback. 160 keeps the PUBLISH's record within the socket
 * after either report (the client subtracts its own 8 too) and leaves room for the client's keep-alive ping
 * record (2 + 85), which it writes from a timer against the same estimate.
 */
export const TLS_RESERVE = 160;

/** What the client reports through onControl: the packet type, its packet id, CONNACK's return code. */
export interface MqttControlMessage {
  operation: number;
  id?: number;
  returnCode?: number;
}

/** The write options of a PUBLISH (one object, reused for every publish). */
export interface MqttWriteOptions {
  topic: string;
  QoS: number;
  retain: boolean;
  duplicate: boolean;
  id: number;
  byteLength: number;
}

/** What this adapter uses of the client. */
export interface MqttClient419 {
  /** Returns the bytes the socket takes now; throws when the packet does not fit ("overflow"). */
  write(data: Uint8Array, options: MqttWriteOptions): number;
  close(): void;
}

export interface MqttClient419Options {
  host: string;
  port: number;
  id: string;
  user?: string;
  password?: string;
  clean: boolean;
  /** Milliseconds: the client pings at 3/4 of it and closes after 1.5 × without a PINGRESP. */
  keepalive: number;
  will: { topic: string; message: string; QoS: number; retain: boolean };
  dns: { io: unknown; resolve: HostResolve };
  socket: { io: unknown; TCP?: { io: unknown }; secure?: Record<string, unknown> };
  onControl(this: unknown, message: MqttControlMessage): void;
  onWritable(this: unknown, count: number): void;
  onReadable(this: unknown, count: number): void;
  onError(this: unknown): void;
}

export type MqttClient419Class = new (options: MqttClient419Options) => MqttClient419;

/** The SDK's classic `Net.resolve`: lwIP's resolver with the DNS servers DHCP gave (the host's on lin). */
export type HostResolve = (host: string, callback: (name: string, address?: string) => void) => void;

/** The SDK pieces the link is built from (main.ts hands them over). */
export interface MqttSdk {
  Client: MqttClient419Class;
  /** `embedded:io/socket/tcp`. */
  TCP: unknown;
  /** `embedded:io/socket/tcp/tls`; undefined when TLS is not built in. */
  TLSSocket?: unknown;
  resolve: HostResolve;
  /** Runs a callback on a later turn (Timer.set): a TLS failure is reported from outside the socket's callback. */
  defer: Defer;
}

/**
 * The resolver the client asks for the broker's address (its `dns.io`): the classic resolver underneath, so
 * the network's own DNS servers are used rather than a fixed public list. An IP address resolves to itself.
 */
export class NetResolver {
  private readonly lookup: HostResolve;

  constructor(options: { resolve: HostResolve }) {
    this.lookup = options.resolve;
  }

  resolve(request: { host: string; onResolved(host: string, address: string): void; onError(): void }): void {
    try {
      this.lookup(request.host, (_name, address) => {
        if (address) request.onResolved(request.host, address);
        else request.onError();
      });
    } catch {
      request.onError();
    }
  }

  close(): void {}
}

/** Bytes of an MQTT remaining-length field. */
function remainingLengthBytes(length: number): number {
  return length < 128 ? 1 : length < 16384 ? 2 : length < 2097152 ? 3 : 4;
}

/**
 * One client per session (the client never reconnects; the core does, by calling connect again). TLS goes
 * through the SDK's ECMA-419 TLS socket with the configured CA; the last will and keep-alive are the client's.
 */
export class ModdableMqttLink implements MqttLink {
  private client: MqttClient419 | undefined;
  /** The current session's token: callbacks of an older client (or one that failed while being built) are ignored. */
  private session: object | undefined;
  private ready = false;
  /** Bytes the client said the socket takes now (its onWritable and each write's result). */
  private writable = 0;
  /** Room the link leaves unused: TLS_RESERVE over TLS, none over plain TCP. */
  private reserve = 0;
  private readonly writeOptions: MqttWriteOptions = { topic: "", QoS: 0, retain: false, duplicate: false, id: 0, byteLength: 0 };

  constructor(private readonly sdk: MqttSdk) {}

  connect(options: MqttConnectOptions, events: MqttLinkEvents): void {
    this.close();
    const session = {};
    this.session = session;
    this.reserve = options.tls ? TLS_RESERVE : 0;
    let reported = false;
    let accepted = false;
    /** What failed under the TLS socket, for the reason. */
    let socketFailure = "";
    const down = (reason: string) => {
      if (reported || this.session !== session) return;
      reported = true;
      this.close();
      events.onMqttDisconnected(socketFailure ? `${reason} (${socketFailure})` : reason);
    };
    const handlers = {
      onControl: (message: MqttControlMessage) => {
        if (this.session !== session) return;
        events.onMqttHeard();
        if (message.operation === PUBACK) events.onMqttAcknowledged(message.id ?? 0);
        else if (message.operation === CONNACK && !message.returnCode) accepted = true;
      },
      onWritable: (count: number) => {
        if (this.session !== session) return;
        this.writable = count;
        // The client reports the socket's room right after CONNACK: only then can the core publish.
        if (accepted && !this.ready) {
          this.ready = true;
          events.onMqttConnected();
        }
      },
      onReadable: () => {}, // nothing is subscribed
      // The client closes itself after reporting; it says no more (a refused CONNACK looks the same as a reset).
      onError: () => down(this.ready ? "connection closed" : "broker unreachable or refused the connection"),
    };
    const onSocketFailure = (what: string) => {
      if (this.session === session && !socketFailure) socketFailure = what;
    };
    let client: MqttClient419;
    try {
      client = new this.sdk.Client(this.clientOptions(options, handlers, onSocketFailure));
    } catch (error) {
      if (this.session === session) this.session = undefined;
      if (!reported) events.onMqttDisconnected(`cannot open MQTT session: ${errorMessage(error)}`);
      return;
    }
    if (this.session !== session) {
      // It failed (and was reported) before the constructor returned.
      try {
        client.close();
      } catch {
        // already closed
      }
      return;
    }
    this.client = client;
    this.writable = 0;
  }

  publish(
    topic: string,
    payload: Uint8Array,
    offset: number,
    length: number,
    retain: boolean,
    qos: number,
    packetId: number,
    duplicate: boolean,
  ): boolean {
    const client = this.client;
    if (!client || !this.ready) throw new Error("MQTT session closed");
    // The whole PUBLISH must fit what the socket takes now, or the client throws; topics are ASCII.
    const body = 2 + topic.length + (qos ? 2 : 0) + length;
    if (1 + remainingLengthBytes(body) + body + this.reserve > this.writable) return false;
    const o = this.writeOptions;
    o.topic = topic;
    o.QoS = qos;
    o.retain = retain;
    o.duplicate = duplicate;
    o.id = packetId;
    o.byteLength = length;
    try {
      // A view on the caller's buffer: the socket copies the bytes before write returns.
      this.writable = client.write(new Uint8Array(payload.buffer, payload.byteOffset + offset, length), o);
      return true;
    } catch {
      return false; // the socket could not take it after all; the core keeps the message
    }
  }

  close(): void {
    const client = this.client;
    this.client = undefined;
    this.session = undefined;
    this.ready = false;
    if (!client) return;
    try {
      client.close();
    } catch {
      // already failed
    }
  }

  private clientOptions(
    options: MqttConnectOptions,
    handlers: Pick<MqttClient419Options, "onControl" | "onWritable" | "onReadable" | "onError">,
    onSocketFailure: (what: string) => void,
  ): MqttClient419Options {
    const sdk = this.sdk;
    const result: MqttClient419Options = {
      host: options.host,
      port: options.port,
      id: options.clientId,
      clean: true,
      keepalive: options.keepAliveSeconds * 1000,
      will: { topic: options.will.topic, message: options.will.payload, QoS: 1, retain: options.will.retain },
      dns: { io: NetResolver, resolve: sdk.resolve },
      socket: { io: sdk.TCP },
      ...handlers,
    };
    if (options.username) result.user = options.username;
    if (options.password) result.password = options.password;
    if (options.tls) {
      if (!sdk.TLSSocket) throw new Error("TLS is not built into this firmware");
      const secure: Record<string, unknown> = {};
      if (options.tls.ca) secure.certificate = pemToDer(options.tls.ca);
      const TCP = guardedSocketClass(sdk.TCP as TcpSocketClass, sdk.defer, onSocketFailure);
      result.socket = { io: sdk.TLSSocket, TCP: { io: TCP }, secure };
    }
    return result;
  }
}
