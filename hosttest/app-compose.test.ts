// The configuration → bridge composition shared by main.ts and the simulator.
import { describe, expect, it } from "vitest";
import { composeBridge, publishPolicies, restartAfterMinutes } from "../modules/app/compose";
import { loadSettings } from "../modules/config/settings";
import type { Settings } from "../modules/config/schema";
import { ObisCatalog } from "../modules/p1/obis-catalog";
import { FakeClock } from "./fakes/fake-clock";
import { FakeMeter, FakeSystem } from "./fakes/fake-meter";
import { FakeMqttLink } from "./fakes/fake-mqtt";
import { FakeNetwork } from "./fakes/fake-network";
import { T0, swedishTelegrams } from "./fakes/telegrams";
import { MemoryStore } from "./sim/memory-store";

const MAC = "24:0A:C4:12:34:56";

function settings(values: Record<string, string | number | boolean> = {}): Settings {
  return loadSettings(new MemoryStore(values)).settings;
}

function compose(values: Record<string, string | number | boolean> = {}, defaultOutboxBytes?: number, raw: Partial<Settings> = {}) {
  const clock = new FakeClock(T0 - 5_000);
  const meter = new FakeMeter();
  const mqtt = new FakeMqttLink(clock);
  const problems: string[] = [];
  const composed = composeBridge(
    { ...settings({ broker: "127.0.0.1", ...values }), ...raw },
    { meter, clock, scheduler: clock, mqtt, network: new FakeNetwork(clock), system: new FakeSystem(() => clock.now) },
    { mac: MAC, defaultOutboxBytes, report: (p) => problems.push(p) },
  );
  return { ...composed, clock, meter, mqtt, problems };
}

describe("composeBridge", () => {
  it("connects with the configured broker, a client id from the MAC and the status last will", () => {
    const c = compose({ port: 8883, mqttUser: "meter", mqttPass: "pw-123456", tls: true });
    c.bridge.start();
    c.clock.advance(1000);
    const options = c.mqtt.connects[0].options;
    expect(options).toMatchObject({
      host: "127.0.0.1",
      port: 8883,
      clientId: "p1vscp-240ac4123456",
      username: "meter",
      password: "pw-123456",
      tls: {},
    });
    expect(options.will).toEqual({ topic: "p1vscp/240AC4123456/status", payload: "offline", retain: true });
    expect(c.problems).toEqual([]);
  });

  it("publishes a telegram's events under the configured topic template and zone", () => {
    const c = compose({ topic: "home/{guid}/{class}/{type}/{zone}", zone: 7 });
    c.bridge.start();
    c.clock.advance(1000);
    c.meter.feed(swedishTelegrams()[0].bytes);
    c.clock.advance(10_000);
    const events = c.mqtt.received.filter((m) => m.topic.startsWith("home/") && m.topic.includes("/1040/"));
    expect(events.length).toBeGreaterThanOrEqual(26);
    expect(events[0].topic).toBe("home/FF:FF:FF:FF:FF:FF:FF:FE:24:0A:C4:12:34:56:00:00/1040/13/7");
  });

  it("a template the VSCP layer refuses is reported and the default used", () => {
    // The schema already refuses unknown escapes when loading; this is the layer behind it.
    const c = compose({}, undefined, { topic: "vscp/{guid}/{nonsense}" });
    expect(c.problems.some((p) => p.startsWith("topic:") && p.endsWith("default kept"))).toBe(true);
    expect(c.mapping.topicOf(c.mapping.slotOf("1-0:21.7.0"))).toBe("vscp/FF:FF:FF:FF:FF:FF:FF:FE:24:0A:C4:12:34:56:00:08/1040/14/8/8");
  });

  it("applies the stored mapping: a value moved, one switched off, a channel in its own zone", () => {
    const c = compose({ mapping: "1-0:21.7.0=,90", mapping2: "1-0:1.8.0=0;netL1=,,5,6" });
    expect(c.problems).toEqual([]);
    const m = c.mapping;
    expect(m.sensorIndex[m.slotOf("1-0:21.7.0")]).toBe(90);
    expect(m.published[m.slotOf("1-0:1.8.0")]).toBe(0);
    expect([m.zoneOf[m.slotOf("netL1")], m.subzoneOf[m.slotOf("netL1")]]).toEqual([5, 6]);
    c.bridge.start();
    c.clock.advance(1000);
    c.meter.feed(swedishTelegrams()[0].bytes);
    c.clock.advance(10_000);
    const topics = c.mqtt.received.map((message) => message.topic);
    expect(topics).toContain("vscp/FF:FF:FF:FF:FF:FF:FF:FE:24:0A:C4:12:34:56:00:5A/1040/14/90/90");
    expect(topics.filter((topic) => topic.includes("/1040/13/0/0"))).toEqual([]);
  });

  it("a stored mapping this firmware refuses is reported and the default mapping used", () => {
    // Loading checks only the characters; the rows are checked here, naming the row at fault.
    const c = compose({ mapping: "1-0:21.7.0=,90", mapping2: "1-0:1.7.0=,90" });
    expect(c.problems).toEqual(["mapping: row 2 (1-0:1.7.0): sensor index 90 is used by 1-0:21.7.0; the default mapping is used"]);
    expect(c.mapping.sensorIndex[c.mapping.slotOf("1-0:21.7.0")]).toBe(8);
    const malformed = compose({}, undefined, { mapping: "1-0:1.8.0=,,,,9" });
    expect(malformed.problems[0]).toMatch(/^mapping: row 1 \(1-0:1\.8\.0\): 5 values/);
    expect(malformed.mapping.published[malformed.mapping.slotOf("1-0:1.8.0")]).toBe(1);
  });

  it("rows naming a code this firmware does not know are left out and reported, the rest applies", () => {
    const c = compose({ mapping: "futureAlarm=0;1-0:21.7.0=,90" });
    expect(c.problems).toEqual(["mapping: futureAlarm not known to this firmware; those rows are left out"]);
    expect(c.mapping.sensorIndex[c.mapping.slotOf("1-0:21.7.0")]).toBe(90);
  });

  it("an empty broker is reported, not fatal", () => {
    const c = compose({ broker: "" });
    expect(c.problems).toContain("broker: no MQTT broker configured; the bridge keeps trying and queues events");
  });

  it("outbox size: configured KiB, else the board's default", () => {
    expect(compose({ outboxKiB: 64 }).bridge.outbox.capacity).toBe(65536);
    expect(compose({}, 40_000).bridge.outbox.capacity).toBe(40_000);
  });

  it("publish policy setting: interval for every value, deadband for power only", () => {
    const catalog = new ObisCatalog();
    expect(publishPolicies(settings(), catalog)).toEqual({});
    const interval = publishPolicies(settings({ publish: "interval", pubInterval: 120 }), catalog);
    expect(interval["1-0:32.7.0"]).toEqual({ mode: "interval", intervalS: 120 });
    const deadband = publishPolicies(settings({ publish: "deadband", pubDeadband: 25 }), catalog);
    expect(deadband["1-0:21.7.0"]).toEqual({ mode: "deadband", deadband: 25 });
    expect(deadband["1-0:23.7.0"]).toMatchObject({ mode: "deadband" });
    expect(deadband["1-0:1.8.0"]).toBeUndefined();
  });

  it("a restart for lack of network never comes before the setup access point opens", () => {
    const problems: string[] = [];
    expect(restartAfterMinutes(settings(), (p) => problems.push(p))).toBe(15);
    expect(restartAfterMinutes(settings({ restartAfter: 0 }), (p) => problems.push(p))).toBe(0);
    expect(restartAfterMinutes(settings({ restartAfter: 2, setupAfter: 0 }), (p) => problems.push(p))).toBe(2);
    expect(problems).toEqual([]);
    expect(restartAfterMinutes(settings({ restartAfter: 5, setupAfter: 600 }), (p) => problems.push(p))).toBe(11);
    expect(problems).toEqual(["restartAfter: 5 min would restart before setup opens after 600 s; 11 min used"]);
  });
});
