import type { Bridge } from "../app/bridge";
import { healthView } from "../app/health";
import type { Clock, MqttConnectOptions, MqttLink, MqttLinkEvents } from "../app/ports";
import type { Settings } from "../config/schema";
import { TimeStatus } from "../p1/meter-time";
import { NO_UNIT, UNITS } from "../p1/units";
import type { DeviceStatus, MeterValue } from "../setup/status-view";
import type { Station } from "./wifi-link";

/** Passes an MQTT link through and keeps the reason of the last failed or ended session for the status page. */
export class MqttErrorTap implements MqttLink {
  lastError = "";

  constructor(private readonly inner: MqttLink) {}

  connect(options: MqttConnectOptions, events: MqttLinkEvents): void {
    this.inner.connect(options, {
      onMqttConnected: () => {
        this.lastError = "";
        events.onMqttConnected();
      },
      onMqttDisconnected: (reason) => {
        this.lastError = reason;
        events.onMqttDisconnected(reason);
      },
      onMqttAcknowledged: (packetId) => events.onMqttAcknowledged(packetId),
      onMqttHeard: () => events.onMqttHeard(),
    });
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
    return this.inner.publish(topic, payload, offset, length, retain, qos, packetId, duplicate);
  }

  close(): void {
    this.inner.close();
  }
}

export interface StatusSource {
  firmware: string;
  boardName: string;
  settings: Settings;
  clock: Clock;
}

/** Values shown per telegram; a Swedish telegram has about 30. */
const MAX_VALUES = 40;

/**
 * The status page's view of the running device, read on request from the bridge's own counters and
 * its last parsed telegram (nothing is copied per telegram).
 */
export class StatusReport {
  private readonly startMs: number;
  bridge: Bridge | undefined;
  network: Station | undefined;
  mqtt: MqttErrorTap | undefined;

  constructor(private readonly source: StatusSource) {
    this.startMs = source.clock.monotonicMs();
  }

  read(mode: "setup" | "normal"): DeviceStatus {
    const { settings, clock } = this.source;
    const bridge = this.bridge;
    const health = bridge ? healthView(bridge.refreshHealth()) : {};
    const age = bridge ? bridge.health.lastTelegramAge : -1;
    const rssi = this.network ? this.network.rssi() : NaN;
    const connected = bridge ? bridge.health.mqttConnected : false;
    return {
      firmware: this.source.firmware,
      board: this.source.boardName,
      mode,
      uptimeS: Math.floor((clock.monotonicMs() - this.startMs) / 1000),
      meter:
        bridge && age >= 0
          ? { header: header(bridge), lastTelegram: meterTime(bridge), lastTelegramAgeS: age, values: values(bridge) }
          : { header: "", lastTelegram: "", lastTelegramAgeS: -1, values: [] },
      wifi: { ssid: settings.ssid, rssi, address: this.network ? this.network.address() : "" },
      mqtt: {
        state: !settings.broker ? "not configured" : connected ? "connected" : "disconnected",
        broker: settings.broker ? `${settings.broker}:${settings.port}` : "",
        lastError: this.mqtt ? this.mqtt.lastError : "",
      },
      health,
      chart: bridge?.history ? { nowS: clock.monotonicMs() / 1000, source: bridge.history } : undefined,
    };
  }
}

/** The identification line of the last telegram, printable ASCII only. */
function header(bridge: Bridge): string {
  const reading = bridge.reading;
  const frame = reading.frame;
  let text = "";
  for (let i = reading.headerStart; i < reading.headerEnd && i < frame.length && text.length < 64; i++) {
    const c = frame[i];
    if (c >= 0x20 && c < 0x7f) text += String.fromCharCode(c);
  }
  return text ? `/${text}` : "";
}

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** The meter's clock of the last telegram, e.g. "2024-03-11 14:22:30 (winter time)". */
function meterTime(bridge: Bridge): string {
  const t = bridge.reading.time;
  if (t.status !== TimeStatus.Valid) return "";
  const flag = t.flag === 0x53 ? " (summer time)" : t.flag === 0x57 ? " (winter time)" : "";
  return `${t.year}-${two(t.month)}-${two(t.day)} ${two(t.hour)}:${two(t.minute)}:${two(t.second)}${flag}`;
}

function values(bridge: Bridge): MeterValue[] {
  const reading = bridge.reading;
  const entries = bridge.catalog.entries;
  const out: MeterValue[] = [];
  for (let i = 0; i < reading.orderLength && out.length < MAX_VALUES; i++) {
    const slot = reading.order[i];
    const unit = reading.unit[slot];
    out.push({ code: entries[slot].obis, value: reading.valueAsSent(slot), unit: unit === NO_UNIT ? "" : UNITS[unit].name });
  }
  return out;
}
