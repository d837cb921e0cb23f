// The bridge core's view of the outside world. The firmware (modules/device), the simulator and the tests
// each implement these; the core never imports Moddable or Node.

/** Receives meter bytes; the chunk is only valid during the call (the source reuses its buffer). */
export interface MeterBytesSink {
  onMeterBytes(bytes: Uint8Array, start: number, end: number): void;
}

/** The meter's serial line: a UART on the device, a replay, a pty or a USB adapter on the host. */
export interface MeterSource {
  start(sink: MeterBytesSink): void;
  stop(): void;
  /** Receive-buffer overruns and framing errors the driver saw, cumulative (0 where unknown). */
  readonly overruns: number;
  readonly framingErrors: number;
}

/** The P1 data-request (RTS) line. Held active while reading: toggling breaks some meters. */
export interface DataRequestLine {
  setActive(active: boolean): void;
}

export interface Clock {
  /** Monotonic milliseconds; only differences matter. */
  monotonicMs(): number;
  /** Milliseconds since 1970 (UTC), or NaN while the wall clock is not set (no SNTP yet). */
  wallMs(): number;
}

/** Timers; callbacks are created once at start-up, never per telegram. */
export interface Scheduler {
  /** Calls `callback` every `intervalMs` until cancelled. */
  repeat(callback: () => void, intervalMs: number): unknown;
  /** Calls `callback` once after `delayMs`. */
  once(callback: () => void, delayMs: number): unknown;
  cancel(handle: unknown): void;
}

export interface MqttWill {
  topic: string;
  payload: string;
  retain: boolean;
}

export interface MqttConnectOptions {
  host: string;
  port: number;
  clientId: string;
  username?: string;
  password?: string;
  keepAliveSeconds: number;
  will: MqttWill;
  /** TLS with this CA certificate (PEM); undefined for plain TCP. */
  tls?: { ca?: string };
}

export interface MqttLinkEvents {
  onMqttConnected(): void;
  /** The session ended or could not be opened; `reason` never contains credentials. */
  onMqttDisconnected(reason: string): void;
  /** The broker acknowledged the QoS 1 publish with this packet id (PUBACK); any order. */
  onMqttAcknowledged(packetId: number): void;
  /** A packet came from the broker (PUBACK, PINGRESP, …): the link is alive. */
  onMqttHeard(): void;
}

export interface MqttLink {
  /** Opens a session; the outcome arrives through `events`. */
  connect(options: MqttConnectOptions, events: MqttLinkEvents): void;
  /**
   * Publishes payload[offset, offset + length) (copied before returning). Returns false when the link cannot
   * take it now (send buffer full): the caller keeps the message and tries again later. Throws when closed.
   * At QoS 1 the caller picks the packet id (1 … 65535) and sets `duplicate` when it sends a message again;
   * the acknowledgement arrives through `onMqttAcknowledged`.
   */
  publish(
    topic: string,
    payload: Uint8Array,
    offset: number,
    length: number,
    retain: boolean,
    qos: number,
    packetId: number,
    duplicate: boolean,
  ): boolean;
  close(): void;
}

export interface NetworkLinkEvents {
  onNetworkUp(): void;
  onNetworkDown(reason: string): void;
}

/** Wi-Fi station on the device; always up (or scripted) on the host. */
export interface NetworkLink {
  /** Starts joining; retries are driven by the core calling connect again after onNetworkDown. */
  connect(events: NetworkLinkEvents): void;
  disconnect(): void;
  /** Received signal strength in dBm, or NaN when unknown. */
  rssi(): number;
}

/** Key/value persistence: defined with the settings that are stored through it (config sits below app). */
export type { KeyValueStore } from "../config/key-value-store";

/** Facts and actions of the running system. */
export interface SystemPort {
  /** Free heap in bytes, or NaN when unknown. */
  freeMemory(): number;
  /** Restarts the device (the core asks; the port decides how). */
  restart(reason: string): void;
  /** Diagnostic output; never receives secrets. */
  log(message: string): void;
}
