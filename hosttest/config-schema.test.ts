import { describe, expect, it } from "vitest";
import { CONFIG_DOMAIN, FIELDS, MAX_KEY_LENGTH, defaultSettings, fieldByKey, type Field } from "../modules/config/schema";
import { checkValue } from "../modules/config/validate";

function field(key: string): Field {
  const found = fieldByKey(key);
  if (!found) throw new Error(`no field ${key}`);
  return found;
}

function accepts(key: string, raw: unknown): string | number | boolean {
  const check = checkValue(field(key), raw as never);
  expect(check.error, `${key}=${String(raw)}`).toBe("");
  return check.value;
}

function rejects(key: string, raw: unknown): string {
  const check = checkValue(field(key), raw as never);
  expect(check.error, `${key}=${String(raw)} should be rejected`).not.toBe("");
  return check.error;
}

describe("schema shape", () => {
  it("keeps the domain and every key within the ESP32 Preferences limit of 15 characters", () => {
    expect(CONFIG_DOMAIN.length).toBeLessThanOrEqual(MAX_KEY_LENGTH);
    for (const f of FIELDS) expect(f.key.length, f.key).toBeLessThanOrEqual(MAX_KEY_LENGTH);
    expect(MAX_KEY_LENGTH).toBe(15);
  });

  it("has unique keys, a label for every field and no float anywhere", () => {
    const keys = FIELDS.map((f) => f.key);
    expect(new Set(keys).size).toBe(keys.length);
    for (const f of FIELDS) {
      expect(f.label.length, f.key).toBeGreaterThan(0);
      if (f.type === "int") {
        for (const n of [f.default, f.min, f.max, ...(f.values ?? [])]) expect(Number.isInteger(n), `${f.key} ${n}`).toBe(true);
      }
    }
  });

  it("has defaults that pass their own validation", () => {
    for (const f of FIELDS) expect(checkValue(f, f.default), f.key).toEqual({ value: f.default, error: "" });
  });

  it("marks every password field secret, and nothing else", () => {
    const secret = FIELDS.filter((f) => f.secret).map((f) => f.key);
    expect(secret).toEqual(expect.arrayContaining(["password", "mqttPass"]));
    for (const f of FIELDS) expect(f.secret, f.key).toBe(/pass/i.test(f.key));
  });

  it("gives a fresh defaults object per call", () => {
    const a = defaultSettings();
    a.port = 1;
    expect(defaultSettings().port).toBe(1883);
    expect(defaultSettings().topic).toBe("vscp/{guid}/{class}/{type}/{nickname}/{sensorindex}");
  });
});

describe("field validation", () => {
  it("ssid: up to 32 characters, no control characters", () => {
    expect(accepts("ssid", "home-net")).toBe("home-net");
    expect(accepts("ssid", "")).toBe("");
    rejects("ssid", "x".repeat(33));
    rejects("ssid", "bad\nname");
    rejects("ssid", 5);
  });

  it("password: empty or 8..63 characters", () => {
    accepts("password", "");
    accepts("password", "12345678");
    accepts("password", "p".repeat(63));
    rejects("password", "1234567");
    rejects("password", "p".repeat(64));
  });

  it("hostname: one DNS label", () => {
    expect(accepts("hostname", "p1-meter")).toBe("p1-meter");
    rejects("hostname", "");
    rejects("hostname", "-lead");
    rejects("hostname", "trail-");
    rejects("hostname", "has.dot");
    rejects("hostname", "under_score");
  });

  it("broker and sntp: host name or IPv4 address, empty allowed", () => {
    for (const key of ["broker", "sntp"]) {
      accepts(key, "192.168.1.10");
      accepts(key, "mqtt.example.org");
      accepts(key, "");
      rejects(key, "mqtt://broker");
      rejects(key, "a..b");
      rejects(key, "has space");
      rejects(key, "x".repeat(65));
    }
  });

  it("port: 1..65535, numbers or decimal strings, no floats", () => {
    expect(accepts("port", 8883)).toBe(8883);
    expect(accepts("port", "8883")).toBe(8883);
    expect(rejects("port", 0)).toContain("below the minimum 1");
    expect(rejects("port", 70000)).toContain("above the maximum 65535");
    expect(rejects("port", 1883.5)).toContain("not a whole number");
    rejects("port", "1883.0");
    rejects("port", "0x75b");
    rejects("port", "1e3");
    rejects("port", "");
    rejects("port", true);
  });

  it("mqttUser and mqttPass: up to 64 characters", () => {
    accepts("mqttUser", "meter");
    rejects("mqttUser", "u".repeat(65));
    accepts("mqttPass", "s3cret");
    rejects("mqttPass", "p".repeat(65));
    rejects("mqttPass", "tab\there");
  });

  it("clientId: up to 23 characters, one topic level", () => {
    accepts("clientId", "");
    accepts("clientId", "p1vscp-240ac4123456");
    rejects("clientId", "c".repeat(24));
    rejects("clientId", "a/b");
  });

  it("tls, snapshot and invertRx: booleans and their words", () => {
    for (const key of ["tls", "snapshot", "invertRx"]) {
      expect(accepts(key, true)).toBe(true);
      expect(accepts(key, "false")).toBe(false);
      expect(accepts(key, "ON")).toBe(true);
      expect(accepts(key, "0")).toBe(false);
      expect(accepts(key, 1)).toBe(true);
      rejects(key, "maybe");
      rejects(key, 2);
      rejects(key, null);
    }
  });

  it("caCert: empty or a PEM certificate", () => {
    accepts("caCert", "");
    accepts("caCert", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
    rejects("caCert", "MIIBhexdata");
    rejects("caCert", "-----END CERTIFICATE----- -----BEGIN CERTIFICATE-----");
    rejects("caCert", `-----BEGIN CERTIFICATE-----${"A".repeat(3800)}-----END CERTIFICATE-----`);
  });

  it("keepAlive 0..3600, heartbeat and statsInterval 10..3600", () => {
    accepts("keepAlive", 0);
    rejects("keepAlive", 3601);
    rejects("keepAlive", -1);
    for (const key of ["heartbeat", "statsInterval"]) {
      accepts(key, 10);
      accepts(key, "3600");
      rejects(key, 9);
      rejects(key, 3601);
    }
  });

  it("qos: 0 or 1", () => {
    accepts("qos", 0);
    accepts("qos", "1");
    rejects("qos", 2);
  });

  it("prefix: one topic level; topic: known escapes only, no wildcards", () => {
    accepts("prefix", "p1vscp");
    rejects("prefix", "a/b");
    rejects("prefix", "a+b");
    accepts("topic", "vscp/{guid}/{class}/{type}");
    accepts("topic", "home/{zone}/{subzone}/{sensorindex}");
    expect(rejects("topic", "vscp/{bogus}")).toContain("unknown escape {bogus}");
    rejects("topic", "vscp/#");
    rejects("topic", "vscp/+/x");
    rejects("topic", "/vscp");
    rejects("topic", "vscp/{guid");
    rejects("topic", "vscp/guid}");
    rejects("topic", "");
  });

  it("guid: empty or 16 hex bytes with ':' and not in the 25:00 range", () => {
    accepts("guid", "");
    accepts("guid", "FF:FF:FF:FF:FF:FF:FF:FE:24:0A:C4:12:34:56:00:00");
    rejects("guid", "FF:FF:FF:FF:FF:FF:FF:FE:24:0A:C4:12:34:56:00");
    rejects("guid", "FF-FF-FF-FF-FF-FF-FF-FE-24-0A-C4-12-34-56-00-00");
    rejects("guid", "GG:FF:FF:FF:FF:FF:FF:FE:24:0A:C4:12:34:56:00:00");
    expect(rejects("guid", "25:00:FF:FF:FF:FF:FF:FE:24:0A:C4:12:34:56:00:00")).toContain("25:00");
  });

  it("zone and subzone: 0..255", () => {
    for (const key of ["zone", "subzone"]) {
      accepts(key, 255);
      rejects(key, 256);
      rejects(key, -1);
    }
  });

  it("nodeName: up to 64 characters", () => {
    accepts("nodeName", "Kitchen meter");
    rejects("nodeName", "n".repeat(65));
  });

  it("utcOffset: whole minutes -720..840", () => {
    expect(accepts("utcOffset", "-60")).toBe(-60);
    accepts("utcOffset", 840);
    rejects("utcOffset", 841);
    rejects("utcOffset", -721);
    rejects("utcOffset", "--5");
  });

  it("baud: only the standard rates; uartFormat: 8N1 or 7E1", () => {
    expect(accepts("baud", "9600")).toBe(9600);
    accepts("baud", 115200);
    expect(rejects("baud", 115201)).toContain("above the maximum");
    expect(rejects("baud", 10000)).toContain("not one of");
    accepts("uartFormat", "8N1");
    accepts("uartFormat", "7E1");
    rejects("uartFormat", "8E1");
    rejects("uartFormat", "8n1");
  });

  it("rejects binary data for every field", () => {
    for (const f of FIELDS) expect(checkValue(f, new ArrayBuffer(2)).error, f.key).toContain("binary data");
  });
});
