import type { Bridge, BridgeOptions } from "../../modules/app/bridge";
import { composeBridge } from "../../modules/app/compose";
import type { KeyValueStore, MeterSource, MqttLink } from "../../modules/app/ports";
import { loadSettings } from "../../modules/config/settings";
import type { Settings } from "../../modules/config/schema";
import type { EnergySource } from "../../modules/energy/energy-source";
import type { VscpMapping } from "../../modules/vscp/mapping";
import type { PresenceEncoder } from "../../modules/vscp/presence";
import { AlwaysUpNetwork } from "./always-up-network";
import { HostSystem } from "./host-system";
import { MemoryStore } from "./memory-store";
import { MqttJsLink, type PublishObserver } from "./mqtt-link";
import { RealClock, RealScheduler } from "./real-clock";

export interface HostBridgeOptions {
  meter: MeterSource;
  broker: { host: string; port: number; tls?: boolean; ca?: string; username?: string; password?: string };
  /** Station MAC for the GUID and the device id. */
  mac: string;
  /** Settings (topic template, zone, QoS, intervals, …) as the device keeps them in Preferences. */
  store?: KeyValueStore;
  /** Overrides for the bridge's timings and bounds (tests shorten the intervals). */
  bridge?: Partial<Omit<BridgeOptions, "mqtt">>;
  log?: (line: string) => void;
  observer?: PublishObserver;
  /** Replaces the MQTT link (tests wrap it). */
  link?: MqttLink;
  onConnected?: () => void;
  onDisconnected?: (reason: string) => void;
}

/**
 * The bridge core with the host's adapters: what the firmware's main.ts does with the device's ones.
 * Settings come from the store (defaults when empty); the broker address comes from the caller.
 */
export class HostBridge {
  readonly bridge: Bridge;
  readonly settings: Settings;
  readonly link: MqttLink;
  readonly presence: PresenceEncoder;
  readonly mapping: VscpMapping;
  /** Derived values and the capacity tariff. */
  readonly energy: EnergySource;
  private readonly scheduler = new RealScheduler();

  constructor(options: HostBridgeOptions) {
    const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
    const store = options.store ?? new MemoryStore();
    const loaded = loadSettings(store);
    for (const problem of loaded.problems) log(`settings: ${problem.message}`);
    const s = loaded.settings;
    this.settings = s;
    const link = options.link ?? new MqttJsLink({ observer: options.observer });
    this.link = link;
    const system = new HostSystem(log);
    // Tell the caller about session changes without touching the core: wrap the events the link reports.
    const reporting: MqttLink = {
      connect: (connectOptions, sessionEvents) =>
        link.connect(connectOptions, {
          onMqttConnected: () => {
            sessionEvents.onMqttConnected();
            options.onConnected?.();
          },
          onMqttDisconnected: (reason) => {
            sessionEvents.onMqttDisconnected(reason);
            options.onDisconnected?.(reason);
          },
          onMqttAcknowledged: (packetId) => sessionEvents.onMqttAcknowledged(packetId),
          onMqttHeard: () => sessionEvents.onMqttHeard(),
        }),
      publish: (topic, payload, offset, length, retain, qos, packetId, duplicate) =>
        link.publish(topic, payload, offset, length, retain, qos, packetId, duplicate),
      close: () => link.close(),
    };
    // The same composition as the firmware's: settings → mapping, encoders, policies, bridge options.
    const composed = composeBridge(
      s,
      { meter: options.meter, clock: new RealClock(), scheduler: this.scheduler, mqtt: reporting, network: new AlwaysUpNetwork(), system },
      { mac: options.mac, broker: options.broker, bridge: options.bridge, store, report: (problem) => log(`settings: ${problem}`) },
    );
    this.bridge = composed.bridge;
    this.mapping = composed.mapping;
    this.presence = composed.presence;
    this.energy = composed.energy;
  }

  get health() {
    return this.bridge.refreshHealth();
  }

  start(): void {
    this.bridge.start();
  }

  /** Sends `offline`, closes the session and stops every timer so the process can exit. */
  stop(): void {
    this.bridge.stop();
    this.scheduler.cancelAll();
  }
}
