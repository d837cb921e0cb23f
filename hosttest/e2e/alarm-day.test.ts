// End to end: the simulated alarm day → the bridge core with the host's MQTT link → mosquitto → a subscriber,
// which decodes each CLASS1.ALARM event with node-vscp. The energy source is the capacity-tariff guard's view, as on
// the device, and its retained tariff message is read at the broker too. Time is the test's: a day's telegrams in
// seconds, the bridge's clock moved 30 s per telegram, and the next telegram fed only once the broker acknowledged
// the last events.
import { createRequire } from "node:module";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { ALARM_CHANNELS } from "../../modules/alarm/channels";
import { AlarmSource } from "../../modules/alarm/source";
import { Bridge } from "../../modules/app/bridge";
import { CHANNELS } from "../../modules/app/channels";
import { DERIVED_CHANNELS } from "../../modules/energy/channels";
import { EnergySource, TARIFF_STORE_KEY } from "../../modules/energy/energy-source";
import { tariffRuleFrom } from "../../modules/energy/tariff-rule";
import { ObisCatalog } from "../../modules/p1/obis-catalog";
import { EventEncoder } from "../../modules/vscp/encoder";
import { VscpMapping } from "../../modules/vscp/mapping";
import { PresenceEncoder } from "../../modules/vscp/presence";
import { FakeClock } from "../fakes/fake-clock";
import { FakeMeter } from "../fakes/fake-meter";
import {
  DAY_ENTRIES,
  DAY_EXPECTED,
  DAY_PEAK_W,
  DAY_SETTINGS,
  DAY_START,
  DAY_STEP_S,
  DAY_STORED_PEAKS,
  DAY_STORED_W,
  DAY_TELEGRAMS,
} from "../sim/alarm-day";
import { AlwaysUpNetwork } from "../sim/always-up-network";
import { ALARM_DAY, dayOfTelegrams } from "../sim/day-profile";
import { HostSystem } from "../sim/host-system";
import { MemoryStore } from "../sim/memory-store";
import { MqttJsLink } from "../sim/mqtt-link";
import { swedishTelegram } from "../sim/swedish-telegram";
import { startTestBroker, type TestBroker } from "./broker";
import { MAC, until } from "./harness";
import { Subscriber } from "./subscriber";

const vscp = createRequire(import.meta.url)("node-vscp");

let broker: TestBroker;
let subscriber: Subscriber;
let bridge: Bridge | undefined;

beforeEach(async () => {
  broker = await startTestBroker();
  subscriber = await Subscriber.connect(broker.host, broker.port, { topics: ["vscp/+/1/#"] }); // CLASS1.ALARM only
});

afterEach(async () => {
  bridge?.stop();
  bridge = undefined;
  await subscriber.close();
  await broker.close();
});

describe("alarms against a real broker", () => {
  test("a simulated day's overload, sag and tariff peak arrive as exactly the expected CLASS1.ALARM events", async () => {
    const catalog = new ObisCatalog();
    // The meter's own values and the derived ones are switched off: the broker carries the alarms only.
    const entries = [
      ...catalog.entries.map((e) => ({ obis: e.obis, enabled: false })),
      ...DERIVED_CHANNELS.map((c) => ({ obis: c.key, enabled: false })),
      ...DAY_ENTRIES,
    ];
    const mapping = new VscpMapping(catalog, { mac: MAC, zone: DAY_SETTINGS.zone, subzone: DAY_SETTINGS.subzone, entries }, CHANNELS);
    const presence = new PresenceEncoder(mapping, { nodeName: "P1 alarm day" });
    // As compose.ts wires them: the energy source (the month's earlier peaks in its store) is the alarms' TariffView.
    const store = new MemoryStore({ [TARIFF_STORE_KEY]: DAY_STORED_PEAKS });
    const energy = new EnergySource(mapping, { topic: presence.tariffTopic, rule: tariffRuleFrom(DAY_SETTINGS), store });
    const alarms = new AlarmSource(mapping, DAY_SETTINGS, energy);
    const clock = new FakeClock(DAY_START.getTime());
    const meter = new FakeMeter();
    const logs: string[] = [];
    bridge = new Bridge(
      {
        meter,
        clock,
        scheduler: clock,
        mqtt: new MqttJsLink(),
        network: new AlwaysUpNetwork(),
        system: new HostSystem((l) => logs.push(l)),
      },
      {
        events: new EventEncoder(mapping),
        presence,
        channels: [energy, alarms], // the energy source first, so the alarms see this telegram's tariff figures
        retained: energy,
      },
      {
        catalog,
        // No keep-alive and no acknowledgement timeout: the bridge's clock runs far ahead of the broker's.
        mqtt: { host: broker.host, port: broker.port, clientId: "p1vscp-alarm-day", keepAliveSeconds: 0 },
        ackTimeoutS: 1e9,
        heartbeatS: 1e6,
        statsS: 1e6,
        random: () => 0.5,
      },
    );
    const running = bridge;
    alarms.attach(running.health);
    running.start();
    const connected = () => running.refreshHealth().mqttConnected;
    while (!connected()) {
      clock.advance(100);
      await new Promise((r) => setTimeout(r, 10));
    }
    const masks = new Set<number>();
    for (const values of dayOfTelegrams(DAY_START, DAY_STEP_S, DAY_TELEGRAMS, 2025, ALARM_DAY)) {
      meter.feed(Buffer.from(swedishTelegram(values), "latin1"));
      masks.add(running.health.alarms);
      clock.advance(DAY_STEP_S * 1000);
      if (running.outbox.messages > 0) await until(() => running.outbox.messages === 0, "the broker's acknowledgements", 15_000);
      // Else a turn of the event loop, so the socket writes the retained tariff refreshes (at QoS 0, unacknowledged):
      // left to pile up, the link refuses them and the bridge, its clock 30 s a telegram, drops a "stalled" session.
      else await new Promise((r) => setImmediate(r));
    }
    await subscriber.waitFor((m) => m.length >= DAY_EXPECTED.length, `${DAY_EXPECTED.length} alarm events`, 15_000);
    await new Promise((r) => setTimeout(r, 300)); // anything extra would arrive now
    const seen = subscriber.messages.map((m) => {
      const json = JSON.parse(m.payload.toString());
      const event = new vscp.Event(json);
      const channel = ALARM_CHANNELS.find((c) => c.label === json.vscpNote)!;
      expect(m.topic.endsWith(`/${event.vscpClass}/${event.vscpType}/${channel.sensorIndex}/${channel.sensorIndex}`)).toBe(true);
      return { time: json.vscpDateTime, type: event.vscpType, key: channel.key, data: Array.from(event.vscpData) };
    });
    expect(seen).toEqual(DAY_EXPECTED);
    const health = running.refreshHealth();
    expect(health).toMatchObject({ telegramsOk: DAY_TELEGRAMS, eventsPublished: DAY_EXPECTED.length, redelivered: 0, alarms: 0 });
    // The stats' alarm mask as it went: none, the tariff guard (bit 10), L3's voltage (bit 8), L2's warning and alarm.
    expect([...masks]).toEqual([0, 2 ** 10, 2 ** 8, 2 ** 1 + 2 ** 4]);
    expect(logs.filter((line) => line.includes("error"))).toEqual([]);
    // The guard held the day against the stored 3rd peak; none of the day's hours entered the month's set.
    expect(energy.guardPeakW).toBe(DAY_PEAK_W);
    expect(store.get(TARIFF_STORE_KEY)).toBe(DAY_STORED_PEAKS);
    expect(energy.storeErrors).toBe(0);
    // The retained tariff message at the broker shows the same month: the three stored peaks, billed at their mean.
    const tariffReader = await Subscriber.connect(broker.host, broker.port, { topics: [presence.tariffTopic] });
    try {
      await tariffReader.waitFor((m) => m.length >= 1, "the retained tariff message", 15_000);
      const tariff = JSON.parse(tariffReader.messages[0].payload.toString());
      expect(tariffReader.messages[0].retain).toBe(true);
      expect(tariff.peaks.map((p: { w: number }) => p.w)).toEqual(DAY_STORED_W);
      expect(tariff.billedW).toBe(Math.round(DAY_STORED_W.reduce((sum, w) => sum + w, 0) / DAY_STORED_W.length));
    } finally {
      await tariffReader.close();
    }
  }, 120_000);
});
