import { activeAlarmLabels } from "../alarm/channels";

/** What the status page shows. The firmware and the simulator fill it from the running bridge. */

export interface MeterValue {
  /** OBIS code, e.g. "1-0:1.7.0". */
  code: string;
  value: number;
  unit: string;
}

export interface DeviceStatus {
  firmware: string;
  board: string;
  mode: "setup" | "normal";
  uptimeS: number;
  meter: {
    /** Identification line of the last telegram, e.g. "/LGF5E360". */
    header: string;
    /** Meter clock of the last telegram as ISO text, or "" before the first one. */
    lastTelegram: string;
    lastTelegramAgeS: number;
    values: readonly MeterValue[];
  };
  wifi: { ssid: string; rssi: number; address: string };
  mqtt: { state: "connected" | "disconnected" | "not configured"; broker: string; lastError: string };
  /** The bridge's health figures (healthView: the stats names, in their order); numbers, booleans, texts and nulls are shown. */
  health: object;
  /** The power chart's ring and the monotonic second its points are measured against; absent when none is kept. */
  chart?: { nowS: number; source: ChartSource };
}

/** The power history as the dashboard reads it (modules/app/power-history.ts has this shape). */
export interface ChartSource {
  readonly stepS: number;
  readonly capacity: number;
  /** Points with sequence number >= since, as [sequence, monotonic second, watts]. */
  since(since: number): number[][];
}

/** Longest health text shown (the last internal error is bounded where it is kept; this is a second fence). */
const MAX_HEALTH_TEXT = 200;

/** A copy holding only plain values: nothing the health object might carry beyond its figures leaks out. */
export function statusView(status: DeviceStatus): object {
  const health: Record<string, number | boolean | string | null> = {};
  const source = status.health as Record<string, unknown>;
  for (const key of Object.keys(source)) {
    const value = source[key];
    if (typeof value === "boolean" || value === null) health[key] = value;
    else if (typeof value === "number") health[key] = Number.isFinite(value) ? value : null;
    else if (typeof value === "string") health[key] = value.slice(0, MAX_HEALTH_TEXT);
  }
  const values: MeterValue[] = [];
  for (const v of status.meter.values) values.push({ code: String(v.code), value: Number(v.value), unit: String(v.unit) });
  return {
    firmware: status.firmware,
    board: status.board,
    mode: status.mode,
    uptimeS: status.uptimeS,
    meter: {
      header: status.meter.header,
      lastTelegram: status.meter.lastTelegram,
      lastTelegramAgeS: status.meter.lastTelegramAgeS,
      values,
    },
    wifi: { ssid: status.wifi.ssid, rssi: Number.isFinite(status.wifi.rssi) ? status.wifi.rssi : null, address: status.wifi.address },
    mqtt: { state: status.mqtt.state, broker: status.mqtt.broker, lastError: status.mqtt.lastError },
    health,
    // The health figure `alarms` is a bit mask; the page shows the names of what is active.
    alarms: activeAlarmLabels(typeof health.alarms === "number" ? health.alarms : 0),
  };
}
