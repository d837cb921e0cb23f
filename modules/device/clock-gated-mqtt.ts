import type { Clock, MqttConnectOptions, MqttLink, MqttLinkEvents } from "../app/ports";
import { DEVICE_CLOCK_VALID_FROM_MS } from "../vscp/utc";

/**
 * Sets the clock by SNTP before connecting: TLS checks certificate dates against it, and events fall
 * back to it when the meter clock is invalid. Without TLS a failed sync does not hold the connection up.
 */
export class ClockGatedMqttLink implements MqttLink {
  private synced = false;

  constructor(
    private readonly link: MqttLink,
    private readonly clock: Clock,
    private readonly sync: (done: (ok: boolean, detail: string) => void) => void,
    private readonly log: (line: string) => void,
  ) {}

  connect(options: MqttConnectOptions, events: MqttLinkEvents): void {
    if (this.synced || this.clock.wallMs() >= DEVICE_CLOCK_VALID_FROM_MS) {
      this.synced = true;
      this.link.connect(options, events);
      return;
    }
    this.sync((ok, detail) => {
      this.log(`clock: ${detail}`);
      this.synced = ok;
      if (ok || !options.tls) this.link.connect(options, events);
      else events.onMqttDisconnected(`TLS needs the time of day and SNTP gave none (${detail})`);
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
    return this.link.publish(topic, payload, offset, length, retain, qos, packetId, duplicate);
  }

  close(): void {
    this.link.close();
  }
}
