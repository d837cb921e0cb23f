// Home Assistant's side of discovery, end to end: a real mosquitto, the bridge with discovery on, and a client
// that does what HA's MQTT integration does: it reads the retained configurations, subscribes to each
// state topic and renders each value_template (Jinja, here with nunjucks) on the events that arrive.
import { createRequire } from "node:module";
import mqtt, { type MqttClient } from "mqtt";
import { afterEach, expect, test } from "vitest";
import { STATS_FIELDS } from "../../modules/app/health";

const STATS_KEYS = STATS_FIELDS.map((field) => field.key);
import { MemoryStore } from "../sim/memory-store";
import { HostBridge } from "../sim/host-bridge";
import { ScriptedMeterSource } from "../sim/scripted-source";
import { startTestBroker, type TestBroker } from "./broker";
import { expectedEvents } from "./expected-events";
import { DEVICE_ID, FAST, MAC, STATS_TOPIC, STATUS_TOPIC, tenTelegrams, until } from "./harness";

interface Jinja {
  renderString(template: string, context: object): string;
}
const nunjucks = createRequire(import.meta.url)("nunjucks") as { Environment: new (loader: null, options: object) => Jinja };
const jinja = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: true });

/** HA renders a template with `value` (the payload text) and `value_json` (the payload parsed as JSON). */
function render(template: string, payload: string): string {
  let json: unknown;
  try {
    json = JSON.parse(payload);
  } catch {
    json = undefined;
  }
  return jinja.renderString(template, { value: payload, value_json: json });
}

interface Message {
  topic: string;
  payload: string;
  retain: boolean;
}

class HaClient {
  readonly messages: Message[] = [];
  private constructor(readonly client: MqttClient) {
    client.on("message", (topic, payload, packet) =>
      this.messages.push({ topic, payload: payload.toString("utf8"), retain: packet.retain }),
    );
  }

  static async connect(broker: TestBroker, topics: string[]): Promise<HaClient> {
    const client = await mqtt.connectAsync({
      host: broker.host,
      port: broker.port,
      clientId: `ha-${process.pid}-${Date.now()}`,
      reconnectPeriod: 0,
    });
    const ha = new HaClient(client);
    await client.subscribeAsync(topics, { qos: 0 });
    return ha;
  }

  configs(): Map<string, Record<string, any>> {
    const map = new Map<string, Record<string, any>>();
    for (const m of this.messages) {
      if (!m.topic.startsWith("homeassistant/")) continue;
      if (m.payload === "") map.delete(m.topic);
      else map.set(m.topic, JSON.parse(m.payload));
    }
    return map;
  }

  close(): Promise<void> {
    return this.client.endAsync(true);
  }
}

let broker: TestBroker | undefined;
let bridge: HostBridge | undefined;
const clients: HaClient[] = [];

afterEach(async () => {
  bridge?.stop();
  bridge = undefined;
  for (const c of clients.splice(0)) await c.close();
  await broker?.close();
  broker = undefined;
});

function startBridge(settings: Record<string, string | boolean>): ScriptedMeterSource {
  const store = new MemoryStore();
  for (const [k, v] of Object.entries(settings)) store.set(k, v);
  const meter = new ScriptedMeterSource();
  bridge = new HostBridge({ meter, broker: { host: broker!.host, port: broker!.port }, mac: MAC, store, bridge: FAST, log: () => {} });
  bridge.start();
  return meter;
}

const TELEGRAMS = tenTelegrams();
const CONFIG_COUNT = expectedEvents(TELEGRAMS[0]).length + 1 + STATS_KEYS.length;

test("Home Assistant reads the meter's numbers from the VSCP events through the discovery templates", async () => {
  broker = await startTestBroker();
  const meter = startBridge({ haDiscovery: true });
  await until(() => bridge!.health.mqttConnected, "the bridge's session");
  meter.feed(TELEGRAMS[0]);
  await until(() => bridge!.health.telegramsOk === 1, "the first telegram");
  // The configurations go out before the telegram's events: once the broker acknowledged every event, it has them all.
  await until(() => bridge!.health.eventsPublished > 0 && bridge!.health.queueDepth === 0, "the first telegram's events acknowledged");

  // HA starts after the device: it finds the retained configurations.
  const ha = await HaClient.connect(broker, ["homeassistant/#"]);
  clients.push(ha);
  await until(() => ha.configs().size === CONFIG_COUNT, `${CONFIG_COUNT} retained configurations`);
  const configs = [...ha.configs().values()];
  expect(ha.messages.every((m) => m.retain)).toBe(true);
  const stateTopics = [...new Set(configs.map((c) => c.state_topic as string))];
  const availabilityTopics = [...new Set(configs.flatMap((c) => c.availability.map((a: { topic: string }) => a.topic)))];
  expect(availabilityTopics).toEqual([STATUS_TOPIC]);
  await ha.client.subscribeAsync([...stateTopics, ...availabilityTopics], { qos: 0 });

  // Availability: the retained status renders as available for every entity.
  await until(() => ha.messages.some((m) => m.topic === STATUS_TOPIC), "the retained status");
  for (const config of configs) expect(render(config.availability[0].value_template, "online"), config.name).toBe("online");

  // The next telegrams: every value entity's template gives back the meter's number.
  for (const telegram of TELEGRAMS.slice(1, 4)) {
    const want = expectedEvents(telegram);
    const before = ha.messages.length;
    meter.feed(telegram);
    const stamp = `"vscpDateTime":"${want[0].dateTime}"`;
    await until(
      () => ha.messages.slice(before).filter((m) => m.topic.startsWith("vscp/") && m.payload.includes(stamp)).length === want.length,
      "the telegram's events at HA",
      10_000,
    );
    const arrived = ha.messages.slice(before).filter((m) => m.topic.startsWith("vscp/"));
    for (const config of configs.filter((c) => c.state_topic.startsWith("vscp/") && c.device_class !== "timestamp")) {
      const event = arrived.filter((m) => m.topic === config.state_topic && m.payload.includes(want[0].dateTime));
      expect(event, config.name).toHaveLength(1);
      const expected = want.find((e) => JSON.parse(event[0].payload).measurement.sensorindex === e.sensorIndex)!;
      expect(Number(render(config.value_template, event[0].payload)), config.name).toBe(Number(expected.text));
    }
    const clock = configs.find((c) => c.device_class === "timestamp")!;
    const clockEvent = arrived.find((m) => m.topic === clock.state_topic)!;
    expect(render(clock.value_template, clockEvent.payload)).toBe(want[0].dateTime);
  }

  // Diagnostics: the stats message renders into each counter.
  await until(
    () => ha.messages.some((m) => m.topic === STATS_TOPIC && JSON.parse(m.payload).telegramsOk >= 4),
    "stats after four telegrams",
  );
  const stats = ha.messages.filter((m) => m.topic === STATS_TOPIC).at(-1)!;
  for (const config of configs.filter((c) => c.state_topic === STATS_TOPIC)) {
    const key = /value_json\.(\w+)/.exec(config.value_template)![1];
    const value = JSON.parse(stats.payload)[key];
    if (value === null) continue; // HA shows "unknown"
    expect(Number(render(config.value_template, stats.payload)), key).toBe(value);
  }

  // The last will: every entity becomes unavailable.
  for (const config of configs) expect(render(config.availability[0].value_template, "offline")).toBe("offline");
  expect(render(configs[0].availability[0].value_template, "meter-silent")).toBe("offline");
  expect(render(configs.find((c) => c.state_topic === STATS_TOPIC)!.availability[0].value_template, "meter-silent")).toBe("online");
});

test("switching discovery off removes every entity from the broker", async () => {
  broker = await startTestBroker();
  let meter = startBridge({ haDiscovery: true });
  await until(() => bridge!.health.mqttConnected, "the bridge's session");
  meter.feed(TELEGRAMS[0]);
  const ha = await HaClient.connect(broker, ["homeassistant/#"]);
  clients.push(ha);
  await until(() => ha.configs().size === CONFIG_COUNT, "the configurations");

  bridge!.stop();
  meter = startBridge({ haDiscovery: false });
  await until(() => bridge!.health.mqttConnected, "the second session");
  meter.feed(TELEGRAMS[1]);
  await until(() => ha.configs().size === 0, "every configuration removed");

  // A Home Assistant starting now finds nothing retained.
  const late = await HaClient.connect(broker, ["homeassistant/#"]);
  clients.push(late);
  await new Promise((r) => setTimeout(r, 500));
  expect(late.messages.filter((m) => m.payload !== "")).toEqual([]);
  expect(
    ha.messages
      .filter((m) => m.payload === "")
      .map((m) => m.topic)
      .every((t) => t.startsWith(`homeassistant/sensor/${DEVICE_ID}/`)),
  ).toBe(true);
});
