// A Bridge with fake ports and the real VSCP encoders, plus the events a telegram should produce.
import { Bridge, type BridgeOptions } from "../../modules/app/bridge";
import type { ChannelSource } from "../../modules/app/channel-queue";
import type { ChannelDefinition } from "../../modules/vscp/channels";
import { Framer } from "../../modules/p1/framer";
import { ObisCatalog } from "../../modules/p1/obis-catalog";
import { TelegramParser } from "../../modules/p1/parser";
import { Reading } from "../../modules/p1/reading";
import { FrameStatus } from "../../modules/p1/frame-status";
import { EventEncoder } from "../../modules/vscp/encoder";
import { VscpMapping, type VscpMappingConfig } from "../../modules/vscp/mapping";
import { PresenceEncoder } from "../../modules/vscp/presence";
import { TelegramSnapshot } from "../../modules/vscp/snapshot";
import { FakeClock } from "./fake-clock";
import { FakeMeter, FakeSystem } from "./fake-meter";
import { FakeMqttLink } from "./fake-mqtt";
import { FakeNetwork } from "./fake-network";
import { T0 } from "./telegrams";
import { seeded } from "../support/seeded-random";

export { seeded };

export const MAC = "24:0A:C4:12:34:56";

export interface Rig {
  clock: FakeClock;
  meter: FakeMeter;
  mqtt: FakeMqttLink;
  network: FakeNetwork;
  system: FakeSystem;
  bridge: Bridge;
  presence: PresenceEncoder;
  /** Feeds one telegram's bytes and lets the clock run `gapMs` (the meter's period). */
  telegram(bytes: Uint8Array, gapMs?: number, sizes?: readonly number[]): void;
  /** VSCP events received so far (topics under `vscp/`, presence excluded). */
  events(): { topic: string; payload: string }[];
}

export interface RigOptions {
  snapshot?: boolean;
  wallBase?: number;
  /** Channels after the catalog's slots, and the sources that publish on them (given the mapping). */
  channels?: readonly ChannelDefinition[];
  sources?: (mapping: VscpMapping) => ChannelSource[];
  /** Mapping settings beyond the MAC (zone, subzone, entries). */
  mapping?: Omit<VscpMappingConfig, "mac">;
}

export function makeRig(options: Partial<BridgeOptions> = {}, rigOptions: RigOptions = {}): Rig {
  const clock = new FakeClock(rigOptions.wallBase ?? T0 - 5_000);
  const meter = new FakeMeter();
  const mqtt = new FakeMqttLink(clock);
  const network = new FakeNetwork(clock);
  const system = new FakeSystem(() => clock.now);
  const catalog = new ObisCatalog();
  const mapping = new VscpMapping(catalog, { ...rigOptions.mapping, mac: MAC }, rigOptions.channels ?? []);
  const presence = new PresenceEncoder(mapping, { nodeName: "P1 test meter" });
  const bridge = new Bridge(
    { meter, dataRequest: meter, clock, scheduler: clock, mqtt, network, system },
    {
      events: new EventEncoder(mapping),
      presence,
      snapshot: rigOptions.snapshot ? new TelegramSnapshot(catalog) : undefined,
      channels: rigOptions.sources?.(mapping),
    },
    {
      mqtt: {
        host: "127.0.0.1",
        port: 1883,
        clientId: "p1vscp-240ac4123456",
        username: "meter",
        password: "s3cret-pass",
        keepAliveSeconds: 60,
      },
      catalog,
      random: seeded(7),
      ...options,
    },
  );
  const nodeOnlineTopic = presence.newNodeOnlineTopic;
  const heartbeatTopics = new Set([presence.heartbeatTopic, presence.level2HeartbeatTopic, nodeOnlineTopic]);
  return {
    clock,
    meter,
    mqtt,
    network,
    system,
    bridge,
    presence,
    telegram(bytes, gapMs = 10_000, sizes) {
      meter.feed(bytes, sizes);
      clock.advance(gapMs);
    },
    events() {
      return mqtt.received
        .filter((m) => m.topic.startsWith("vscp/") && !heartbeatTopics.has(m.topic))
        .map((m) => ({ topic: m.topic, payload: m.payload }));
    },
  };
}

/** The events each telegram should yield, computed without the bridge (framer → parser → encoder). */
export function expectedEvents(telegrams: readonly Uint8Array[], wallMs = Number.NaN): { topic: string; payload: string }[] {
  const catalog = new ObisCatalog();
  const encoder = new EventEncoder(new VscpMapping(catalog, { mac: MAC }));
  const parser = new TelegramParser(catalog);
  const reading = new Reading(catalog);
  const out: { topic: string; payload: string }[] = [];
  const framer = new Framer({
    onFrame(f) {
      if (f.status !== FrameStatus.Ok) return;
      parser.parse(f.buffer, f.length, reading);
      const n = encoder.beginTelegram(reading, wallMs);
      for (let i = 0; i < n; i++) {
        const length = encoder.encode(i);
        out.push({ topic: encoder.topicOf(i), payload: Buffer.from(encoder.buffer.subarray(0, length)).toString("latin1") });
      }
    },
  });
  for (const t of telegrams) framer.push(t);
  return out;
}
