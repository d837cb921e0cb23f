import { describe, expect, it } from "vitest";
import type { MqttLinkEvents } from "../modules/app/ports";
import { ModdableMqttLink, type MqttClient419, type MqttClient419Options, type MqttWriteOptions } from "../modules/device/mqtt-link";

// The link over models of the SDK's three layers as they count bytes on the Linux build: the TCP socket
// (modules/io/socket/lin/tcp.c: 1536 bytes until its next poll, "would block" beyond them), the TLS socket
// (examples/io/tcp/tlssocket with ssl/session_419: room less 96 in onWritable, less 32 after a write; here a
// CBC record with a SHA-256 MAC, 69 bytes over its content) and the MQTT client (its own 8 bytes).

const TCP_ROOM = 1536;
const RECORD_OVERHEAD = 69;

interface SocketOptions {
  onReadable(count: number): void;
  onWritable(count: number): void;
  onError(): void;
}

function model() {
  const thrown: string[] = [];
  const sockets: ModelTcp[] = [];
  class ModelTcp {
    room = TCP_ROOM;
    closed = false;
    constructor(readonly options: SocketOptions) {
      sockets.push(this);
    }
    write(buffer: Uint8Array): number {
      if (buffer.byteLength > this.room) {
        thrown.push("would block");
        throw new Error("would block");
      }
      this.room -= buffer.byteLength;
      return this.room;
    }
    read() {}
    close() {
      this.closed = true;
    }
    /** The next poll: the kernel took everything, the socket reports its whole room. */
    poll() {
      this.room = TCP_ROOM;
      this.options.onWritable(this.room);
    }
  }
  class ModelTls {
    private readonly socket: { writable: number; write(b: Uint8Array): number };
    constructor(private readonly options: SocketOptions & { TCP: { io: new (o: SocketOptions) => ModelTcp } }) {
      this.socket = new options.TCP.io({
        ...options,
        onReadable: () => {
          throw new Error("alert: 2, 20"); // the session throws on a fatal alert from the broker
        },
        onWritable: (count) => {
          this.socket.writable = count;
          if (count > 96) this.options.onWritable(count - 96);
        },
        onError: () => this.options.onError(),
      }) as unknown as { writable: number; write(b: Uint8Array): number };
    }
    write(data: Uint8Array): number {
      this.socket.writable = this.socket.write(new Uint8Array(data.byteLength + RECORD_OVERHEAD));
      return Math.max(0, this.socket.writable - 32);
    }
    close() {}
  }
  const clients: ModelClient[] = [];
  class ModelClient implements MqttClient419 {
    writable = 0;
    connected = false;
    readonly tls: ModelTls;
    constructor(readonly options: MqttClient419Options) {
      clients.push(this);
      const socket = options.socket as unknown as { io: typeof ModelTls };
      this.tls = new socket.io({
        ...(options.socket as object),
        onReadable: () => {},
        onWritable: (count: number) => {
          this.writable = count;
          if (this.connected && count > 8) options.onWritable.call(this, count - 8);
        },
        onError: () => options.onError.call(this),
      } as unknown as ConstructorParameters<typeof ModelTls>[0]);
    }
    connack() {
      this.connected = true;
      this.options.onControl.call(this, { operation: 2, id: 0, returnCode: 0 });
      this.options.onWritable.call(this, this.writable - 8);
    }
    write(data: Uint8Array, o: MqttWriteOptions): number {
      const length = 2 + 2 + o.topic.length + (o.QoS ? 2 : 0) + data.byteLength;
      if (length > this.writable) throw new Error("overflow");
      this.writable = this.tls.write(new Uint8Array(length));
      return this.writable > 8 ? this.writable - 8 : 0;
    }
    /** The keep-alive ping the client writes from its own timer, against its own count. */
    ping() {
      if (this.writable >= 2) this.writable = this.tls.write(new Uint8Array(2));
    }
    close() {}
  }
  const deferred: (() => void)[] = [];
  const link = new ModdableMqttLink({
    Client: ModelClient,
    TCP: ModelTcp,
    TLSSocket: ModelTls,
    resolve: (host, callback) => callback(host, "10.0.0.2"),
    defer: (callback) => deferred.push(callback),
  });
  const seen: string[] = [];
  const events: MqttLinkEvents = {
    onMqttConnected: () => seen.push("up"),
    onMqttDisconnected: (r) => seen.push(`down: ${r}`),
    onMqttAcknowledged: () => {},
    onMqttHeard: () => {},
  };
  link.connect(
    {
      host: "10.0.0.2",
      port: 8883,
      clientId: "p1vscp-240AC4123456",
      keepAliveSeconds: 30,
      will: { topic: "p1vscp/240AC4123456/status", payload: "offline", retain: true },
      tls: {},
    },
    events,
  );
  const tcp = sockets[0];
  const client = clients[0];
  tcp.poll();
  client.connack();
  const runDeferred = () => {
    for (const callback of deferred.splice(0)) callback();
  };
  return { link, tcp, client, thrown, seen, runDeferred };
}

/** Publishes events of 40 to 100 bytes until the link says the socket is full; returns how many it took. */
function burst(link: ModdableMqttLink, count: number, seed: number): number {
  const payload = new Uint8Array(100);
  for (let i = 0; i < count; i++) {
    const length = 40 + ((seed * 31 + i * 17) % 61);
    if (!link.publish("vscp/240AC4123456/10/6/0/1", payload, 0, length, false, 1, i + 1, false)) return i;
  }
  return count;
}

describe("ModdableMqttLink over the SDK's TLS socket", () => {
  it("never writes a record the TCP socket cannot take, in a burst and across polls, and leaves room for a ping", () => {
    const { link, tcp, client, thrown, seen } = model();
    expect(seen).toEqual(["up"]);
    let sent = 0;
    for (let poll = 0; poll < 20; poll++) {
      const taken = burst(link, 100, poll);
      expect(thrown).toEqual([]);
      expect(taken).toBeGreaterThan(5); // flow control, not a stall
      sent += taken;
      client.ping();
      tcp.poll();
    }
    expect(sent).toBeGreaterThan(100);
    expect(thrown).toEqual([]);
    expect(seen).toEqual(["up"]);
  });

  it("a write the TCP socket refuses ends the session with a reason, from a later turn, and throws nowhere", () => {
    const { link, tcp, client, seen, runDeferred } = model();
    tcp.room = 40; // less than the client believes: its ping's record does not fit
    expect(() => client.ping()).not.toThrow();
    expect(seen).toEqual(["up"]);
    expect(tcp.closed).toBe(true);
    runDeferred();
    expect(seen).toEqual(["up", "down: connection closed (TLS record of 71 bytes not taken: would block)"]);
    expect(() => link.publish("t", new Uint8Array(1), 0, 1, false, 1, 1, false)).toThrow(/closed/);
  });

  it("a throw from the TLS socket's read callback (a fatal alert) does not reach the native socket", () => {
    const { tcp, seen, runDeferred } = model();
    expect(() => tcp.options.onReadable(7)).not.toThrow();
    runDeferred();
    expect(seen).toEqual(["up", "down: connection closed (TLS read failed: alert: 2, 20)"]);
  });
});
