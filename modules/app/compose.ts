import { FIELDS, mappingText, type Settings } from "../config/schema";
import { STATS_FIELDS } from "./health";
import { HaDiscovery } from "../ha/discovery";
import { EnergySource } from "../energy/energy-source";
import { tariffRuleFrom } from "../energy/tariff-rule";
import { ObisCatalog } from "../p1/obis-catalog";
import { Quantity } from "../p1/units";
import { VscpConfigError } from "../vscp/config-error";
import { EventEncoder } from "../vscp/encoder";
import { CHANNELS } from "./channels";
import { AlarmSource } from "../alarm/source";
import { VscpMapping, type EntryOverride, type VscpMappingConfig } from "../vscp/mapping";
import { checkMapping } from "../vscp/mapping-setting";
import { PresenceEncoder } from "../vscp/presence";
import { TelegramSnapshot } from "../vscp/snapshot";
import { Bridge, type BridgeOptions, type BridgePorts } from "./bridge";
import type { PublishPolicy } from "./publish-policy";
import type { KeyValueStore } from "./ports";

export interface BrokerAddress {
  host: string;
  port: number;
  username?: string;
  password?: string;
  tls?: boolean;
  /** PEM CA certificate for TLS. */
  ca?: string;
}

export interface ComposeOptions {
  /** Wi-Fi station MAC (GUID and device id). */
  mac: string;
  /** The broker; default: the configured one. The simulator passes its own. */
  broker?: BrokerAddress;
  /** Outbox size when the configuration leaves it to the board (outboxKiB = 0). */
  defaultOutboxBytes?: number;
  /** Timings and bounds that tests shorten. */
  bridge?: Partial<Omit<BridgeOptions, "mqtt" | "catalog">>;
  /** Firmware version (Home Assistant's device block). */
  firmware?: string;
  /** Address of the status page; default `http://{hostname}/` when the status page is on. */
  statusUrl?: string;
  /** Where the capacity tariff's month survives a restart (Preferences); none: kept in memory only. */
  store?: KeyValueStore;
  /** Receives each configuration problem; the default is kept and the bridge still starts. */
  report(problem: string): void;
}

export interface ComposedBridge {
  bridge: Bridge;
  catalog: ObisCatalog;
  mapping: VscpMapping;
  presence: PresenceEncoder;
  /** Derived values and the capacity tariff (also the alarms' TariffView). */
  energy: EnergySource;
  alarms: AlarmSource;
}

/** The publish policy setting applied to the catalog: "interval" to every value, "deadband" to power. */
export function publishPolicies(settings: Settings, catalog: ObisCatalog): Record<string, PublishPolicy> {
  const policies: Record<string, PublishPolicy> = {};
  if (settings.publish === "every") return policies;
  for (const entry of catalog.entries) {
    if (settings.publish === "interval") {
      policies[entry.obis] = { mode: "interval", intervalS: settings.pubInterval };
    } else if (entry.quantity === Quantity.ActivePower || entry.quantity === Quantity.ReactivePower) {
      policies[entry.obis] = { mode: "deadband", deadband: settings.pubDeadband };
    }
  }
  return policies;
}

function defaultOf(key: keyof Settings): string | number | boolean {
  return FIELDS.find((f) => f.key === key)!.default;
}

/**
 * A restart during a Wi-Fi outage must not come before the setup access point opens (setupAfter), or the
 * device would never offer setup: the restart is moved to a minute after it.
 */
export function restartAfterMinutes(settings: Settings, report: (problem: string) => void): number {
  const minutes = settings.restartAfter;
  if (minutes === 0 || settings.setupAfter === 0 || minutes * 60 > settings.setupAfter) return minutes;
  const moved = Math.ceil(settings.setupAfter / 60) + 1;
  report(`restartAfter: ${minutes} min would restart before setup opens after ${settings.setupAfter} s; ${moved} min used`);
  return moved;
}

/**
 * The per-value mapping rows of the settings. Rows naming a code this firmware does not know (a newer one's
 * channel, after a rollback) are left out and reported; any other fault keeps the whole default mapping.
 */
function mappingEntries(settings: Settings, catalog: ObisCatalog, report: (p: string) => void): EntryOverride[] | undefined {
  try {
    const checked = checkMapping(mappingText(settings), catalog, CHANNELS, true);
    if (checked.skipped.length) report(`mapping: ${checked.skipped.join(", ")} not known to this firmware; those rows are left out`);
    return checked.entries;
  } catch (error) {
    if (!(error instanceof VscpConfigError)) throw error;
    report(`${error.message}; the default mapping is used`);
    return undefined;
  }
}

/** A mapping from the settings; a field the VSCP layer refuses is reported and falls back to its default. */
function mappingFor(settings: Settings, catalog: ObisCatalog, mac: string, report: (p: string) => void): VscpMapping {
  const config: VscpMappingConfig = {
    mac,
    guid: settings.guid || undefined,
    topic: settings.topic,
    qos: settings.qos,
    zone: settings.zone,
    subzone: settings.subzone,
    entries: mappingEntries(settings, catalog, report),
  };
  for (;;) {
    try {
      return new VscpMapping(catalog, config, CHANNELS);
    } catch (error) {
      if (!(error instanceof VscpConfigError)) throw error;
      // The rows were checked above; should the VSCP layer still refuse one (`entries[3].zone`), the default mapping is used.
      if (error.field.startsWith("entries") && config.entries) {
        report(`mapping: ${error.message}; the default mapping is used`);
        config.entries = undefined;
        continue;
      }
      const field = error.field as keyof VscpMappingConfig;
      if (field === "mac" || !(field in config) || config[field] === undefined) throw error;
      report(`${error.message}; default kept`);
      if (field === "guid") config.guid = undefined;
      else (config as Record<string, unknown>)[field] = defaultOf(field as keyof Settings);
    }
  }
}

function presenceFor(settings: Settings, mapping: VscpMapping, report: (p: string) => void): PresenceEncoder {
  try {
    return new PresenceEncoder(mapping, { nodeName: settings.nodeName, prefix: settings.prefix });
  } catch (error) {
    if (!(error instanceof VscpConfigError)) throw error;
    report(`${error.message}; default kept`);
    return new PresenceEncoder(mapping, { nodeName: String(defaultOf("nodeName")), prefix: String(defaultOf("prefix")) });
  }
}

/**
 * Home Assistant discovery: sent after every connect when on; when off, its entities are removed once per
 * boot (empty retained configurations), so switching it off in setup cleans Home Assistant up.
 */
function discoveryFor(settings: Settings, mapping: VscpMapping, presence: PresenceEncoder, options: ComposeOptions): HaDiscovery {
  return new HaDiscovery(mapping, {
    enabled: settings.haDiscovery,
    prefix: settings.haPrefix,
    deviceId: presence.deviceId,
    statusTopic: presence.statusTopic,
    statsTopic: presence.statsTopic,
    nodeName: settings.nodeName,
    firmware: options.firmware ?? "unknown",
    configurationUrl: options.statusUrl ?? (settings.statusPage ? `http://${settings.hostname}/` : undefined),
    stats: STATS_FIELDS,
  });
}

/**
 * Builds the bridge core from validated settings and the platform's ports: the one place where the
 * configuration becomes encoders and bridge options, shared by the firmware and the simulator.
 */
export function composeBridge(settings: Settings, ports: BridgePorts, options: ComposeOptions): ComposedBridge {
  const catalog = new ObisCatalog();
  const mapping = mappingFor(settings, catalog, options.mac, options.report);
  const presence = presenceFor(settings, mapping, options.report);
  const broker = options.broker ?? {
    host: settings.broker,
    port: settings.port,
    username: settings.mqttUser || undefined,
    password: settings.mqttPass || undefined,
    tls: settings.tls,
    ca: settings.caCert || undefined,
  };
  const energy = new EnergySource(mapping, {
    topic: presence.tariffTopic,
    rule: tariffRuleFrom(settings),
    store: options.store,
    report: options.report,
  });
  if (!broker.host) options.report("broker: no MQTT broker configured; the bridge keeps trying and queues events");
  const alarms = new AlarmSource(mapping, settings, energy); // the capacity-tariff guard reads the energy source
  const bridge = new Bridge(
    ports,
    {
      events: new EventEncoder(mapping),
      presence,
      snapshot: settings.snapshot ? new TelegramSnapshot(catalog) : undefined,
      discovery: discoveryFor(settings, mapping, presence, options),
      channels: [energy, alarms], // the energy source first, so the alarms see this telegram's tariff figures
      retained: energy,
    },
    {
      catalog,
      mqtt: {
        host: broker.host,
        port: broker.port,
        clientId: settings.clientId || `p1vscp-${presence.deviceId.toLowerCase()}`,
        username: broker.username,
        password: broker.password,
        keepAliveSeconds: settings.keepAlive,
        tls: broker.tls ? { ca: broker.ca } : undefined,
      },
      qos: settings.qos,
      inFlightEvents: settings.inflightEvents,
      inFlightBytes: settings.inflightBytes,
      heartbeatS: settings.heartbeat,
      statsS: settings.statsInterval,
      parser: { defaultUtcOffsetMinutes: settings.utcOffset },
      acceptNoCrc: settings.noCrc,
      meterSilentAfterS: settings.silentAfter,
      restartAfterNoNetworkMin: restartAfterMinutes(settings, options.report),
      outboxBytes: settings.outboxKiB > 0 ? settings.outboxKiB * 1024 : options.defaultOutboxBytes,
      publishPolicies: publishPolicies(settings, catalog),
      secrets: FIELDS.filter((field) => field.secret).map((field) => String(settings[field.key])),
      historyPoints: settings.statusPage ? 360 : 0,
      ...options.bridge,
    },
  );
  alarms.attach(bridge.health);
  return { bridge, catalog, mapping, presence, energy, alarms };
}
