// Safe apply and the setup-mode decisions: new settings replace the old only after they worked.
import { describe, expect, it } from "vitest";
import { defaultSettings, type Settings } from "../modules/config/schema";
import { accessPointName, accessPointPassword, generatePassword, GENERATED_LENGTH, showPasswordInLog } from "../modules/setup/access-point";
import { decideBootMode, requestSetup, SetupSession, StationWatch, takeSetupRequest } from "../modules/setup/boot-mode";
import { planApply } from "../modules/setup/safe-apply";
import { MAX_NETWORKS, strongestFirst } from "../modules/setup/scan";
import { MemoryStore } from "./sim/memory-store";
import { makeRig } from "./setup/rig";

function settings(values: Partial<Settings>): Settings {
  return { ...defaultSettings(), ...values };
}

describe("planApply: which tests a change needs", () => {
  it("tests Wi-Fi then broker when a network or broker setting changes", () => {
    expect(planApply(settings({ ssid: "Home", broker: "b" }), ["ssid"]).steps).toEqual(["wifi", "mqtt"]);
    expect(planApply(settings({ ssid: "Home", broker: "b" }), ["mqttPass"]).steps).toEqual(["wifi", "mqtt"]);
    expect(planApply(settings({ ssid: "Home", broker: "b" }), ["caCert"]).steps).toEqual(["wifi", "mqtt"]);
  });

  it("tests only the Wi-Fi when no broker is set, and says so", () => {
    const plan = planApply(settings({ ssid: "Home" }), ["ssid"]);
    expect(plan.steps).toEqual(["wifi"]);
    expect(plan.notes.join(" ")).toContain("No MQTT broker is set");
  });

  it("stores other changes directly", () => {
    expect(planApply(settings({ ssid: "Home", broker: "b" }), ["zone", "topic", "rxPin"]).steps).toEqual([]);
  });

  it("tests nothing without a Wi-Fi network, and says the device stays in setup mode", () => {
    const plan = planApply(settings({ broker: "b" }), ["broker"]);
    expect(plan.steps).toEqual([]);
    expect(plan.notes.join(" ")).toContain("stays in setup mode");
  });
});

describe("SafeApply", () => {
  const old = { ssid: "Old", password: "old-password", broker: "10.0.0.1" };

  it("stores and restarts only after the Wi-Fi joined and the broker answered", () => {
    const rig = makeRig(old);
    expect(rig.post("/api/config", { values: { ssid: "New", password: "new-password" } }).status).toBe(202);
    expect(rig.apply.status()).toMatchObject({ state: "testing", step: "wifi" });
    expect(rig.tester.calls[0].settings.ssid).toBe("New");
    expect(rig.store.get("ssid")).toBe("Old");
    rig.tester.pending!("");
    expect(rig.apply.status()).toMatchObject({ state: "testing", step: "mqtt" });
    expect(rig.tester.calls[1].settings.password).toBe("new-password");
    rig.tester.pending!("");
    expect(rig.apply.status()).toMatchObject({ state: "saved", restarting: true });
    expect(rig.store.get("ssid")).toBe("New");
    expect(rig.store.get("password")).toBe("new-password");
    expect(rig.restarts).toEqual([]);
    rig.clock.advance(3_000);
    expect(rig.restarts).toEqual(["settings changed"]);
  });

  it("keeps the old settings when the Wi-Fi cannot be joined, and points at the password", () => {
    const rig = makeRig(old);
    rig.post("/api/config", { values: { ssid: "New", password: "bad-password" } });
    rig.tester.pending!("wrong password");
    const status = rig.apply.status();
    expect(status).toMatchObject({ state: "failed", step: "wifi", field: "password", restarting: false });
    expect(status.message).toContain("The Wi-Fi could not be joined: wrong password");
    expect(status.message).toContain("the previous settings stay");
    expect(rig.store.get("ssid")).toBe("Old");
    expect(rig.store.get("password")).toBe("old-password");
    expect(rig.tester.calls.map((c) => c.step)).toEqual(["wifi"]);
    rig.clock.advance(60_000);
    expect(rig.restarts).toEqual([]);
  });

  it.each([
    ["connection refused by 10.0.0.9:1883", "broker"],
    ["broker refused the login (Not authorized)", "mqttPass"],
    ["TLS: certificate verify failed", "caCert"],
  ])("keeps the old settings when the broker fails (%s) and marks %s", (error, field) => {
    const rig = makeRig(old);
    rig.post("/api/config", { values: { broker: "10.0.0.9" } });
    rig.tester.pending!("");
    rig.tester.pending!(error);
    expect(rig.apply.status()).toMatchObject({ state: "failed", step: "mqtt", field });
    expect(rig.apply.status().message).toContain("The MQTT broker did not accept the connection");
    expect(rig.store.get("broker")).toBe("10.0.0.1");
  });

  it("gives up on a test that never answers, and ignores its late answer", () => {
    const rig = makeRig(old, { wifiTimeoutMs: 30_000 });
    rig.post("/api/config", { values: { ssid: "Far away" } });
    const late = rig.tester.pending!;
    rig.clock.advance(30_000);
    expect(rig.apply.status()).toMatchObject({ state: "failed", field: "ssid" });
    expect(rig.apply.status().message).toContain("no answer within 30 s");
    expect(rig.tester.cancelled).toBe(1);
    late("");
    expect(rig.apply.status().state).toBe("failed");
    expect(rig.store.get("ssid")).toBe("Old");
  });

  it("after a failure a corrected submission is tested again", () => {
    const rig = makeRig(old);
    rig.post("/api/config", { values: { ssid: "New", password: "bad-password" } });
    rig.tester.pending!("wrong password");
    expect(rig.post("/api/config", { values: { ssid: "New", password: "good-password" } }).status).toBe(202);
    rig.tester.pending!("");
    rig.tester.pending!("");
    expect(rig.apply.status().state).toBe("saved");
    expect(rig.store.get("password")).toBe("good-password");
  });

  it("a tester that throws is a failed test, not a crash", () => {
    const rig = makeRig(old);
    rig.tester.joinWifi = () => {
      throw new Error("radio busy");
    };
    expect(rig.post("/api/config", { values: { ssid: "New" } }).status).toBe(202);
    expect(rig.apply.status()).toMatchObject({ state: "failed" });
    expect(rig.apply.status().message).toContain("radio busy");
  });

  it("stores untested when asked, and says so", () => {
    const rig = makeRig(old);
    rig.post("/api/config", { values: { ssid: "Bench" }, untested: true });
    expect(rig.tester.calls).toEqual([]);
    expect(rig.apply.status()).toMatchObject({ state: "saved", restarting: true });
    expect(rig.apply.status().notes.join(" ")).toContain("without testing");
    expect(rig.store.get("ssid")).toBe("Bench");
  });

  it("writes nothing and does not restart when nothing changed", () => {
    const rig = makeRig(old);
    rig.post("/api/config", { values: { ssid: "Old", zone: "0" } });
    expect(rig.apply.status()).toMatchObject({ state: "saved", restarting: false, message: "Nothing changed." });
    rig.clock.advance(10_000);
    expect(rig.restarts).toEqual([]);
  });

  it("reports a store that cannot write", () => {
    const rig = makeRig(old);
    rig.store.set = () => {
      throw new Error("nvs full");
    };
    rig.post("/api/config", { values: { zone: "4" } });
    expect(rig.apply.status()).toMatchObject({ state: "failed", restarting: false });
    expect(rig.apply.status().message).toContain("nvs full");
    rig.clock.advance(10_000);
    expect(rig.restarts).toEqual([]);
  });
});

describe("setup mode", () => {
  it("opens on first boot, with the button held, or when asked for; otherwise normal mode", () => {
    expect(decideBootMode({ ssid: "", buttonHeld: false, setupRequested: false })).toEqual({ setup: true, reason: "no-wifi" });
    expect(decideBootMode({ ssid: "Home", buttonHeld: true, setupRequested: false })).toEqual({ setup: true, reason: "button" });
    expect(decideBootMode({ ssid: "Home", buttonHeld: false, setupRequested: true })).toEqual({ setup: true, reason: "requested" });
    expect(decideBootMode({ ssid: "Home", buttonHeld: false, setupRequested: false })).toEqual({ setup: false });
  });

  it("a request opens setup once", () => {
    const store = new MemoryStore();
    requestSetup(store);
    expect(takeSetupRequest(store)).toBe(true);
    expect(takeSetupRequest(store)).toBe(false);
  });

  it("opens after the station has been down for the configured time, counted from the last time it was up", () => {
    const watch = new StationWatch(300, 0);
    expect(watch.shouldOpenSetup(299_999)).toBe(false);
    expect(watch.shouldOpenSetup(300_000)).toBe(true);
    watch.networkUp();
    expect(watch.shouldOpenSetup(1_000_000)).toBe(false);
    watch.networkDown(1_000_000);
    expect(watch.shouldOpenSetup(1_299_999)).toBe(false);
    expect(watch.shouldOpenSetup(1_300_000)).toBe(true);
    expect(new StationWatch(0, 0).shouldOpenSetup(1e9)).toBe(false);
  });

  it("leaves a fallback setup session after idling (the network may be back), never a first-boot one", () => {
    const fallback = new SetupSession("station-failed", 600, 0);
    fallback.request(100_000);
    expect(fallback.shouldLeave(699_999, false)).toBe(false);
    expect(fallback.shouldLeave(700_000, false)).toBe(true);
    expect(fallback.shouldLeave(700_000, true)).toBe(false);
    expect(new SetupSession("no-wifi", 600, 0).shouldLeave(1e9, false)).toBe(false);
  });

  it("names the access point after the MAC and generates a readable WPA2 password once", () => {
    expect(accessPointName("24:0a:c4:12:ab:cd")).toBe("p1vscp-ABCD");
    let n = 0;
    const random = () => (n += 7);
    const store = new MemoryStore();
    const first = accessPointPassword(store, random);
    expect(first.generated).toBe(true);
    expect(first.password).toHaveLength(GENERATED_LENGTH);
    expect(first.password).toMatch(/^[2-9a-km-z]+$/);
    expect(accessPointPassword(store, random)).toEqual({ password: first.password, generated: false });
    expect(showPasswordInLog({ password: "x", generated: false }, "station-failed")).toBe(false);
    expect(showPasswordInLog({ password: "x", generated: false }, "button")).toBe(true);
    expect(new Set(Array.from({ length: 50 }, () => generatePassword(() => Math.random() * 2 ** 32))).size).toBe(50);
  });

  it("lists scanned networks strongest first, once per name, without hidden ones", () => {
    const list = strongestFirst([
      { ssid: "A", rssi: -80, secure: true },
      { ssid: "", rssi: -20, secure: true },
      { ssid: "B", rssi: -50, secure: false },
      { ssid: "A", rssi: -40, secure: true },
      ...Array.from({ length: 30 }, (_, i) => ({ ssid: `N${i}`, rssi: -90, secure: true })),
    ]);
    expect(list.slice(0, 2)).toEqual([
      { ssid: "A", rssi: -40, secure: true },
      { ssid: "B", rssi: -50, secure: false },
    ]);
    expect(list).toHaveLength(MAX_NETWORKS);
  });
});
