import { describe, expect, it } from "vitest";
import type { MqttLinkEvents, NetworkLinkEvents, Scheduler } from "../modules/app/ports";
import { assembleDevice, type DeviceModules } from "../modules/device/assemble";
import { FixedDataRequestLine, openDataRequestLine } from "../modules/device/data-request";
import {
  ModdableMqttLink,
  NetResolver,
  type MqttClient419,
  type MqttClient419Options,
  type MqttWriteOptions,
} from "../modules/device/mqtt-link";
import { pemToDer } from "../modules/device/pem";
import { PreferenceStore } from "../modules/device/preference-store";
import { WiFiConnection, WiFiStationLink, normalizeMac, type WiFiStation } from "../modules/device/wifi-link";

class FakeScheduler implements Scheduler {
  pending = new Map<number, { callback: () => void; delay: number }>();
  next = 1;
  repeat(callback: () => void, intervalMs: number) {
    return this.once(callback, intervalMs);
  }
  once(callback: () => void, delayMs: number) {
    const id = this.next++;
    this.pending.set(id, { callback, delay: delayMs });
    return id;
  }
  cancel(handle: unknown) {
    this.pending.delete(handle as number);
  }
  fireAll() {
    const due = [...this.pending.values()];
    this.pending.clear();
    for (const t of due) t.callback();
  }
}

class FakePreference {
  data = new Map<string, string | number | boolean | ArrayBuffer>();
  get(domain: string, key: string) {
    return this.data.get(`${domain}/${key}`);
  }
  set(domain: string, key: string, value: string | number | boolean | ArrayBuffer) {
    this.data.set(`${domain}/${key}`, value);
  }
  delete(domain: string, key: string) {
    this.data.delete(`${domain}/${key}`);
  }
  keys(domain: string) {
    return [...this.data.keys()].filter((k) => k.startsWith(`${domain}/`)).map((k) => k.slice(domain.length + 1));
  }
}

describe("data request line", () => {
  it("drives an active-high RTS GPIO, starting inactive", () => {
    const writes: number[] = [];
    let initial = -1;
    const line = openDataRequestLine({ mode: "gpio", pin: 4, activeLow: false }, (pin, value) => {
      expect(pin).toBe(4);
      initial = value;
      return { write: (v) => writes.push(v), close() {} };
    });
    expect(initial).toBe(0);
    line.setActive(true);
    line.setActive(false);
    expect(writes).toEqual([1, 0]);
  });

  it("inverts for an active-low GPIO", () => {
    const writes: number[] = [];
    let initial = -1;
    const line = openDataRequestLine({ mode: "gpio", pin: 4, activeLow: true }, (_pin, value) => {
      initial = value;
      return { write: (v) => writes.push(v), close() {} };
    });
    expect(initial).toBe(1);
    line.setActive(true);
    expect(writes).toEqual([0]);
  });

  it("opens no pin when RTS is wired to +5 V or not used", () => {
    for (const mode of ["5v", "none"] as const) {
      const line = openDataRequestLine({ mode }, () => {
        throw new Error("no pin expected");
      });
      expect(line).toBeInstanceOf(FixedDataRequestLine);
      line.setActive(true);
    }
  });
});

describe("PreferenceStore", () => {
  it("stores in its domain and enforces the ESP32 limits everywhere", () => {
    const prefs = new FakePreference();
    const store = new PreferenceStore(prefs, "p1vscp");
    store.set("port", 1883);
    expect(prefs.data.get("p1vscp/port")).toBe(1883);
    expect(store.get("port")).toBe(1883);
    expect(store.keys()).toEqual(["port"]);
    expect(() => store.set("a".repeat(16), 1)).toThrow(/1 to 15 characters/);
    expect(() => store.set("ratio", 0.5)).toThrow(/whole numbers/);
    expect(() => store.set("big", 2 ** 31)).toThrow(/32-bit/);
    expect(() => new PreferenceStore(prefs, "a-domain-too-long")).toThrow(/domain/);
    prefs.set("p1vscp", "blob", new ArrayBuffer(2));
    expect(() => store.get("blob")).toThrow(/binary/);
    store.delete("port");
    expect(store.get("port")).toBeUndefined();
  });
});

describe("ModdableMqttLink (ECMA-419 MQTT client)", () => {
  interface Written {
    bytes: number[];
    options: MqttWriteOptions;
  }
  function link() {
    const created: { options: MqttClient419Options; client: FakeClient }[] = [];
    class FakeClient implements MqttClient419 {
      written: Written[] = [];
      /** Bytes the socket takes; a packet beyond it throws as the SDK client does. */
      room = 4096;
      closed = false;
      constructor(readonly options: MqttClient419Options) {
        created.push({ options, client: this });
      }
      write(data: Uint8Array, options: MqttWriteOptions): number {
        const size = 1 + 1 + 2 + options.topic.length + (options.QoS ? 2 : 0) + data.byteLength;
        if (size > this.room) throw new Error("overflow");
        this.room -= size;
        this.written.push({ bytes: [...data], options: { ...options } });
        return this.room;
      }
      close() {
        this.closed = true;
      }
      // What the client does on the wire, as callbacks.
      connack() {
        // As the SDK client does: CONNACK to onControl, then the socket's room to onWritable.
        this.options.onControl.call(this, { operation: 2, id: 0, returnCode: 0 });
        this.options.onWritable.call(this, this.room);
      }
      puback(id: number) {
        this.options.onControl.call(this, { operation: 4, id });
      }
      pingresp() {
        this.options.onControl.call(this, { operation: 13, id: 0 });
      }
      fail() {
        this.options.onError.call(this);
      }
    }
    const TCP = class {};
    const TLSSocket = class {};
    const resolve = (host: string, callback: (name: string, address?: string) => void) =>
      callback(host, host === "nowhere" ? undefined : "10.0.0.2");
    const defer = (callback: () => void) => callback();
    return { mqtt: new ModdableMqttLink({ Client: FakeClient, TCP, TLSSocket, resolve, defer }), created, TCP, TLSSocket };
  }
  const connectOptions = {
    host: "10.0.0.2",
    port: 1883,
    clientId: "p1vscp-240AC4123456",
    username: "meter",
    password: "mqtt-secret",
    keepAliveSeconds: 30,
    will: { topic: "p1vscp/240AC4123456/status", payload: "offline", retain: true },
  };
  function recorder() {
    const seen: string[] = [];
    const events: MqttLinkEvents = {
      onMqttConnected: () => seen.push("up"),
      onMqttDisconnected: (r) => seen.push(`down: ${r}`),
      onMqttAcknowledged: (id) => seen.push(`ack ${id}`),
      onMqttHeard: () => seen.push("heard"),
    };
    return { seen, events };
  }

  it("maps the options to the client: keep-alive in ms, will, credentials, clean session, plain TCP", () => {
    const { mqtt, created, TCP } = link();
    mqtt.connect(connectOptions, recorder().events);
    expect(created[0].options).toMatchObject({
      host: "10.0.0.2",
      port: 1883,
      id: "p1vscp-240AC4123456",
      user: "meter",
      password: "mqtt-secret",
      clean: true,
      keepalive: 30000,
      will: { topic: "p1vscp/240AC4123456/status", message: "offline", QoS: 1, retain: true },
      socket: { io: TCP },
    });
    expect(created[0].options.dns.io).toBe(NetResolver);
  });

  it("uses the ECMA-419 TLS socket over a guarded TCP socket with the CA as DER", () => {
    const { mqtt, created, TCP, TLSSocket } = link();
    const pem = "-----BEGIN CERTIFICATE-----\nAQIDBA==\n-----END CERTIFICATE-----\n";
    mqtt.connect({ ...connectOptions, tls: { ca: pem } }, recorder().events);
    const socket = created[0].options.socket;
    expect(socket.io).toBe(TLSSocket);
    expect(socket.TCP?.io).toBeTypeOf("function");
    expect(socket.TCP?.io).not.toBe(TCP); // wrapped: see device-tls-link.test.ts
    expect(new Uint8Array(socket.secure?.certificate as ArrayBuffer)).toEqual(Uint8Array.of(1, 2, 3, 4));
  });

  it("resolves the broker with the network's resolver; an unknown name fails the attempt", () => {
    const resolver = new NetResolver({ resolve: (h, cb) => cb(h, h === "nowhere" ? undefined : "10.0.0.9") });
    const got: string[] = [];
    resolver.resolve({ host: "broker.lan", onResolved: (h, a) => got.push(`${h}=${a}`), onError: () => got.push("error") });
    resolver.resolve({ host: "nowhere", onResolved: (h, a) => got.push(`${h}=${a}`), onError: () => got.push("error") });
    expect(got).toEqual(["broker.lan=10.0.0.9", "error"]);
  });

  it("connected on CONNACK and the room that follows it; PUBACKs report their packet id, every control packet is heard", () => {
    const { mqtt, created } = link();
    const { seen, events } = recorder();
    mqtt.connect(connectOptions, events);
    expect(() => mqtt.publish("t", new Uint8Array(4), 0, 4, false, 1, 1, false)).toThrow(/closed/);
    const client = created[0].client;
    client.options.onControl.call(client, { operation: 2, id: 0, returnCode: 0 });
    expect(seen).toEqual(["heard"]); // no room reported yet: not ready to publish
    client.options.onWritable.call(client, 4096);
    expect(seen).toEqual(["heard", "up"]);
    client.puback(7);
    client.pingresp();
    expect(seen).toEqual(["heard", "up", "heard", "ack 7", "heard"]);
  });

  it("writes exactly the payload slice with topic, QoS, packet id and DUP, without copying it into a new buffer", () => {
    const { mqtt, created } = link();
    mqtt.connect(connectOptions, recorder().events);
    const client = created[0].client;
    client.connack();
    const payload = Uint8Array.of(9, 1, 2, 3, 9);
    expect(mqtt.publish("vscp/x", payload, 1, 3, false, 1, 42, true)).toBe(true);
    expect(client.written[0]).toEqual({
      bytes: [1, 2, 3],
      options: { topic: "vscp/x", QoS: 1, retain: false, duplicate: true, id: 42, byteLength: 3 },
    });
    expect(mqtt.publish("p1vscp/s", payload, 0, 2, true, 0, 0, false)).toBe(true);
    expect(client.written[1].options).toMatchObject({ QoS: 0, retain: true, duplicate: false, byteLength: 2 });
  });

  it("answers false when the socket cannot take the whole packet now (flow control), true again after onWritable", () => {
    const { mqtt, created } = link();
    mqtt.connect(connectOptions, recorder().events);
    const client = created[0].client;
    client.room = 20;
    client.connack();
    const payload = new Uint8Array(100);
    expect(mqtt.publish("vscp/x", payload, 0, 100, false, 1, 1, false)).toBe(false);
    expect(client.written).toEqual([]);
    client.room = 4096;
    client.options.onWritable.call(client, 4096);
    expect(mqtt.publish("vscp/x", payload, 0, 100, false, 1, 1, false)).toBe(true);
  });

  it("reports a failure once, closes, ignores a replaced client, and never puts the password in a reason", () => {
    const { mqtt, created } = link();
    const { seen, events } = recorder();
    mqtt.connect(connectOptions, events);
    created[0].client.fail();
    expect(seen).toEqual(["down: broker unreachable or refused the connection"]);
    mqtt.connect(connectOptions, events);
    created[1].client.connack();
    mqtt.connect(connectOptions, events); // replaces the second
    expect(created[1].client.closed).toBe(true);
    created[1].client.fail();
    created[1].client.puback(3);
    created[2].client.connack();
    created[2].client.fail();
    created[2].client.fail();
    expect(seen).toEqual(["down: broker unreachable or refused the connection", "heard", "up", "heard", "up", "down: connection closed"]);
    for (const r of seen) expect(r).not.toContain("mqtt-secret");
  });
});
describe("pemToDer", () => {
  it("decodes the base64 body and rejects non-PEM text", () => {
    const der = pemToDer("-----BEGIN CERTIFICATE-----\r\nMIIB\r\n/w==\r\n-----END CERTIFICATE-----");
    expect([...new Uint8Array(der)]).toEqual([0x30, 0x82, 0x01, 0xff]);
    expect(() => pemToDer("MIIB")).toThrow(/not a PEM/);
    expect(() => pemToDer("-----BEGIN CERTIFICATE-----\n$$$\n-----END CERTIFICATE-----")).toThrow(/base64/);
  });
});

describe("WiFiStationLink", () => {
  function station(ssid = "home") {
    let onChanged: ((p: "connection" | "address") => void) | undefined;
    const calls: string[] = [];
    const wifi: WiFiStation & { connection: number } = {
      connection: WiFiConnection.Disconnected,
      MAC: "24:0a:c4:12:34:56",
      RSSI: -61,
      connect: (o) => calls.push(`connect ${o.SSID} ${o.password ? "with password" : "open"}`),
      disconnect: () => calls.push("disconnect"),
      configure: (o) => calls.push(`hostname ${o.hostname}`),
    };
    const scheduler = new FakeScheduler();
    const link = new WiFiStationLink(
      class {
        constructor(options: { onChanged?: (p: "connection" | "address") => void }) {
          onChanged = options.onChanged;
          // biome-ignore lint/correctness/noConstructorReturn: the fake class hands back the prepared station
          return wifi;
        }
      } as unknown as ConstructorParameters<typeof WiFiStationLink>[0],
      { ssid, password: "wifi-secret", hostname: "p1vscp", connectTimeoutMs: 30000 },
      scheduler,
    );
    const events: string[] = [];
    const sink: NetworkLinkEvents = { onNetworkUp: () => events.push("up"), onNetworkDown: (r) => events.push(`down: ${r}`) };
    const change = (connection: number) => {
      wifi.connection = connection;
      onChanged?.("connection");
    };
    return { link, calls, events, sink, change, scheduler };
  }

  it("sets the host name, connects, reports up once and down after a drop", () => {
    const { link, calls, events, sink, change } = station();
    expect(calls).toEqual(["hostname p1vscp"]);
    link.connect(sink);
    expect(calls[1]).toBe("connect home with password");
    change(WiFiConnection.Associated);
    change(WiFiConnection.Connected);
    change(WiFiConnection.Connected);
    expect(link.rssi()).toBe(-61);
    change(WiFiConnection.Disconnected);
    expect(events).toEqual(["up", "down: Wi-Fi connection lost"]);
    expect(link.rssi()).toBeNaN();
    expect(link.mac()).toBe("240AC4123456");
  });

  it("gives up an attempt after the timeout so the core can retry", () => {
    const { link, calls, events, sink, scheduler } = station();
    link.connect(sink);
    expect([...scheduler.pending.values()][0].delay).toBe(30000);
    scheduler.fireAll();
    expect(calls).toContain("disconnect");
    expect(events).toEqual(["down: no IP address after 30 s"]);
  });

  it("reports a missing SSID instead of connecting", () => {
    const { link, calls, events, sink } = station("");
    link.connect(sink);
    expect(calls).toEqual(["hostname p1vscp"]);
    expect(events).toEqual(["down: no Wi-Fi network configured (ssid)"]);
  });

  it("normalises MAC spellings", () => {
    expect(normalizeMac("24-0A-C4-12-34-56")).toBe("240AC4123456");
    expect(normalizeMac("nonsense")).toBe("000000000000");
  });
});

describe("assembleDevice", () => {
  function modules(board: unknown, build: Record<string, unknown> = {}) {
    const lines: string[] = [];
    const prefs = new FakePreference();
    const opened: string[] = [];
    const m: DeviceModules<number> = {
      buildConfig: { board, ...build },
      preferences: prefs,
      timer: { set: () => 1, repeat: () => 2, clear() {} },
      time: { ticks: 1234, set() {} },
      SNTP: class {} as never,
      mqtt: {} as never,
      platform: {
        openMeterUart: () => {
          throw new Error("not opened at assembly");
        },
        openOutputPin: (pin) => {
          opened.push(`pin ${pin}`);
          return { write() {}, close() {} };
        },
        openStation: () => {
          opened.push("station");
          return { connect() {}, disconnect() {}, rssi: () => NaN, mac: () => "240AC4123456", address: () => "" };
        },
        restart() {},
        readInputPin: () => undefined,
      },
      freeMemory: () => 100000,
      log: (line) => lines.push(line),
    };
    return { m, lines, prefs, opened };
  }
  const board = { name: "DevKitC", chip: "esp32", uartPort: 2, rxPin: 16, rts: { pin: 4, activeLow: false } };

  it("seeds the build values, opens nothing until a mode asks, then every port, and logs no secret", () => {
    const { m, lines, prefs, opened } = modules(board, { ssid: "home", password: "wifi-secret-1", broker: "10.0.0.2" });
    const device = assembleDevice(m);
    expect(device.problems).toEqual([]);
    expect(device.settings.broker).toBe("10.0.0.2");
    expect(prefs.get("p1vscp", "ssid")).toBe("home");
    expect(opened).toEqual([]);
    const ports = device.openPorts();
    expect(ports.meter).toBeDefined();
    expect(opened).toEqual(["station", "pin 4"]);
    expect(device.clock.monotonicMs()).toBe(1234);
    for (const line of lines) expect(line).not.toContain("wifi-secret-1");
    expect(lines.join("\n")).toContain("password=***");
  });

  it("keeps running without a meter when the wiring is unusable, and says why", () => {
    const { m, lines } = modules({ ...board, uartPort: 0 }, { port: "99999" });
    const device = assembleDevice(m);
    const ports = device.openPorts();
    expect(ports.meter).toBeUndefined();
    expect(ports.dataRequest).toBeInstanceOf(FixedDataRequestLine);
    expect(device.problems).toEqual([
      "port: build value rejected: 99999 is above the maximum 65535; stored value kept",
      "board.uartPort: UART0 belongs to the console and debugger; use 1 or 2",
    ]);
    expect(lines.filter((l) => l.startsWith("problem: ")).length).toBe(2);
  });

  it("reports a Wi-Fi driver that cannot start instead of throwing", () => {
    const { m } = modules(board);
    m.platform.openStation = () => {
      throw new Error("esp_wifi_init failed");
    };
    const device = assembleDevice(m);
    expect(device.problems).toEqual([]);
    device.openPorts();
    expect(device.problems).toEqual(["Wi-Fi unavailable: esp_wifi_init failed"]);
  });
});
