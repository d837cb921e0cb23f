import type { MqttLink } from "../app/ports";
import type { Settings } from "../config/schema";

/**
 * Opens one MQTT session with the candidate settings and closes it again: the broker answered and
 * accepted the credentials. The will is never sent (the session ends with a clean disconnect).
 */
export class BrokerProbe {
  private link: MqttLink | undefined;

  /** `makeLink` gives a fresh link per probe, so a probe never disturbs the running bridge's session. */
  constructor(
    private readonly makeLink: () => MqttLink,
    private readonly deviceId: string,
  ) {}

  reach(settings: Settings, done: (error: string) => void): void {
    this.cancel();
    const link = this.makeLink();
    this.link = link;
    let reported = false;
    const report = (error: string) => {
      if (reported) return;
      reported = true;
      if (this.link === link) this.link = undefined;
      try {
        link.close();
      } catch {
        // Closing a link that failed to open may throw; the outcome is already known.
      }
      done(error);
    };
    link.connect(
      {
        host: settings.broker,
        port: settings.port,
        clientId: `${settings.clientId || this.deviceId}-test`.slice(0, 23),
        username: settings.mqttUser || undefined,
        password: settings.mqttPass || undefined,
        keepAliveSeconds: 30,
        will: { topic: `${settings.prefix}/${this.deviceId}/setup`, payload: "", retain: false },
        tls: settings.tls ? { ca: settings.caCert || undefined } : undefined,
      },
      {
        onMqttConnected: () => report(""),
        onMqttDisconnected: (reason) => report(reason || "connection closed"),
        onMqttAcknowledged: () => {},
        onMqttHeard: () => {},
      },
    );
  }

  cancel(): void {
    const link = this.link;
    this.link = undefined;
    if (link) {
      try {
        link.close();
      } catch {
        // Already closed.
      }
    }
  }
}
