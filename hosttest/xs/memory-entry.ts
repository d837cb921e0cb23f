import { AlarmSource } from "../../modules/alarm/source";
import { CHANNELS } from "../../modules/app/channels";
import { publishPolicies } from "../../modules/app/compose";
import { STATS_FIELDS } from "../../modules/app/health";
import { Outbox } from "../../modules/app/outbox";
import { DEFAULT_OUTBOX_BYTES } from "../../modules/app/outbox-sizing";
import { PowerHistory } from "../../modules/app/power-history";
import { PublishGate } from "../../modules/app/publish-policy";
import { defaultSettings } from "../../modules/config/schema";
import { EnergySource } from "../../modules/energy/energy-source";
import { tariffRuleFrom } from "../../modules/energy/tariff-rule";
import { HaDiscovery } from "../../modules/ha/discovery";
import { FrameStatus } from "../../modules/p1/frame-status";
import { Framer } from "../../modules/p1/framer";
import { ObisCatalog } from "../../modules/p1/obis-catalog";
import { TelegramParser } from "../../modules/p1/parser";
import { Reading } from "../../modules/p1/reading";
import { EventEncoder } from "../../modules/vscp/encoder";
import { VscpMapping } from "../../modules/vscp/mapping";
import { PresenceEncoder } from "../../modules/vscp/presence";
import { TelegramSnapshot } from "../../modules/vscp/snapshot";
import { Soak } from "../soak/soak-bridge";

// Entry for measuring what each part of the bridge core keeps alive inside XS. Each command builds one part (kept)
// or does one step, then collects; the host reads the live memory in between (hosttest/bench/core-memory.ts).
// Parts are built in dependency order with the firmware's default settings. A command is its name, a line feed
// and, for "telegrams", the meter bytes.

interface XsnapGlobals {
  gc(): void;
  handleCommand?: (message: ArrayBuffer) => ArrayBuffer | undefined;
}

const xs = globalThis as unknown as XsnapGlobals;
const MAC = "24:0A:C4:12:34:56";
const settings = defaultSettings();
const kept: unknown[] = [];
let catalog: ObisCatalog;
let mapping: VscpMapping;
let encoder: EventEncoder;
let presence: PresenceEncoder;
let snapshot: TelegramSnapshot;
let discovery: HaDiscovery;
let parser: TelegramParser;
let reading: Reading;
let soak: Soak | null = null;
let energy: EnergySource;

/** What the framer part hands each frame to (nothing until the telegrams step). */
let frameHandler: (frame: Framer) => void = () => {};
let framer: Framer;

/** Feeds a meter stream through framer, parser, encoder (every event and its topic) and snapshot: what first use makes. */
function telegrams(stream: Uint8Array): number {
  let good = 0;
  frameHandler = (frame) => {
    if (frame.status !== FrameStatus.Ok) return;
    good++;
    parser.parse(frame.buffer, frame.length, reading);
    const events = encoder.beginTelegram(reading, Number.NaN);
    for (let i = 0; i < events; i++) {
      encoder.topicOf(i);
      encoder.encode(i);
    }
    snapshot.write(reading);
  };
  framer.push(stream);
  framer.end();
  frameHandler = () => {};
  return good;
}

const steps: Record<string, (payload: Uint8Array) => unknown> = {
  catalog: () => (catalog = new ObisCatalog()),
  mapping: () => (mapping = new VscpMapping(catalog, { mac: MAC }, CHANNELS)),
  encoder: () => (encoder = new EventEncoder(mapping)),
  presence: () => (presence = new PresenceEncoder(mapping, { nodeName: settings.nodeName, prefix: settings.prefix })),
  snapshot: () => (snapshot = new TelegramSnapshot(catalog)),
  discovery: () =>
    (discovery = new HaDiscovery(mapping, {
      enabled: true,
      prefix: settings.haPrefix,
      deviceId: presence.deviceId,
      statusTopic: presence.statusTopic,
      statsTopic: presence.statsTopic,
      nodeName: settings.nodeName,
      firmware: "0.1.0",
      configurationUrl: `http://${settings.hostname}/`,
      stats: STATS_FIELDS,
    })),
  outbox: () => new Outbox(DEFAULT_OUTBOX_BYTES),
  parser: () => (parser = new TelegramParser(catalog)),
  reading: () => (reading = new Reading(catalog)),
  framer: () => (framer = new Framer({ onFrame: (frame) => frameHandler(frame) }, { capacity: 4096 })),
  publishPolicy: () => new PublishGate(catalog, publishPolicies({ ...settings, publish: "deadband" }, catalog)),
  powerHistory: () => new PowerHistory(catalog, 360),
  energy: () => (energy = new EnergySource(mapping, { topic: presence.tariffTopic, rule: tariffRuleFrom(settings) })),
  alarms: () => new AlarmSource(mapping, settings, energy),
  telegrams: (payload) => telegrams(payload),
  /** Home Assistant discovery for the last telegram: what a session start makes and keeps. */
  discoveryMessages: () => {
    const messages = discovery.prepare(reading);
    for (let i = 0; i < messages; i++) {
      discovery.topicOf(i);
      discovery.write(i);
    }
    return messages;
  },
  // The whole core as the firmware composes it from its default settings (hosttest/soak/soak-bridge.ts), on its own.
  composed: () => (soak = new Soak({ startUtcS: Date.UTC(2027, 9, 17) / 1000, days: 1 })),
  hour: () => soak!.run(360),
};

xs.handleCommand = (message: ArrayBuffer): ArrayBuffer | undefined => {
  const bytes = new Uint8Array(message);
  const newline = bytes.indexOf(0x0a);
  const name = new TextDecoder().decode(newline < 0 ? bytes : bytes.subarray(0, newline));
  let answer: unknown = null;
  if (Object.hasOwn(steps, name)) {
    answer = steps[name](newline < 0 ? new Uint8Array(0) : bytes.subarray(newline + 1));
    if (typeof answer === "object") kept.push(answer);
  }
  xs.gc();
  return new TextEncoder().encode(JSON.stringify(typeof answer === "number" ? answer : null)).buffer as ArrayBuffer;
};
