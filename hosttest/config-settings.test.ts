import { describe, expect, it } from "vitest";
import { FIELDS, defaultSettings } from "../modules/config/schema";
import type { KeyValueStore } from "../modules/app/ports";
import { SEED_KEY, buildFingerprint, loadSettings, seedStore } from "../modules/config/settings";
import { MASK, describeSettings, maskSettings } from "../modules/config/mask";

/** In-memory store that behaves like ESP32 Preferences: 15-character keys, no floats. */
class FakePreferences implements KeyValueStore {
  readonly values = new Map<string, string | number | boolean>();
  writes = 0;
  failSet = false;
  get(key: string) {
    if (key.length > 15) throw new Error("key too long");
    return this.values.get(key);
  }
  set(key: string, value: string | number | boolean) {
    if (key.length > 15) throw new Error("key too long");
    if (typeof value === "number" && !Number.isInteger(value)) throw new Error("float unsupported");
    if (this.failSet) throw new Error("nvs full");
    this.writes++;
    this.values.set(key, value);
  }
  delete(key: string) {
    this.values.delete(key);
  }
  keys() {
    return [...this.values.keys()];
  }
}

describe("loadSettings", () => {
  it("takes the defaults for an empty store without problems", () => {
    const { settings, problems } = loadSettings(new FakePreferences());
    expect(settings).toEqual(defaultSettings());
    expect(problems).toEqual([]);
  });

  it("takes valid stored values", () => {
    const store = new FakePreferences();
    store.values.set("broker", "10.0.0.2");
    store.values.set("port", 8883);
    store.values.set("tls", true);
    const { settings, problems } = loadSettings(store);
    expect(problems).toEqual([]);
    expect(settings.broker).toBe("10.0.0.2");
    expect(settings.port).toBe(8883);
    expect(settings.tls).toBe(true);
  });

  it("reports each bad value with its key and keeps the default", () => {
    const store = new FakePreferences();
    store.values.set("port", 99999);
    store.values.set("zone", "kitchen");
    store.values.set("uartFormat", "9O2");
    store.values.set("heartbeat", 30);
    const { settings, problems } = loadSettings(store);
    expect(settings.port).toBe(1883);
    expect(settings.zone).toBe(0);
    expect(settings.uartFormat).toBe("8N1");
    expect(settings.heartbeat).toBe(30);
    expect(problems.map((p) => p.key)).toEqual(["port", "zone", "uartFormat"]);
    expect(problems[0].message).toBe("port: 99999 is above the maximum 65535; default 1883 kept");
    expect(problems[1].message).toContain('"kitchen" is not a whole number');
  });

  it("survives a store that throws on read", () => {
    const store = new FakePreferences();
    store.get = (key: string) => {
      if (key === "ssid") throw new Error("nvs_open fail");
      return undefined;
    };
    const { settings, problems } = loadSettings(store);
    expect(settings.ssid).toBe("");
    expect(problems).toEqual([{ key: "ssid", message: 'ssid: cannot be read (nvs_open fail); default "" kept' }]);
  });

  it("never puts a secret value in a problem message", () => {
    const store = new FakePreferences();
    store.values.set("password", "short");
    store.values.set("mqttPass", "tab\tsecret-value");
    const { settings, problems } = loadSettings(store);
    expect(problems.map((p) => p.key)).toEqual(["password", "mqttPass"]);
    for (const p of problems) {
      expect(p.message).not.toContain("short");
      expect(p.message).not.toContain("secret-value");
    }
    expect(settings.password).toBe("");
  });
});

describe("seedStore", () => {
  const build = {
    ssid: "home",
    password: "correct horse",
    broker: "192.168.1.5",
    port: "1884",
    tls: "false",
    file: { root: "/tmp/" },
    sntp: "pool.ntp.org",
  };

  it("copies the schema's build values into the store, typed, and ignores other keys", () => {
    const store = new FakePreferences();
    const result = seedStore(store, build);
    expect(result.problems).toEqual([]);
    expect(result.written).toEqual(["ssid", "password", "broker", "port", "tls", "sntp"]);
    expect(store.values.get("port")).toBe(1884);
    expect(store.values.get("tls")).toBe(false);
    expect(store.values.has("file")).toBe(false);
    expect(typeof store.values.get(SEED_KEY)).toBe("number");
    expect(Number.isInteger(store.values.get(SEED_KEY))).toBe(true);
    const { settings } = loadSettings(store);
    expect(settings.ssid).toBe("home");
    expect(settings.password).toBe("correct horse");
    expect(settings.port).toBe(1884);
  });

  it("leaves the SDK's own object-valued config (its TLS settings at `tls`) alone, without a problem", () => {
    const store = new FakePreferences();
    const result = seedStore(store, { ssid: "home", tls: { DHE_RSA: false, cache: false } });
    expect(result.problems).toEqual([]);
    expect(result.written).toEqual(["ssid"]);
    expect(store.values.has("tls")).toBe(false);
  });

  it("does not overwrite later changes while the build values are the same", () => {
    const store = new FakePreferences();
    seedStore(store, build);
    store.values.set("broker", "10.1.1.1");
    const writes = store.writes;
    expect(seedStore(store, build).written).toEqual([]);
    expect(store.writes).toBe(writes);
    expect(store.values.get("broker")).toBe("10.1.1.1");
  });

  it("applies new build values after a reflash with other arguments", () => {
    const store = new FakePreferences();
    seedStore(store, build);
    store.values.set("broker", "10.1.1.1");
    const result = seedStore(store, { ...build, ssid: "cabin" });
    expect(result.written).toContain("ssid");
    expect(store.values.get("ssid")).toBe("cabin");
    expect(store.values.get("broker")).toBe("192.168.1.5");
  });

  it("does nothing when the build carries no schema values", () => {
    const store = new FakePreferences();
    expect(seedStore(store, { file: { root: "/" } })).toEqual({ written: [], problems: [] });
    expect(store.values.size).toBe(0);
  });

  it("rejects a bad build value, keeps the stored one, and hides secrets", () => {
    const store = new FakePreferences();
    store.values.set("port", 1883);
    const result = seedStore(store, { port: "http", password: "tiny", broker: "ok.example" });
    expect(result.written).toEqual(["broker"]);
    expect(result.problems.map((p) => p.key)).toEqual(["password", "port"]);
    expect(result.problems[1].message).toContain("port: build value rejected");
    expect(result.problems[0].message).not.toContain("tiny");
    expect(store.values.get("port")).toBe(1883);
    expect(store.values.has("password")).toBe(false);
  });

  it("reports a store that cannot be written instead of throwing", () => {
    const store = new FakePreferences();
    store.failSet = true;
    const result = seedStore(store, { ssid: "home" });
    expect(result.written).toEqual([]);
    expect(result.problems.map((p) => p.key)).toEqual(["ssid", SEED_KEY]);
  });

  it("fingerprints differ when a value differs and fit a signed 32-bit integer", () => {
    const a = buildFingerprint(FIELDS, { ssid: "a" });
    const b = buildFingerprint(FIELDS, { ssid: "b" });
    expect(a).not.toBe(b);
    for (const n of [a, b]) expect(n === (n | 0)).toBe(true);
  });
});

describe("masking", () => {
  it("masks set secrets and leaves unset ones empty", () => {
    const settings = defaultSettings();
    settings.password = "wifi-secret-1";
    settings.broker = "10.0.0.2";
    const masked = maskSettings(settings);
    expect(masked.password).toBe(MASK);
    expect(masked.mqttPass).toBe("");
    expect(masked.broker).toBe("10.0.0.2");
  });

  it("keeps secrets out of the boot log line", () => {
    const settings = defaultSettings();
    settings.password = "wifi-secret-1";
    settings.mqttPass = "mqtt-secret-2";
    settings.caCert = `-----BEGIN CERTIFICATE-----${"A".repeat(100)}-----END CERTIFICATE-----`;
    const line = describeSettings(settings);
    expect(line).not.toContain("wifi-secret-1");
    expect(line).not.toContain("mqtt-secret-2");
    expect(line).toContain("password=*** ");
    expect(line).toContain("caCert=-----BEGIN CERTIFICA…(152 chars)");
    expect(line.split(" ").filter((w) => w.includes("=")).length).toBeGreaterThanOrEqual(FIELDS.length);
  });
});
