import type { NetworkLink, NetworkLinkEvents, Scheduler } from "../app/ports";
import { errorMessage } from "../config/error-message";

/** What this adapter uses of the ECMA-419 `embedded:network/interface/wifi` station. */
export interface WiFiStation {
  connect(options: { SSID: string; password?: string }): void;
  disconnect(): void;
  configure(options: { hostname?: string }): void;
  readonly connection: number;
  readonly MAC: string | undefined;
  readonly RSSI: number | undefined;
  readonly address?: string;
}

export type WiFiStationClass = new (options: { onChanged?: (property: "connection" | "address") => void }) => WiFiStation;

/** ECMA-419 `connection` values. */
export const WiFiConnection = Object.freeze({ Disconnected: 200, Connecting: 300, Associated: 400, Connected: 500 } as const);

export interface StationOptions {
  ssid: string;
  password: string;
  hostname: string;
  /** Give up on one attempt after this long; the core decides when to try again. */
  connectTimeoutMs?: number;
}

/** A network link that also knows the station MAC (for the GUID and the device id). */
export interface Station extends NetworkLink {
  /** 12 upper-case hex digits, e.g. "240AC4123456". */
  mac(): string;
  /** IPv4 address while connected, "" otherwise. */
  address(): string;
}

/**
 * Wi-Fi station on the ECMA-419 driver. It never reconnects on its own (the SDK does not either):
 * it reports up/down and the core's policy calls connect() again.
 */
export class WiFiStationLink implements Station {
  private readonly wifi: WiFiStation;
  private events: NetworkLinkEvents | undefined;
  private up = false;
  private attempt: unknown;
  private readonly timeoutMs: number;

  constructor(
    WiFi: WiFiStationClass,
    private readonly options: StationOptions,
    private readonly scheduler: Scheduler,
  ) {
    this.timeoutMs = options.connectTimeoutMs ?? 30_000;
    this.wifi = new WiFi({ onChanged: (property) => this.changed(property) });
    if (options.hostname) this.wifi.configure({ hostname: options.hostname });
  }

  connect(events: NetworkLinkEvents): void {
    this.events = events;
    if (!this.options.ssid) {
      events.onNetworkDown("no Wi-Fi network configured (ssid)");
      return;
    }
    if (this.up) return;
    try {
      this.wifi.connect(this.options.password ? { SSID: this.options.ssid, password: this.options.password } : { SSID: this.options.ssid });
    } catch (error) {
      events.onNetworkDown(`connect failed: ${errorMessage(error)}`);
      return;
    }
    this.scheduler.cancel(this.attempt);
    this.attempt = this.scheduler.once(() => this.timedOut(), this.timeoutMs);
  }

  disconnect(): void {
    this.scheduler.cancel(this.attempt);
    this.attempt = undefined;
    this.wifi.disconnect();
  }

  rssi(): number {
    const rssi = this.wifi.RSSI;
    return this.up && typeof rssi === "number" ? rssi : NaN;
  }

  mac(): string {
    return normalizeMac(this.wifi.MAC ?? "");
  }

  address(): string {
    const address = this.wifi.address;
    return this.up && typeof address === "string" ? address : "";
  }

  private changed(property: "connection" | "address"): void {
    if (property !== "connection") return;
    const connection = this.wifi.connection;
    if (connection === WiFiConnection.Connected && !this.up) {
      this.up = true;
      this.scheduler.cancel(this.attempt);
      this.attempt = undefined;
      this.events?.onNetworkUp();
    } else if (connection === WiFiConnection.Disconnected) {
      const wasUp = this.up;
      this.up = false;
      this.scheduler.cancel(this.attempt);
      this.attempt = undefined;
      this.events?.onNetworkDown(wasUp ? "Wi-Fi connection lost" : "Wi-Fi connection failed");
    }
  }

  private timedOut(): void {
    this.attempt = undefined;
    if (this.up) return;
    this.wifi.disconnect();
    this.events?.onNetworkDown(`no IP address after ${Math.round(this.timeoutMs / 1000)} s`);
  }
}

/** "24:0a:c4:12:34:56" or "24-0A-…" → "240AC4123456"; anything else → "000000000000". */
export function normalizeMac(text: string): string {
  let hex = "";
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 48 && c <= 57) || (c >= 65 && c <= 70)) hex += text[i];
    else if (c >= 97 && c <= 102) hex += String.fromCharCode(c - 32);
    else if (c !== 58 && c !== 45) return "000000000000";
  }
  return hex.length === 12 ? hex : "000000000000";
}

/** The host's network (simulator): always up, reported asynchronously like a real link. */
export class HostNetworkLink implements Station {
  constructor(
    private readonly scheduler: Scheduler,
    private readonly macText: string,
  ) {}

  connect(events: NetworkLinkEvents): void {
    this.scheduler.once(() => events.onNetworkUp(), 0);
  }

  disconnect(): void {}

  rssi(): number {
    return NaN;
  }

  mac(): string {
    return normalizeMac(this.macText);
  }

  address(): string {
    return "127.0.0.1";
  }
}

/** Stands in when the Wi-Fi driver could not be created: every connect reports why. */
export class UnavailableNetworkLink implements Station {
  constructor(
    private readonly scheduler: Scheduler,
    private readonly reason: string,
  ) {}

  connect(events: NetworkLinkEvents): void {
    this.scheduler.once(() => events.onNetworkDown(this.reason), 0);
  }

  disconnect(): void {}

  rssi(): number {
    return NaN;
  }

  mac(): string {
    return "000000000000";
  }

  address(): string {
    return "";
  }
}
