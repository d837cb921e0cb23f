// The setup API as a whole: write-only passwords, export/import, the admin gate, limits, and no crash.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CHANNELS } from "../modules/app/channels";
import { FIELDS } from "../modules/config/schema";
import { ObisCatalog } from "../modules/p1/obis-catalog";
import { mappingWithoutMac } from "../modules/vscp/mapping-setting";
import { AdminGate, basicAuthPassword, sameSecret } from "../modules/setup/admin";
import { EXPORT_FORMAT, EXPORT_VERSION } from "../modules/setup/form";
import { MAX_BODY_BYTES, asciiJson, networkOf } from "../modules/setup/http";
import { SETUP_PAGE } from "../modules/setup/page";
import { statusView } from "../modules/setup/status-view";
import { sampleStatus } from "./setup/host-setup";
import { mcconfigArgs } from "./setup/mcconfig-args";
import { makeRig, type Rig } from "./setup/rig";

const SECRETS = { password: "wifi-secret-1", mqttPass: "broker-secret-2", adminPass: "admin-secret-3", apPass: "ap-secret-4" };
const stored = { ssid: "HomeNet", broker: "10.0.0.2", mqttUser: "meter", ...SECRETS };

function expectNoSecret(rig: Rig, text: string): void {
  for (const secret of Object.values(SECRETS)) expect(text).not.toContain(secret);
  for (const line of rig.logs) for (const secret of Object.values(SECRETS)) expect(line).not.toContain(secret);
}

describe("passwords are write-only", () => {
  it("GET /api/config sends every non-secret value and, for secrets, only whether they are set", () => {
    const rig = makeRig(stored);
    const reply = rig.get("/api/config");
    expect(reply.status).toBe(200);
    expectNoSecret(rig, reply.body);
    expect(reply.json.values.ssid).toBe("HomeNet");
    expect(reply.json.secretsSet).toEqual({ password: true, mqttPass: true, apPass: true, adminPass: true });
    for (const field of FIELDS) expect(field.key in reply.json.values).toBe(!field.secret);
    expect(reply.json.fields.map((f: { key: string }) => f.key)).toEqual(FIELDS.map((f) => f.key));
    expect(reply.json.editable).toBe(true);
  });

  it("an empty secret keeps the stored one; a new one replaces it", () => {
    const rig = makeRig(stored);
    rig.tester.auto = { wifi: "", mqtt: "" };
    expect(rig.post("/api/config", { values: { password: "", mqttPass: "", nodeName: "Hall" } }).status).toBe(202);
    expect(rig.store.get("password")).toBe(SECRETS.password);
    expect(rig.store.get("mqttPass")).toBe(SECRETS.mqttPass);
    expect(rig.store.get("nodeName")).toBe("Hall");
  });

  it("no response and no log line carries a stored password", () => {
    const rig = makeRig({ ...stored, statusPage: true });
    rig.tester.auto = { wifi: "wrong password " + SECRETS.password };
    const replies = [
      rig.get("/"),
      rig.get("/api/config"),
      rig.get("/api/status"),
      rig.get("/api/export"),
      rig.get("/api/apply"),
      rig.get("/api/scan"),
      rig.post("/api/config", { values: { password: "new-password-9" } }),
      rig.get("/api/apply"),
      rig.post("/api/config", { values: { port: "x" } }),
      rig.get("/api/config", { network: "station", admin: SECRETS.adminPass }),
      rig.get("/api/config", { network: "station", admin: "wrong-password" }),
    ];
    for (const reply of replies) expectNoSecret(rig, reply.body);
    // The tester's error text above quoted the password: the last line of defence removed it and counted it.
    expect(rig.handlers.redacted).toBeGreaterThan(0);
  });
});

describe("export and import", () => {
  it("exports every non-secret value in a versioned file, and never a secret", () => {
    const rig = makeRig({ ...stored, zone: 7 });
    const reply = rig.get("/api/export");
    expect(reply.status).toBe(200);
    expect(reply.headers["Content-Disposition"]).toContain("p1vscp-config.json");
    expect(reply.json.format).toBe(EXPORT_FORMAT);
    expect(reply.json.version).toBe(EXPORT_VERSION);
    expect(reply.json.values.zone).toBe(7);
    for (const field of FIELDS) expect(field.key in reply.json.values).toBe(!field.secret);
    expectNoSecret(rig, reply.body);
  });

  it("re-imports an export on another device; its own passwords stay", () => {
    const source = makeRig({ ...stored, zone: 7, topic: "p1/{guid}/{type}", broker: "" });
    const file = source.get("/api/export").json;
    const target = makeRig({ ssid: "Other", password: "other-password" });
    const reply = target.post("/api/import", file);
    expect(reply.status).toBe(202);
    target.tester.pending?.("");
    expect(target.apply.status().state).toBe("saved");
    expect(target.store.get("zone")).toBe(7);
    expect(target.store.get("ssid")).toBe("HomeNet");
    expect(target.store.get("password")).toBe("other-password");
  });

  it("never changes a secret: passwords in an imported file are ignored and named in the reply", () => {
    const rig = makeRig(stored);
    rig.tester.auto = { wifi: "", mqtt: "" };
    const secretKeys = FIELDS.filter((f) => f.secret).map((f) => f.key);
    const values: Record<string, string> = { nodeName: "Garage" };
    for (const key of secretKeys) values[key] = "Imported-secret-1";
    const reply = rig.post("/api/import", { format: EXPORT_FORMAT, version: 1, values });
    expect(reply.status).toBe(202);
    expect(reply.json.ignored).toEqual(secretKeys);
    expect(rig.apply.status().state).toBe("saved");
    expect(rig.store.get("nodeName")).toBe("Garage");
    for (const [key, secret] of Object.entries(SECRETS)) expect(rig.store.get(key)).toBe(secret);
    // A file holding nothing but the admin password changes nothing at all.
    const only = makeRig(stored);
    only.tester.auto = { wifi: "", mqtt: "" };
    const adminOnly = only.post("/api/import", { format: EXPORT_FORMAT, version: 1, values: { adminPass: "ImportedAdmin1" } });
    expect(adminOnly.json.ignored).toEqual(["adminPass"]);
    expect(only.store.get("adminPass")).toBe(SECRETS.adminPass);
  });

  it.each([
    [{ format: "something", version: 1, values: {} }, "not a p1vscp-config file"],
    [{ format: EXPORT_FORMAT, version: 2, values: {} }, "version 2 is not supported"],
    [{ format: EXPORT_FORMAT, version: 1 }, "no values object"],
    [{ format: EXPORT_FORMAT, version: 1, values: {}, extra: 1 }, 'unknown entry "extra"'],
    [[1, 2], "expected the JSON object"],
  ])("refuses a file that is not an export (%#)", (file, words) => {
    const rig = makeRig();
    const reply = rig.post("/api/import", file);
    expect(reply.status).toBe(400);
    expect(reply.json.errors._).toContain(words);
  });

  it("turns an export into mcconfig build arguments for a fleet (changed values only, quoted for the shell)", () => {
    const rig = makeRig({ ...stored, zone: 7, nodeName: "Hall meter", topic: "p1/{guid}/{type}" });
    const { args, problems } = mcconfigArgs(rig.get("/api/export").json);
    expect(problems).toEqual([]);
    expect(args).toEqual([
      "ssid=HomeNet",
      "broker=10.0.0.2",
      "mqttUser=meter",
      "topic=p1/{guid}/{type}",
      "zone=7",
      "'nodeName=Hall meter'",
    ]);
    expect(mcconfigArgs({ format: EXPORT_FORMAT, version: 1, values: { zone: 300 } }).problems).toEqual([
      "zone: 300 is above the maximum 255",
    ]);
  });

  it("exports the mapping with the rest, and an import on another device applies it", () => {
    const source = makeRig({ ...stored, broker: "", mapping: "1-0:21.7.0=,90;netL1=0", mapping2: "1-0:1.8.0=,,4" });
    const file = source.get("/api/export").json;
    expect([file.values.mapping, file.values.mapping2, file.values.mapping3]).toEqual(["1-0:21.7.0=,90;netL1=0", "1-0:1.8.0=,,4", ""]);
    const target = makeRig({ ssid: "Other", password: "other-password" });
    expect(target.post("/api/import", file).status).toBe(202);
    target.tester.pending?.("");
    expect(target.apply.status().state).toBe("saved");
    expect([target.store.get("mapping"), target.store.get("mapping2")]).toEqual(["1-0:21.7.0=,90;netL1=0", "1-0:1.8.0=,,4"]);
  });

  it("refuses an imported mapping with its row named, and stores nothing", () => {
    const rig = makeRig();
    const values = { nodeName: "Garage", mapping: "netL1=0;1-0:21.7.0=,4" };
    const reply = rig.post("/api/import", { format: EXPORT_FORMAT, version: 1, values });
    expect(reply.status).toBe(400);
    expect(reply.json.errors).toEqual({ mapping: "row 2 (1-0:21.7.0): sensor index 4 is used by 1-0:1.7.0" });
    expect(rig.store.keys()).toEqual([]);
  });

  it("reports the bad values of an imported file per field", () => {
    const rig = makeRig();
    const reply = rig.post("/api/import", { format: EXPORT_FORMAT, version: 1, values: { port: 0, wifi: "x" } });
    expect(reply.status).toBe(400);
    expect(reply.json.errors).toEqual({ port: "0 is below the minimum 1", _: "unknown setting: wifi" });
  });
});

describe("the mapping table", () => {
  const defaults = mappingWithoutMac(new ObisCatalog(), CHANNELS);

  it("has a row for every catalog code with a VSCP type and every channel, with current and default values", () => {
    const rig = makeRig({ zone: 2, mapping: "1-0:21.7.0=,90,7;netL1=0" });
    const table = rig.get("/api/config").json.mapping;
    const codes = table.rows.map((row: unknown[]) => row[0]);
    const publishable = [];
    for (let slot = 0; slot < defaults.size; slot++) if (defaults.publishable[slot]) publishable.push(defaults.codeOf(slot));
    expect(codes).toEqual(publishable);
    for (const channel of CHANNELS) expect(codes).toContain(channel.key);
    const row = (code: string) => table.rows.find((r: unknown[]) => r[0] === code);
    // code, label, enabled, sensor index, zone, subzone, their defaults, in the last telegram
    expect(row("1-0:21.7.0")).toEqual(["1-0:21.7.0", "Active power import L1", 1, 90, 7, 0, 1, 8, 2, 0, 0]);
    expect(row("netL1")).toEqual(["netL1", "Net active power L1", 0, 100, 2, 0, 1, 100, 2, 0, 0]);
    expect(row("1-0:1.8.0")[10]).toBe(1); // the sample status's telegram has it
    expect(table.partChars).toBe(1800);
    expect(table.problem).toBe("");
    process.stdout.write(`mapping table: ${table.rows.length} rows, ${JSON.stringify(table).length} bytes of JSON in /api/config\n`);
  });

  it("shows the defaults and says why when the stored mapping is not used", () => {
    const rig = makeRig({ mapping: "1-0:99.9.9=0" });
    const table = rig.get("/api/config").json.mapping;
    expect(table.problem).toBe("mapping: row 1 (1-0:99.9.9): is not in the OBIS catalog; the default mapping is used");
    expect(table.rows.find((r: unknown[]) => r[0] === "1-0:21.7.0").slice(2, 6)).toEqual([1, 8, 0, 0]);
  });
});

describe("request checks", () => {
  it.each([
    ["not JSON", { raw: "{values:" }, "not valid JSON"],
    ["wrong type", { raw: "{}", headers: { "content-type": "text/plain" } }, "application/json"],
    ["unknown request entry", { raw: '{"values":{},"apply":true}' }, 'unknown entry "apply"'],
    ["values not an object", { raw: '{"values":[1]}' }, "expected a JSON object of settings"],
    ["untested not boolean", { raw: '{"values":{},"untested":"yes"}' }, "untested must be true or false"],
  ])("POST /api/config: %s gives a clear error", (_name, options, words) => {
    const rig = makeRig();
    const reply = rig.post("/api/config", undefined, options);
    expect(reply.status).toBe(400);
    expect(reply.json.errors._).toContain(words);
  });

  it("refuses a POST without the page's header (a cross-site form cannot add it)", () => {
    const rig = makeRig();
    const reply = rig.post("/api/restart", undefined, { headers: { "x-p1vscp": "" } });
    expect(reply.status).toBe(403);
    expect(reply.after).toBeUndefined();
  });

  it("refuses a body over the limit", () => {
    const rig = makeRig();
    const reply = rig.post("/api/config", { values: { nodeName: "x".repeat(MAX_BODY_BYTES) } });
    expect(reply.status).toBe(413);
  });

  it("answers other methods with 405, unknown API paths with 404 and phone captive-portal probes with a redirect", () => {
    const rig = makeRig();
    expect(rig.handlers.handle({ method: "PUT", path: "/api/config", headers: {}, body: "", network: "ap" }).status).toBe(405);
    expect(rig.get("/api/nothing").status).toBe(404);
    const probe = rig.get("/generate_204");
    expect(probe.status).toBe(302);
    expect(probe.headers.Location).toBe("http://192.168.4.1/");
  });

  it("a change while another is being tested is refused with 409", () => {
    const rig = makeRig({ ssid: "HomeNet" });
    expect(rig.post("/api/config", { values: { ssid: "Other" } }).status).toBe(202);
    const second = rig.post("/api/config", { values: { zone: "3" } });
    expect(second.status).toBe(409);
    expect(second.json.errors._).toContain("being tested");
  });

  it("restart and re-enter setup answer first and act after the response", () => {
    const rig = makeRig();
    expect(rig.post("/api/restart").after).toBe("restart");
    const setup = rig.post("/api/enter-setup");
    expect(setup.after).toBe("restart");
    expect(rig.store.get("setupNext")).toBe(true);
  });

  it("never crashes and never answers 500, whatever the body", () => {
    const rig = makeRig(stored);
    const value = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.integer()), fc.object());
    const key = fc.oneof(fc.constantFrom(...FIELDS.map((f) => f.key)), fc.string());
    fc.assert(
      fc.property(fc.dictionary(key, value), fc.constantFrom("/api/config", "/api/import"), fc.boolean(), (values, path, wrap) => {
        const body = path === "/api/import" ? { format: EXPORT_FORMAT, version: 1, values } : wrap ? { values, untested: true } : values;
        const reply = rig.post(path, body);
        expect([202, 400, 409]).toContain(reply.status);
        rig.clock.advance(60_000);
        rig.restarts.length = 0;
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (raw) => {
        expect(rig.post("/api/config", undefined, { raw }).status).toBeLessThan(500);
      }),
      { numRuns: 300 },
    );
  });
});

describe("status page on the home network", () => {
  const home = { ...stored, statusPage: true };

  it("is off unless turned on", () => {
    const rig = makeRig(stored);
    expect(rig.get("/api/status", { network: "station", admin: SECRETS.adminPass }).status).toBe(404);
  });

  it("asks for the admin password, and shows status and export with it", () => {
    const rig = makeRig(home);
    const none = rig.get("/api/status", { network: "station" });
    expect(none.status).toBe(401);
    expect(none.headers["WWW-Authenticate"]).toContain("Basic");
    expect(rig.get("/api/status", { network: "station", admin: "admin-secret-X" }).status).toBe(401);
    const ok = rig.get("/api/status", { network: "station", admin: SECRETS.adminPass });
    expect(ok.status).toBe(200);
    expect(ok.json.meter.header).toBe("/LGF5E360");
    expect(rig.get("/api/export", { network: "station", admin: SECRETS.adminPass }).status).toBe(200);
    expect(rig.get("/api/config", { network: "station", admin: SECRETS.adminPass }).json.editable).toBe(false);
  });

  it("changes settings only in setup mode, but can restart and re-enter setup", () => {
    const rig = makeRig(home);
    const admin = SECRETS.adminPass;
    expect(rig.post("/api/config", { values: { zone: 1 } }, { network: "station", admin }).status).toBe(403);
    expect(rig.post("/api/import", {}, { network: "station", admin }).status).toBe(403);
    expect(rig.get("/api/scan", { network: "station", admin }).status).toBe(403);
    expect(rig.post("/api/enter-setup", undefined, { network: "station", admin }).after).toBe("restart");
    expect(rig.store.get("setupNext")).toBe(true);
  });

  it("locks out for a minute after five wrong passwords, the right one included", () => {
    const rig = makeRig(home);
    for (let i = 0; i < 5; i++) expect(rig.get("/api/status", { network: "station", admin: `guess-${i}-xxxx` }).status).toBe(401);
    expect(rig.get("/api/status", { network: "station", admin: SECRETS.adminPass }).status).toBe(429);
    rig.clock.advance(60_000);
    expect(rig.get("/api/status", { network: "station", admin: SECRETS.adminPass }).status).toBe(200);
    expect(rig.handlers.admin.rejected).toBe(5);
  });

  it("compares passwords whatever their length, and an empty expected password never matches", () => {
    expect(sameSecret("admin-pass", "admin-pass")).toBe(true);
    expect(sameSecret("admin-pas", "admin-pass")).toBe(false);
    expect(sameSecret("admin-passX", "admin-pass")).toBe(false);
    expect(sameSecret("admin-pasS", "admin-pass")).toBe(false);
    expect(sameSecret("", "")).toBe(false);
    const gate = new AdminGate();
    expect(gate.check(undefined, "", 0)).toBe("missing");
  });

  it("reads HTTP Basic credentials, UTF-8 included, and refuses malformed ones", () => {
    const basic = (text: string) => `Basic ${Buffer.from(text).toString("base64")}`;
    expect(basicAuthPassword(basic("admin:pa:ss"))).toBe("pa:ss");
    expect(basicAuthPassword(basic("admin:lösen"))).toBe("lösen");
    expect(basicAuthPassword(basic("no-colon"))).toBeUndefined();
    expect(basicAuthPassword("Bearer abc")).toBeUndefined();
    expect(basicAuthPassword("Basic ***")).toBeUndefined();
    expect(basicAuthPassword(`Basic ${"A".repeat(600)}`)).toBeUndefined();
  });
});

describe("the page and the status view", () => {
  it("is one ASCII document with no external resources and a script that parses", () => {
    for (let i = 0; i < SETUP_PAGE.length; i++) expect(SETUP_PAGE.charCodeAt(i)).toBeLessThan(127);
    expect(SETUP_PAGE).not.toMatch(/(src|href)=["']?(https?:)?\/\//);
    expect(SETUP_PAGE).not.toMatch(/https?:\/\//);
    const script = SETUP_PAGE.slice(SETUP_PAGE.indexOf("<script>") + 8, SETUP_PAGE.indexOf("</script>"));
    expect(() => new Function(script)).not.toThrow();
    process.stdout.write(`setup page: ${SETUP_PAGE.length} bytes\n`);
    expect(SETUP_PAGE.length).toBeLessThan(24_000);
  });

  it("sends status with plain values only: nested health entries dropped, texts bounded, unknown RSSI as null", () => {
    const status = sampleStatus(0)();
    const view = statusView({
      ...status,
      health: { ok: 1, up: true, name: "x".repeat(500), nested: { a: 1 }, bad: NaN, none: null },
    }) as any;
    expect(view.health).toEqual({ ok: 1, up: true, name: "x".repeat(200), bad: null, none: null });
    expect(view.wifi.rssi).toBeNull();
  });

  it("counts only clients on the access point's own subnet as the access point", () => {
    expect(networkOf("192.168.4.2", "192.168.4.1")).toBe("ap");
    expect(networkOf("192.168.1.20", "192.168.4.1")).toBe("station");
    expect(networkOf("192.168.40.2", "192.168.4.1")).toBe("station");
    expect(networkOf(undefined, "192.168.4.1")).toBe("station");
    expect(networkOf("192.168.4.2", undefined)).toBe("station");
  });

  it("writes JSON as ASCII, escaping everything else", () => {
    expect(asciiJson({ a: "lösen €" })).toBe('{"a":"l\\u00f6sen \\u20ac"}');
    expect(JSON.parse(asciiJson({ a: "😀" })).a).toBe("😀");
  });
});
