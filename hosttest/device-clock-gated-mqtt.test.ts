// Start-up on the device: the clock is set by SNTP before a TLS connection; the bridge starts on the device's ports.
import { describe, expect, it } from "vitest";
import type { MqttConnectOptions, MqttLinkEvents } from "../modules/app/ports";
import { ClockGatedMqttLink } from "../modules/device/clock-gated-mqtt";
import { FakeClock } from "./fakes/fake-clock";
import { FakeMqttLink } from "./fakes/fake-mqtt";

const OPTIONS: MqttConnectOptions = {
  host: "broker",
  port: 8883,
  clientId: "p1vscp-x",
  keepAliveSeconds: 60,
  tls: {},
  will: { topic: "p1vscp/x/status", payload: "offline", retain: true },
};

function gate(clockMs: number, syncResult: boolean) {
  const clock = new FakeClock(clockMs);
  const link = new FakeMqttLink(clock);
  const syncs: number[] = [];
  const log: string[] = [];
  const gated = new ClockGatedMqttLink(
    link,
    clock,
    (done) => {
      syncs.push(clock.now);
      done(syncResult, syncResult ? "clock set from pool.ntp.org" : "no time from pool.ntp.org");
    },
    (line) => log.push(line),
  );
  const seen: string[] = [];
  const events: MqttLinkEvents = {
    onMqttConnected: () => seen.push("up"),
    onMqttDisconnected: (r) => seen.push(`down: ${r}`),
    onMqttAcknowledged: () => {},
    onMqttHeard: () => {},
  };
  return { clock, link, gated, syncs, log, seen, events };
}

describe("ClockGatedMqttLink", () => {
  it("syncs the clock once before the first TLS connection", () => {
    const g = gate(0, true);
    g.gated.connect(OPTIONS, g.events);
    g.gated.connect(OPTIONS, g.events);
    expect(g.syncs).toHaveLength(1);
    expect(g.link.connects).toHaveLength(2);
    expect(g.log).toEqual(["clock: clock set from pool.ntp.org"]);
  });

  it("does not open a TLS session without the time; the session policy retries", () => {
    const g = gate(0, false);
    g.gated.connect(OPTIONS, g.events);
    expect(g.link.connects).toHaveLength(0);
    expect(g.seen).toEqual(["down: TLS needs the time of day and SNTP gave none (no time from pool.ntp.org)"]);
  });

  it("plain TCP connects even when SNTP fails", () => {
    const g = gate(0, false);
    g.gated.connect({ ...OPTIONS, tls: undefined }, g.events);
    expect(g.link.connects).toHaveLength(1);
  });

  it("a clock that is already set needs no sync", () => {
    const g = gate(Date.UTC(2026, 0, 1), false);
    g.gated.connect(OPTIONS, g.events);
    expect(g.syncs).toHaveLength(0);
    expect(g.link.connects).toHaveLength(1);
  });
});
