import { describe, expect, it } from "vitest";
import { AdminGate } from "../modules/setup/admin";
import { KEY_FROM, KEY_TO, UpdateState, type BootOutcome } from "../modules/update/probation";
import { REBOOT_DELAY_MS, STALL_MS, UpdateService, type UploadSink } from "../modules/update/service";
import type { SetupResponse } from "../modules/setup/http";
import { UPDATE_PAGE } from "../modules/update/page";
import { FakeClock } from "./fakes/fake-clock";
import { MemoryStore } from "./sim/memory-store";
import { buildImage, sha256Hex } from "./update/image-builder";
import { FakePlatform } from "./update/fakes";

const AUTH = `Basic ${Buffer.from("admin:admin-pass-1").toString("base64")}`;

function rig(ready = "") {
  const store = new MemoryStore({ statusPage: true, adminPass: "admin-pass-1", ssid: "HomeNet" });
  const platform = new FakePlatform();
  const clock = new FakeClock();
  const log: string[] = [];
  let outcome: BootOutcome = { state: UpdateState.None, text: "", version: "" };
  const service = new UpdateService({
    platform,
    chip: "esp32",
    store,
    clock,
    scheduler: clock,
    admin: new AdminGate(),
    readiness: () => ready,
    outcome: () => outcome,
    log: (line) => log.push(line),
  });
  return { store, platform, clock, log, service, setOutcome: (o: BootOutcome) => (outcome = o) };
}

function headers(image: Uint8Array, extra: Record<string, string> = {}) {
  return { authorization: AUTH, "x-p1vscp": "1", "content-length": String(image.length), "x-image-sha256": sha256Hex(image), ...extra };
}

function upload(
  service: UpdateService,
  image: Uint8Array,
  extra: Record<string, string> = {},
  upTo = image.length,
): SetupResponse | UploadSink {
  const sink = service.open("POST", "/api/update", headers(image, extra));
  if ("status" in sink) return sink;
  for (let at = 0; at < upTo; at += 1460) sink.write(image, at, Math.min(upTo, at + 1460));
  return sink;
}

const body = (r: SetupResponse | UploadSink) => JSON.parse((r as SetupResponse).body);

describe("update service (status page routes)", () => {
  it("accepts a good image, records the update and restarts into it after answering", () => {
    const { service, platform, store, clock } = rig();
    const image = buildImage({ version: "0.2.0" });
    const sink = upload(service, image) as UploadSink;
    const response = sink.finish();
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ ok: true, version: "0.2.0" });
    expect(platform.slotPort.boot).toBe("next");
    expect([store.get(KEY_FROM), store.get(KEY_TO)]).toEqual(["0.1.0", "0.2.0"]);
    expect(platform.reboots).toBe(0);
    clock.advance(REBOOT_DELAY_MS);
    expect(platform.reboots).toBe(1);
  });

  it("asks for the admin password and refuses without the request marker", () => {
    const { service } = rig();
    const image = buildImage();
    expect((service.open("POST", "/api/update", { ...headers(image), authorization: "" }) as SetupResponse).status).toBe(401);
    expect((service.open("GET", "/update", {}) as SetupResponse).status).toBe(401);
    const noMarker = service.open("POST", "/api/update", { ...headers(image), "x-p1vscp": "" }) as SetupResponse;
    expect(noMarker.status).toBe(403);
    const page = service.open("GET", "/update", { authorization: AUTH }) as SetupResponse;
    expect(page.body).toContain("<progress");
  });

  it("refuses uploads while the running image could not pass probation itself", () => {
    const { service, platform } = rig("the meter is silent: a new image could not prove itself; try again when telegrams arrive");
    const response = upload(service, buildImage()) as SetupResponse;
    expect(response.status).toBe(409);
    expect(body(response).error).toBe(
      "update refused: the meter is silent: a new image could not prove itself; try again when telegrams arrive",
    );
    expect(platform.slotPort.opened).toBe(0);
  });

  it("refuses an update while the running image is itself on probation", () => {
    const { service, setOutcome } = rig();
    setOutcome({ state: UpdateState.Probation, text: "on probation: 0.2.0", version: "0.2.0" });
    expect(body(upload(service, buildImage())).error).toMatch(/still on probation/);
  });

  it("a refusal mid-stream skips the rest of the body and answers with the reason", () => {
    const { service, platform } = rig();
    const image = buildImage({ chip: "esp32s3" });
    const sink = upload(service, image) as UploadSink;
    const response = sink.finish();
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body).error).toBe("update refused: the image is built for esp32s3; this device is esp32");
    expect(platform.slotPort.boot).toBe("running");
  });

  it("a wrong hash is refused at the end; the boot slot never changes", () => {
    const { service, platform, clock } = rig();
    const image = buildImage();
    const sink = upload(service, image, { "x-image-sha256": "1".repeat(64) }) as UploadSink;
    expect(JSON.parse(sink.finish().body).error).toMatch(/SHA-256 does not match/);
    clock.advance(10_000);
    expect(platform.slotPort.boot).toBe("running");
    expect(platform.reboots).toBe(0);
  });

  it("an interrupted upload is discarded; a stalled one is abandoned when the next begins", () => {
    const { service, platform, clock } = rig();
    const image = buildImage({ payloadBytes: 50_000 });
    const sink = upload(service, image, {}, 20_000) as UploadSink;
    sink.abort();
    expect(platform.slotPort.aborted).toBe(1);
    expect(platform.slotPort.boot).toBe("running");

    upload(service, image, {}, 20_000);
    expect(body(upload(service, image)).error).toBe("update refused: another image is being received");
    clock.advance(STALL_MS + 1);
    const third = upload(service, image) as UploadSink;
    expect(third.finish().status).toBe(200);
  });

  it("reports the running version, the last outcome and whether an upload would be accepted", () => {
    const { service, setOutcome } = rig();
    setOutcome({ state: UpdateState.RolledBack, text: "rolled back from 0.2.0: no good telegram within 600 s", version: "" });
    const view = body(service.open("GET", "/api/update", { authorization: AUTH }));
    expect(view).toMatchObject({
      running: "0.1.0",
      chip: "esp32",
      state: 3,
      outcome: "rolled back from 0.2.0: no good telegram within 600 s",
      ready: "",
    });
  });

  it("serves a self-contained ASCII page (the device's server sends strings as they are)", () => {
    for (let i = 0; i < UPDATE_PAGE.length; i++) expect(UPDATE_PAGE.charCodeAt(i)).toBeLessThan(127);
    expect(UPDATE_PAGE).not.toMatch(/https?:\/\//);
    expect(UPDATE_PAGE.length).toBeLessThan(8_000);
  });
});
