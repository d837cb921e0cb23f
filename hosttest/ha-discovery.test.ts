// Home Assistant discovery for every Swedish telegram, checked field by field against HA's documented MQTT
// sensor schema (hosttest/ha/mqtt-sensor-schema.ts names its sources), and its wiring into the bridge.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { composeBridge } from "../modules/app/compose";
import { loadSettings } from "../modules/config/settings";
import { diagnosticsFor, meterIdentity } from "../modules/ha/entities";
import { HaDiscovery } from "../modules/ha/discovery";
import { Framer } from "../modules/p1/framer";
import { ObisCatalog } from "../modules/p1/obis-catalog";
import { TelegramParser } from "../modules/p1/parser";
import { Reading } from "../modules/p1/reading";
import { FrameStatus } from "../modules/p1/frame-status";
import { EventEncoder } from "../modules/vscp/encoder";
import { VscpMapping, type EntryOverride } from "../modules/vscp/mapping";
import { PresenceEncoder } from "../modules/vscp/presence";
import { STATS_FIELDS } from "../modules/app/health";

const STATS_KEYS = STATS_FIELDS.map((field) => field.key);
const DIAGNOSTICS = diagnosticsFor(STATS_FIELDS);
import { FakeClock } from "./fakes/fake-clock";
import { FakeMeter, FakeSystem } from "./fakes/fake-meter";
import { FakeMqttLink } from "./fakes/fake-mqtt";
import { FakeNetwork } from "./fakes/fake-network";
import { T0, telegramSeries } from "./fakes/telegrams";
import { DISCOVERY_TOPIC, sensorConfigProblems } from "./ha/mqtt-sensor-schema";
import { MemoryStore } from "./sim/memory-store";
import { readTelegram, telegramFiles } from "./support/p1";

const MAC = "24:0A:C4:12:34:56";
const DEVICE_ID = "240AC4123456";

/** The manufacturer and model each Swedish meter's identification line names. */
const IDENTITY: Record<string, [string, string]> = {
  ADN9: ["Aidon", "6534|6560"],
  KFM5: ["Kaifa", "KAIFA-METER"],
  KAM5: ["Kamstrup", "KAM5"],
  LGF5: ["Landis+Gyr", "E360"],
  ELL5: ["Sagemcom", "53833635_A"],
};

/** HA's reading of each VSCP quantity: [device_class, state_class, unit]. */
const CLASS_OF_TYPE: Record<number, [string, string, string | undefined]> = {
  13: ["energy", "total_increasing", "kWh"],
  65: ["reactive_energy", "total_increasing", "kvarh"],
  14: ["power", "measurement", "W"],
  64: ["reactive_power", "measurement", "var"],
  16: ["voltage", "measurement", "V"],
  5: ["current", "measurement", "A"],
  9: ["frequency", "measurement", "Hz"],
  63: ["power_factor", "measurement", undefined],
};

interface Built {
  discovery: HaDiscovery;
  messages: { topic: string; payload: string }[];
  events: { topic: string; json: Record<string, any> }[];
  header: string;
}

/** Parses the file's first good telegram and builds discovery and events from it, as the bridge does. */
function build(file: string, options: { enabled?: boolean; entries?: EntryOverride[] } = {}): Built {
  const catalog = new ObisCatalog();
  const mapping = new VscpMapping(catalog, { mac: MAC, entries: options.entries });
  const presence = new PresenceEncoder(mapping, { nodeName: "P1 meter" });
  const encoder = new EventEncoder(mapping);
  const discovery = new HaDiscovery(mapping, {
    stats: STATS_FIELDS,
    enabled: options.enabled ?? true,
    prefix: "homeassistant",
    deviceId: presence.deviceId,
    statusTopic: presence.statusTopic,
    statsTopic: presence.statsTopic,
    nodeName: "P1 meter",
    firmware: "0.1.0",
    configurationUrl: "http://p1vscp/",
  });
  const parser = new TelegramParser(catalog);
  const reading = new Reading(catalog);
  let built: Built | undefined;
  const framer = new Framer({
    onFrame(f) {
      if (built || f.status !== FrameStatus.Ok) return;
      parser.parse(f.buffer, f.length, reading);
      const n = discovery.prepare(reading);
      const messages = [];
      for (let i = 0; i < n; i++) {
        const length = discovery.write(i);
        messages.push({ topic: discovery.topicOf(i), payload: Buffer.from(discovery.buffer.subarray(0, length)).toString("utf8") });
      }
      const events = [];
      const count = encoder.beginTelegram(reading, Number.NaN);
      for (let i = 0; i < count; i++) {
        const length = encoder.encode(i);
        events.push({ topic: encoder.topicOf(i), json: JSON.parse(Buffer.from(encoder.buffer.subarray(0, length)).toString("latin1")) });
      }
      const header = Buffer.from(reading.frame.subarray(reading.headerStart, reading.headerEnd)).toString("latin1");
      built = { discovery, messages, events, header };
    },
  });
  framer.push(Buffer.concat([readTelegram(file), Buffer.from("\r\n")])); // a file may end right after the CRC
  if (!built) throw new Error(`${file} holds no good telegram`);
  return built;
}

const SWEDISH = telegramFiles("SE_");

describe("discovery messages of the Swedish corpus", () => {
  it("has Swedish telegrams to check", () => {
    expect(SWEDISH.length).toBeGreaterThanOrEqual(10);
  });

  it.each(SWEDISH)("%s: one conforming configuration per published value, the meter time and every health counter", (file) => {
    const { messages, events, header } = build(file);
    const configs = messages.map((m) => ({ topic: m.topic, config: JSON.parse(m.payload) as Record<string, any> }));
    const uniqueIds = new Set<string>();
    for (const { topic, config } of configs) {
      const match = DISCOVERY_TOPIC.exec(topic);
      expect(match, topic).not.toBeNull();
      expect(match![1]).toBe("homeassistant");
      expect(match![2]).toBe(DEVICE_ID);
      expect(sensorConfigProblems(config), topic).toEqual([]);
      expect(config.unique_id).toBe(`p1vscp_${DEVICE_ID.toLowerCase()}_${match![3]}`);
      uniqueIds.add(config.unique_id);
      // One device block for all, from the MAC and the meter's identification line.
      const [manufacturer, models] = IDENTITY[header.slice(0, 4)];
      expect(config.device.identifiers).toEqual([`p1vscp_${DEVICE_ID.toLowerCase()}`]);
      expect(config.device.connections).toEqual([["mac", MAC.toLowerCase()]]);
      expect(config.device.manufacturer).toBe(manufacturer);
      expect(models.split("|")).toContain(config.device.model);
      expect(config.device.sw_version).toBe("0.1.0");
      expect(config.device.configuration_url).toBe("http://p1vscp/");
      expect(config.availability).toHaveLength(1);
      expect(config.availability[0].topic).toBe(`p1vscp/${DEVICE_ID}/status`);
    }
    expect(uniqueIds.size).toBe(configs.length);

    // Values: state_topic is the event's own topic; classes, unit and precision follow the event.
    const values = configs.filter((c) => c.topic.includes("/obis_"));
    expect(values.length).toBe(events.length);
    for (const event of events) {
      const found = values.filter((v) => v.config.state_topic === event.topic);
      expect(found, event.topic).toHaveLength(1);
      const config = found[0].config;
      const [deviceClass, stateClass, unit] = CLASS_OF_TYPE[event.json.vscpType];
      expect(config.name).toBe(event.json.vscpNote);
      expect(config.device_class).toBe(deviceClass);
      expect(config.state_class).toBe(stateClass);
      expect(config.unit_of_measurement).toBe(unit);
      expect(config.value_template).toBe("{{ value_json.measurement.value }}");
      const digits = String.fromCharCode(...(event.json.vscpData as number[]).slice(4, -1));
      const point = digits.indexOf(".");
      expect(config.suggested_display_precision, digits).toBe(point < 0 ? 0 : digits.length - point - 1);
      expect(config.entity_category).toBeUndefined();
      expect(config.expire_after).toBeUndefined();
    }

    const clock = configs.find((c) => c.topic.endsWith("/meter_time/config"))!.config;
    expect(clock.state_topic).toBe(events[0].topic);
    expect(clock.value_template).toBe("{{ value_json.vscpDateTime }}");
    expect(clock.device_class).toBe("timestamp");
    expect(clock.entity_category).toBe("diagnostic");

    const diagnostics = configs.filter((c) => c.topic.includes("/stats_"));
    expect(diagnostics.map((d) => d.config.value_template)).toEqual(STATS_KEYS.map((k) => `{{ value_json.${k} }}`));
    for (const { config } of diagnostics) {
      expect(config.state_topic).toBe(`p1vscp/${DEVICE_ID}/stats`);
      expect(config.entity_category).toBe("diagnostic");
    }
    expect(configs.length).toBe(events.length + 1 + STATS_KEYS.length);
  });

  it("names every stats key once, in the stats message's order", () => {
    expect(DIAGNOSTICS.map((d) => d.key)).toEqual([...STATS_KEYS]);
  });

  it("marks running totals as totals and current figures as measurements", () => {
    const stateClass = (key: string) => DIAGNOSTICS.find((d) => d.key === key)?.stateClass;
    expect(stateClass("telegramsOk")).toBe("total_increasing");
    for (const key of ["queueDepth", "queueBytes", "queueCapacity", "update", "freeMemory"])
      expect(stateClass(key), key).toBe("measurement");
    expect(stateClass("lastInternalError")).toBeUndefined();
  });

  it("reads manufacturer and model from identification lines", () => {
    expect(meterIdentity("LGF5E360")).toEqual({ manufacturer: "Landis+Gyr", model: "E360" });
    expect(meterIdentity("ISk5\\2MT382-1000")).toEqual({ manufacturer: "Iskraemeco", model: "MT382-1000" });
    expect(meterIdentity("KAM5")).toEqual({ manufacturer: "Kamstrup", model: "KAM5" });
    expect(meterIdentity("QQQ5XYZ")).toEqual({ manufacturer: "QQQ", model: "XYZ" });
  });

  it("marks values unavailable while the meter is silent, health counters only when the device is offline", () => {
    const { messages } = build(SWEDISH[0]);
    const value = JSON.parse(messages[0].payload);
    const stats = JSON.parse(messages[messages.length - 1].payload);
    expect(value.availability[0].value_template).toBe("{{ 'online' if value == 'online' else 'offline' }}");
    expect(stats.availability[0].value_template).toBe("{{ 'offline' if value == 'offline' else 'online' }}");
  });
});

describe("removal", () => {
  it("sends an empty configuration for a value switched off in the mapping, and keeps the others", () => {
    const file = SWEDISH.find((f) => f.includes("ellevio"))!;
    const { messages } = build(file, { entries: [{ obis: "1-0:2.7.0", enabled: false }] });
    const off = messages.find((m) => m.topic === `homeassistant/sensor/${DEVICE_ID}/obis_1-0_2_7_0/config`)!;
    expect(off.payload).toBe("");
    const on = messages.find((m) => m.topic === `homeassistant/sensor/${DEVICE_ID}/obis_1-0_1_7_0/config`)!;
    expect(JSON.parse(on.payload).state_class).toBe("measurement");
  });

  it("with discovery off, empties every configuration it would send, once per boot", () => {
    const file = SWEDISH.find((f) => f.includes("ellevio"))!;
    const on = build(file);
    const off = build(file, { enabled: false });
    expect(off.messages.map((m) => m.topic)).toEqual(on.messages.map((m) => m.topic));
    expect(off.messages.every((m) => m.payload === "")).toBe(true);
    const catalog = new ObisCatalog();
    const reading = new Reading(catalog);
    expect(off.discovery.prepare(reading)).toBe(0);
  });
});

describe("in the bridge", () => {
  function rig(values: Record<string, boolean | string>) {
    const store = new MemoryStore();
    for (const [k, v] of Object.entries(values)) store.set(k, v);
    const s = loadSettings(store).settings;
    const clock = new FakeClock(T0 - 5_000);
    const meter = new FakeMeter();
    const mqtt = new FakeMqttLink(clock);
    const { bridge } = composeBridge(
      { ...s, broker: "127.0.0.1" },
      { meter, clock, scheduler: clock, mqtt, network: new FakeNetwork(clock), system: new FakeSystem(() => clock.now) },
      { mac: MAC, firmware: "0.1.0", report: () => {} },
    );
    return { bridge, clock, meter, mqtt };
  }
  // The meter's own values (sensor indexes below the derived channels' 100–127, which discovery does not describe).
  const isMeterValueEvent = (m: { topic: string }) =>
    m.topic.startsWith("vscp/") && m.topic.split("/")[2] === "1040" && Number(m.topic.split("/").at(-1)) < 100;
  const configTopics = (mqtt: FakeMqttLink) => mqtt.received.filter((m) => m.topic.startsWith("homeassistant/"));

  it("sends the retained configurations after each connect, with the first telegram, before its events", () => {
    const { bridge, clock, meter, mqtt } = rig({ haDiscovery: true, statusPage: true });
    bridge.start();
    clock.advance(5_000);
    expect(configTopics(mqtt)).toHaveLength(0); // nothing known before a telegram
    const [first, second] = telegramSeries(2);
    meter.feed(first);
    clock.advance(1_000);
    const configs = configTopics(mqtt);
    const events = mqtt.received.filter(isMeterValueEvent);
    expect(events.length).toBeGreaterThan(0);
    expect(configs.length).toBe(events.length + 1 + STATS_KEYS.length);
    expect(configs.every((m) => m.retain && m.payload.length > 0)).toBe(true);
    expect(JSON.parse(configs[0].payload).device.configuration_url).toBe("http://p1vscp/");
    const firstConfig = mqtt.received.indexOf(configs[0]);
    const firstEvent = mqtt.received.findIndex((m) => m.topic.startsWith("vscp/") && m.topic.split("/")[2] === "1040");
    expect(firstConfig).toBeLessThan(firstEvent);
    meter.feed(second);
    clock.advance(10_000);
    expect(configTopics(mqtt).length).toBe(configs.length); // not per telegram

    mqtt.goDown();
    clock.advance(2_000);
    mqtt.goUp();
    clock.advance(70_000);
    meter.feed(first);
    clock.advance(1_000);
    expect(configTopics(mqtt).length).toBe(2 * configs.length);
    bridge.stop();
  });

  it("with discovery off, removes the entities once per boot", () => {
    const { bridge, clock, meter, mqtt } = rig({});
    bridge.start();
    clock.advance(5_000);
    const [first] = telegramSeries(1);
    meter.feed(first);
    clock.advance(1_000);
    const removals = configTopics(mqtt);
    const events = mqtt.received.filter(isMeterValueEvent);
    expect(removals.length).toBe(events.length + 1 + STATS_KEYS.length);
    expect(removals.every((m) => m.retain && m.payload === "")).toBe(true);
    mqtt.goDown();
    clock.advance(2_000);
    mqtt.goUp();
    clock.advance(70_000);
    meter.feed(first);
    clock.advance(1_000);
    expect(configTopics(mqtt).length).toBe(removals.length);
    bridge.stop();
  });
});

describe("README", () => {
  it("lists exactly the entities a Swedish meter gets", () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    const section = readme.slice(readme.indexOf("## Use it with Home Assistant"), readme.indexOf("## Build and flash the firmware"));
    const rows = section.split("\n").filter((l) => l.startsWith("| ") && l.includes("`obis_"));
    const { messages } = build(SWEDISH.find((f) => f.includes("ellevio"))!);
    const expected = messages
      .filter((m) => m.topic.includes("/obis_"))
      .map((m) => {
        const c = JSON.parse(m.payload);
        const id = m.topic.split("/")[3];
        return `| ${c.name} | \`${id}\` | ${c.device_class} | ${c.state_class} | ${c.unit_of_measurement ?? ""} | ${c.suggested_display_precision} |`;
      });
    expect(rows).toEqual(expected);
    const prose = section.replace(/\s+/g, " ");
    for (const d of DIAGNOSTICS) expect(prose).toContain(d.name);
  });
});
