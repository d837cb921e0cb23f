// Every setting of the schema, good and bad, through POST /api/config as the setup page sends it.
import { describe, expect, it } from "vitest";
import { FIELDS } from "../modules/config/schema";
import { makeRig } from "./setup/rig";

const PEM = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----\n";
const GUID = "FF:FF:FF:FF:FF:FF:FF:FE:00:00:00:00:00:00:00:01";

type Value = string | number | boolean | null;
/** Per key: values accepted (and what gets stored), and values refused (and a word of the error). */
const CASES: Record<string, { good: [Value, Value][]; bad: [Value, string][] }> = {
  ssid: {
    good: [
      ["HomeNet", "HomeNet"],
      ["Cafe guest", "Cafe guest"],
    ],
    bad: [
      ["x".repeat(33), "longer than 32"],
      ["bad\u0001", "control"],
    ],
  },
  password: {
    good: [["12345678", "12345678"]],
    bad: [
      ["short", "8 to 63"],
      ["x".repeat(64), "longer than 63"],
    ],
  },
  hostname: {
    good: [["p1-meter", "p1-meter"]],
    bad: [
      ["bad host", "letters, digits"],
      ["-x", "start or end"],
      ["", "1 to 63"],
    ],
  },
  broker: {
    good: [
      ["192.168.1.10", "192.168.1.10"],
      ["mqtt.example.org", "mqtt.example.org"],
    ],
    bad: [
      ["bad host!", "not a host name"],
      ["a..b", "not a host name"],
    ],
  },
  port: {
    good: [
      ["8883", 8883],
      [1883, 1883],
    ],
    bad: [
      ["0", "below the minimum 1"],
      ["70000", "above the maximum 65535"],
      ["abc", "not a whole number"],
      [1.5, "not a whole number"],
      ["1e3", "not a whole number"],
    ],
  },
  mqttUser: { good: [["meter", "meter"]], bad: [["a\nb", "control"]] },
  mqttPass: { good: [["pw", "pw"]], bad: [["x".repeat(65), "longer than 64"]] },
  clientId: {
    good: [["meter-1", "meter-1"]],
    bad: [
      ["a/b", "'/'"],
      ["x".repeat(24), "longer than 23"],
    ],
  },
  tls: {
    good: [
      [true, true],
      ["on", true],
      ["false", false],
    ],
    bad: [
      ["maybe", "not true or false"],
      [null, "got null"],
    ],
  },
  caCert: {
    good: [
      [PEM, PEM],
      ["", ""],
    ],
    bad: [["not a cert", "not a PEM certificate"]],
  },
  keepAlive: {
    good: [["30", 30]],
    bad: [
      ["-1", "below the minimum 0"],
      ["3601", "above the maximum 3600"],
    ],
  },
  qos: {
    good: [
      ["1", 1],
      ["0", 0],
    ],
    bad: [["2", "above the maximum 1"]],
  },
  inflightEvents: {
    good: [["32", 32]],
    bad: [
      ["0", "below the minimum 1"],
      ["257", "above the maximum 256"],
    ],
  },
  inflightBytes: { good: [["8192", 8192]], bad: [["100", "below the minimum 512"]] },
  prefix: {
    good: [["home", "home"]],
    bad: [
      ["a/b", "'/'"],
      ["a b", "spaces"],
    ],
  },
  topic: {
    good: [["vscp/{guid}/{class}/{type}", "vscp/{guid}/{class}/{type}"]],
    bad: [
      ["vscp/#", "wildcards"],
      ["x/{nope}", "unknown escape {nope}"],
      ["", "must not be empty"],
      ["/vscp", "start with '/'"],
    ],
  },
  sntp: { good: [["time.example.org", "time.example.org"]], bad: [["time server", "not a host name"]] },
  haDiscovery: { good: [[true, true]], bad: [["nah", "not true or false"]] },
  haPrefix: { good: [["ha", "ha"]], bad: [["home/assistant", "'/'"]] },
  guid: {
    good: [
      [GUID, GUID],
      ["", ""],
    ],
    bad: [
      ["FF:FF", "16 hex bytes"],
      ["25:00:00:00:00:00:00:00:00:00:00:00:00:00:00:01", "25:00"],
    ],
  },
  zone: { good: [["5", 5]], bad: [["256", "above the maximum 255"]] },
  subzone: { good: [["0", 0]], bad: [["-1", "below the minimum 0"]] },
  nodeName: { good: [["Kitchen meter", "Kitchen meter"]], bad: [["x".repeat(65), "longer than 64"]] },
  heartbeat: { good: [["60", 60]], bad: [["5", "below the minimum 10"]] },
  statsInterval: { good: [["300", 300]], bad: [["9", "below the minimum 10"]] },
  snapshot: { good: [[false, false]], bad: [["nah", "not true or false"]] },
  utcOffset: { good: [["-300", -300]], bad: [["900", "above the maximum 840"]] },
  baud: { good: [["9600", 9600]], bad: [["9601", "not one of"]] },
  uartFormat: { good: [["7E1", "7E1"]], bad: [["8E1", "not one of 8N1, 7E1"]] },
  invertRx: { good: [[false, false]], bad: [[null, "got null"]] },
  noCrc: { good: [[true, true]], bad: [["maybe", "not true or false"]] },
  silentAfter: { good: [["120", 120]], bad: [["5", "below the minimum 15"]] },
  outboxKiB: {
    good: [
      ["0", 0],
      ["64", 64],
    ],
    bad: [["9000", "above the maximum 8192"]],
  },
  restartAfter: { good: [["0", 0]], bad: [["2000", "above the maximum 1440"]] },
  rxPin: {
    good: [
      ["17", 17],
      ["-1", -1],
    ],
    bad: [
      ["6", "not available on this board"],
      ["49", "above the maximum 48"],
    ],
  },
  rtsPin: {
    good: [["5", 5]],
    bad: [
      ["7", "not available"],
      ["16", "not available"],
    ],
  },
  publish: { good: [["deadband", "deadband"]], bad: [["never", "not one of every, interval, deadband"]] },
  pubInterval: { good: [["120", 120]], bad: [["0", "below the minimum 10"]] },
  pubDeadband: { good: [["10", 10]], bad: [["0", "below the minimum 1"]] },
  apPass: { good: [["setup-pass-1", "setup-pass-1"]], bad: [["short", "at least 8"]] },
  adminPass: { good: [["admin-pass-1", "admin-pass-1"]], bad: [["short", "at least 8"]] },
  statusPage: { good: [[false, false]], bad: [["x", "not true or false"]] },
  setupAfter: { good: [["0", 0]], bad: [["86401", "above the maximum 86400"]] },
  probation: { good: [["900", 900]], bad: [["59", "below the minimum 60"]] },
  mapping: {
    good: [
      ["1-0:21.7.0=,90;netL1=0", "1-0:21.7.0=,90;netL1=0"],
      ["", ""],
    ],
    bad: [
      ["1-0:1.8.0=1,4", "row 1 (1-0:1.8.0): sensor index 4 is used by 1-0:1.7.0"],
      ["netL1=0;1-0:99.9.9=0", "row 2 (1-0:99.9.9): is not in the OBIS catalog"],
      ["1-0:1.8.0=1,,256", 'row 1 (1-0:1.8.0): zone "256" is not a whole number 0..255'],
      ["1-0:1.8.0", "row 1: "],
      ["1-0:1.8.0=0 ", "may hold only letters, digits"],
      ["netL1=0;".repeat(226), "longer than 1800"],
    ],
  },
  // The continuation parts: their faults are shown at the table, the first part's key.
  mapping2: { good: [["netL2=0", "netL2=0"]], bad: [] },
  mapping3: { good: [["net=,150", "net=,150"]], bad: [] },
  fuseA: {
    good: [["25", 25]],
    bad: [
      ["2.5", "whole number"],
      ["251", "above the maximum 250"],
    ],
  },
  fuseWarnPct: { good: [["85", 85]], bad: [["49", "below the minimum 50"]] },
  voltNominal: { good: [["240", 240]], bad: [["99", "below the minimum 100"]] },
  voltBandPct: { good: [["0", 0]], bad: [["51", "above the maximum 50"]] },
  importMaxW: { good: [["11000", 11000]], bad: [["-1", "below the minimum 0"]] },
  exportMaxW: { good: [["6000", 6000]], bad: [["1000001", "above the maximum 1000000"]] },
  guardPct: { good: [["90", 90]], bad: [["201", "above the maximum 200"]] },
  alarmMinS: { good: [["0", 0]], bad: [["3601", "above the maximum 3600"]] },
  alarmHystPct: { good: [["5", 5]], bad: [["21", "above the maximum 20"]] },
  // Capacity tariff
  tariffPeaks: { good: [["5", 5]], bad: [["11", "above the maximum 10"]] },
  tariffPerDay: { good: [[false, false]], bad: [["x", "not true or false"]] },
  tariffDays: { good: [["weekdays", "weekdays"]], bad: [["weekends", "not one of all, weekdays"]] },
  tariffFrom: { good: [["7", 7]], bad: [["24", "above the maximum 23"]] },
  tariffTo: { good: [["19", 19]], bad: [["25", "above the maximum 24"]] },
  nightWeight: { good: [["50", 50]], bad: [["150", "above the maximum 100"]] },
  nightFrom: { good: [["21", 21]], bad: [["-1", "below the minimum 0"]] },
  nightTo: { good: [["7", 7]], bad: [["24", "above the maximum 23"]] },
};

describe("every setting through the setup handlers", () => {
  it("has cases for every field of the schema", () => {
    expect(Object.keys(CASES).sort()).toEqual(FIELDS.map((f) => f.key).sort());
  });

  for (const field of FIELDS) {
    const cases = CASES[field.key];
    if (!cases) continue;
    for (const [input, stored] of cases.good) {
      it(`${field.key}: accepts ${JSON.stringify(input).slice(0, 40)}`, () => {
        const rig = makeRig();
        const reply = rig.post("/api/config", { values: { [field.key]: input }, untested: true });
        expect(reply.status, reply.body).toBe(202);
        expect(rig.apply.status().state).toBe("saved");
        const changed = stored !== field.default;
        expect(rig.store.get(field.key)).toBe(changed ? stored : undefined);
      });
    }
    for (const [input, words] of cases.bad) {
      it(`${field.key}: refuses ${JSON.stringify(input).slice(0, 40)} with an error next to the field`, () => {
        const rig = makeRig();
        const reply = rig.post("/api/config", { values: { [field.key]: input } });
        expect(reply.status).toBe(400);
        expect(Object.keys(reply.json.errors)).toEqual([field.key]);
        expect(reply.json.errors[field.key]).toContain(words);
        if (field.secret && typeof input === "string") expect(reply.body).not.toContain(input);
        expect(rig.store.keys()).toEqual([]);
        expect(rig.apply.status().state).toBe("idle");
      });
    }
  }

  it("reads the mapping's parts as one text and shows their faults at the table", () => {
    const rig = makeRig();
    let reply = rig.post("/api/config", { values: { mapping: "1-0:1.8.0=0", mapping2: "1-0:1.8.0=1" } });
    expect(reply.json.errors).toEqual({ mapping: "row 2 (1-0:1.8.0): 1-0:1.8.0 is already in row 1" });
    reply = rig.post("/api/config", { values: { mapping3: "x=1 " } });
    expect(reply.json.errors).toEqual({ mapping: 'mapping3: "x=1 " may hold only letters, digits and - : . = , ;' });
    reply = rig.post("/api/config", { values: { mapping: "1-0:1.8.0=,90", mapping2: "1-0:1.7.0=,90" } });
    expect(reply.json.errors).toEqual({ mapping: "row 2 (1-0:1.7.0): sensor index 90 is used by 1-0:1.8.0" });
    expect(rig.store.keys()).toEqual([]);
    reply = rig.post("/api/config", { values: { mapping: "1-0:1.8.0=,90", mapping2: "1-0:1.7.0=,91" }, untested: true });
    expect(reply.status).toBe(202);
    expect([rig.store.get("mapping"), rig.store.get("mapping2")]).toEqual(["1-0:1.8.0=,90", "1-0:1.7.0=,91"]);
  });

  it("a stored mapping this firmware no longer accepts does not block saving other settings", () => {
    const rig = makeRig();
    rig.store.set("mapping", "1-0:99.9.9=0");
    const reply = rig.post("/api/config", { values: { nodeName: "Hall" }, untested: true });
    expect(reply.status, reply.body).toBe(202);
    expect(rig.store.get("nodeName")).toBe("Hall");
  });

  it("turning the status page on needs an admin password", () => {
    const rig = makeRig();
    const reply = rig.post("/api/config", { values: { statusPage: true } });
    expect(reply.status).toBe(400);
    expect(reply.json.errors).toEqual({ adminPass: "set an admin password to turn the status page on" });
    const ok = rig.post("/api/config", { values: { statusPage: true, adminPass: "admin-pass-1" }, untested: true });
    expect(ok.status).toBe(202);
    expect(rig.store.get("statusPage")).toBe(true);
  });

  it("refuses the same GPIO for RX and RTS", () => {
    const rig = makeRig();
    const reply = rig.post("/api/config", { values: { rxPin: "18", rtsPin: "18" } });
    expect(reply.status).toBe(400);
    expect(reply.json.errors).toEqual({ rtsPin: "GPIO 18 is already the RX pin" });
  });

  it("reports every bad field of one submission at once, and stores none of the good ones", () => {
    const rig = makeRig();
    const reply = rig.post("/api/config", { values: { port: "0", zone: "300", topic: "a/#", nodeName: "fine", bogus: 1 } });
    expect(reply.status).toBe(400);
    expect(Object.keys(reply.json.errors).sort()).toEqual(["_", "port", "topic", "zone"]);
    expect(reply.json.errors._).toBe("unknown setting: bogus");
    expect(rig.store.keys()).toEqual([]);
  });
});
