// Setup mode's own decisions, with its adapters (radio, HTTP server) faked: the device and the simulator
// both run this very code (modules/setup/setup-mode.ts).
import { describe, expect, it } from "vitest";
import { defaultSettings, type Settings } from "../modules/config/schema";
import type { SetupReason } from "../modules/setup/boot-mode";
import { REQUEST_MARKER } from "../modules/setup/http";
import {
  IDLE_CHECK_MS,
  RESTART_DELAY_MS,
  SETUP_IDLE_S,
  startSetupMode,
  startStatusServer,
  type SetupEndpoint,
} from "../modules/setup/setup-mode";
import { FakeClock } from "./fakes/fake-clock";
import { FakeMqttLink } from "./fakes/fake-mqtt";
import { DEFAULT_PINS, sampleStatus } from "./setup/host-setup";
import { MemoryStore } from "./sim/memory-store";

function rig(reason: SetupReason, stored: Record<string, string> = {}, wifiTimeoutMs?: number) {
  const clock = new FakeClock();
  const store = new MemoryStore();
  for (const [key, value] of Object.entries(stored)) store.set(key, value);
  const logs: string[] = [];
  const restarts: string[] = [];
  const events: string[] = [];
  let endpoint: SetupEndpoint | undefined;
  const joins: Settings[] = [];
  const running = startSetupMode(
    {
      store,
      clock,
      scheduler: clock,
      mac: "24:0a:c4:12:ab:cd",
      pins: DEFAULT_PINS,
      status: sampleStatus(0, store),
      makeMqttLink: () => new FakeMqttLink(clock),
      restart: (why) => restarts.push(why),
      log: (line) => logs.push(line),
      random: () => 0x12345678,
      apply: { wifiTimeoutMs },
      adapters: {
        openAccessPoint: (ssid, password) => {
          events.push(`ap ${ssid} ${password.length}`);
          return { address: "192.168.4.1", close: () => events.push("ap closed") };
        },
        wifi: { join: (settings) => joins.push(settings), cancel: () => events.push("wifi cancelled") },
        scanner: { scan: (done) => done([{ ssid: "HomeNet", rssi: -50, secure: true }]) },
        serve: (given) => {
          endpoint = given;
          events.push("serving");
          return { close: () => events.push("server closed") };
        },
      },
    },
    reason,
  );
  const request = (path: string, remote = "192.168.4.2") =>
    endpoint!.handle({
      method: "GET",
      path,
      headers: { [REQUEST_MARKER]: "1" },
      body: "",
      network: endpoint!.networkOf(remote),
    });
  return { clock, store, logs, restarts, events, running, endpoint: endpoint!, request, joins };
}

describe("setup mode", () => {
  it("opens the access point named after the MAC with a password made and stored on first start, logged that once", () => {
    const first = rig("no-wifi");
    expect(first.events).toEqual(["ap p1vscp-ABCD 12", "serving"]);
    const password = String(first.store.get("apPass"));
    expect(password).toHaveLength(12);
    expect(first.logs).toEqual([
      "setup: access point p1vscp-ABCD at http://192.168.4.1/ (no-wifi)",
      `setup: access point password ${password}`,
    ]);
    const again = rig("station-failed", { apPass: password });
    expect(again.logs.join("\n")).not.toContain(password);
    const button = rig("button", { apPass: password });
    expect(button.logs).toContain(`setup: access point password ${password}`);
  });

  it("serves the page to the access point's clients and sends the phone's sign-in check to it", () => {
    const r = rig("no-wifi");
    expect(r.endpoint.networkOf("192.168.4.7")).toBe("ap");
    expect(r.endpoint.networkOf("10.0.0.7")).toBe("station");
    expect(r.request("/generate_204")).toMatchObject({ status: 302, headers: { Location: "http://192.168.4.1/" } });
    expect(r.request("/").status).toBe(200);
  });

  it("goes back to the home network after 10 minutes without a request when setup was a fallback", () => {
    const r = rig("station-failed");
    expect(SETUP_IDLE_S).toBe(600);
    r.clock.advance(500_000);
    r.request("/");
    r.clock.advance(SETUP_IDLE_S * 1000 - IDLE_CHECK_MS);
    expect(r.restarts).toEqual([]);
    r.clock.advance(2 * IDLE_CHECK_MS);
    expect(r.restarts).toEqual(["setup idle; trying the home network again"]);
  });

  it("stays without Wi-Fi to go back to, and while new settings are being tested", () => {
    const none = rig("no-wifi");
    none.clock.advance(3 * SETUP_IDLE_S * 1000);
    expect(none.restarts).toEqual([]);
    const testing = rig("station-failed", {}, 2 * SETUP_IDLE_S * 1000); // the join never answers in time
    testing.running.apply.begin({ ...defaultSettings(), ssid: "HomeNet", password: "correct horse battery" }, ["ssid", "password"]);
    expect(testing.running.apply.busy()).toBe(true);
    testing.clock.advance(SETUP_IDLE_S * 1000 + IDLE_CHECK_MS);
    expect(testing.joins).toHaveLength(1);
    expect(testing.restarts.filter((why) => why.startsWith("setup idle"))).toEqual([]);
  });

  it("restarts shortly after the response that asked for it, never before it went out", () => {
    const r = rig("no-wifi");
    r.endpoint.after("restart");
    r.clock.advance(RESTART_DELAY_MS - 1);
    expect(r.restarts).toEqual([]);
    r.clock.advance(1);
    expect(r.restarts).toEqual(["requested from the setup page"]);
  });

  it("close stops the idle check, the server, the access point and a join in progress", () => {
    const r = rig("station-failed");
    r.running.close();
    expect(r.events.slice(2)).toEqual(["server closed", "ap closed", "wifi cancelled"]);
    r.clock.advance(2 * SETUP_IDLE_S * 1000);
    expect(r.restarts).toEqual([]);
  });

  it("closes the access point when the server cannot start", () => {
    const clock = new FakeClock();
    const closed: string[] = [];
    expect(() =>
      startSetupMode(
        {
          store: new MemoryStore(),
          clock,
          scheduler: clock,
          mac: "24:0a:c4:12:ab:cd",
          pins: DEFAULT_PINS,
          status: sampleStatus(0),
          makeMqttLink: () => new FakeMqttLink(clock),
          restart: () => {},
          log: () => {},
          random: () => 1,
          adapters: {
            openAccessPoint: () => ({ address: "192.168.4.1", close: () => closed.push("ap") }),
            wifi: { join: () => {}, cancel: () => {} },
            scanner: { scan: (done) => done([]) },
            serve: () => {
              throw new Error("port 80 in use");
            },
          },
        },
        "no-wifi",
      ),
    ).toThrow(/port 80/);
    expect(closed).toEqual(["ap"]);
  });
});

describe("status server", () => {
  it("counts every client as the home network and restarts after the page asked", () => {
    const clock = new FakeClock();
    const restarts: string[] = [];
    let endpoint: SetupEndpoint | undefined;
    let port: number | undefined;
    const server = startStatusServer({
      store: new MemoryStore(),
      clock,
      scheduler: clock,
      pins: DEFAULT_PINS,
      status: sampleStatus(0),
      restart: (why) => restarts.push(why),
      log: () => {},
      port: 8081,
      serve: (given, at) => {
        endpoint = given;
        port = at;
        return { close() {} };
      },
    });
    expect(port).toBe(8081);
    expect(endpoint!.networkOf("192.168.4.2")).toBe("station");
    endpoint!.after("enter-setup");
    clock.advance(RESTART_DELAY_MS);
    expect(restarts).toEqual(["requested from the status page"]);
    server.close();
  });
});
