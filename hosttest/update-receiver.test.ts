import { describe, expect, it } from "vitest";
import { PIECE_BYTES, UpdateReceiver } from "../modules/update/receiver";
import { readImageInfo } from "../modules/update/image";
import { buildImage, sha256Hex } from "./update/image-builder";
import { FakeSlot, NodeDigest } from "./update/fakes";

function receiver(slot = new FakeSlot(), chip = "esp32") {
  return { slot, rx: new UpdateReceiver(slot, new NodeDigest(), chip) };
}

/** Feeds the image in chunks of `chunk` bytes; returns the first refusal of a write, if any. */
function feed(rx: UpdateReceiver, image: Uint8Array, chunk = 1460, upTo = image.length) {
  for (let at = 0; at < upTo; at += chunk) {
    const refused = rx.write(image, at, Math.min(upTo, at + chunk));
    if (refused) return refused;
  }
  return undefined;
}

describe("update image receiver", () => {
  it("streams a good image into the slot in fixed pieces and switches the boot slot only at the end", () => {
    const { slot, rx } = receiver();
    const image = buildImage({ version: "0.2.0", payloadBytes: 3 * PIECE_BYTES + 123 });
    expect(rx.begin(image.length, sha256Hex(image))).toBeUndefined();
    expect(feed(rx, image, 1000)).toBeUndefined();
    expect(slot.boot).toBe("running");
    expect(slot.writes.slice(0, -1).every((n) => n === PIECE_BYTES)).toBe(true);
    const result = rx.finish();
    expect(result).toEqual({ version: "0.2.0", bytes: image.length });
    expect(slot.boot).toBe("next");
    expect(Buffer.from(slot.bytes).equals(image)).toBe(true);
    expect(rx.busy).toBe(false);
  });

  it("reads chip, project and version from the app descriptor", () => {
    const info = readImageInfo(buildImage({ chip: "esp32c3", version: "1.2.3" }), 400);
    expect(info).toEqual({ chipId: 5, projectName: "xs_esp32", version: "1.2.3", rawVersion: "p1vscp-1.2.3" });
    expect(readImageInfo(new Uint8Array(400), 400)).toMatch(/not an ESP-IDF app image/);
  });

  it("refuses an image for another chip before anything reaches flash", () => {
    const { slot, rx } = receiver(new FakeSlot(), "esp32");
    const image = buildImage({ chip: "esp32c3" });
    rx.begin(image.length, sha256Hex(image));
    const refused = feed(rx, image);
    expect(refused?.reason).toBe("the image is built for esp32c3; this device is esp32");
    expect(slot.opened).toBe(0);
    expect(slot.boot).toBe("running");
    expect(rx.busy).toBe(false);
  });

  it("refuses another Moddable app and a file that is no app image", () => {
    for (const [spec, reason] of [
      [{ rawVersion: "1" }, /not a p1vscp image \(project "xs_esp32", version "1"\)/],
      [{ project: "hello_world" }, /not a p1vscp image/],
    ] as const) {
      const { slot, rx } = receiver();
      const image = buildImage(spec);
      rx.begin(image.length, sha256Hex(image));
      expect(feed(rx, image)?.reason).toMatch(reason);
      expect(slot.boot).toBe("running");
    }
    const { rx } = receiver();
    const junk = Buffer.alloc(5000, 0x41);
    rx.begin(junk.length, sha256Hex(junk));
    expect(feed(rx, junk)?.reason).toMatch(/no 0xE9 header byte/);
  });

  it("refuses a truncated image at the end and discards the slot", () => {
    const { slot, rx } = receiver();
    const image = buildImage({ payloadBytes: 20_000 });
    rx.begin(image.length, sha256Hex(image));
    feed(rx, image, 1000, 12_000);
    const result = rx.finish();
    expect(result).toEqual({ status: 400, reason: `the image is truncated: 12000 of ${image.length} bytes arrived` });
    expect(slot.aborted).toBe(1);
    expect(slot.boot).toBe("running");
  });

  it("refuses a wrong SHA-256 and never switches", () => {
    const { slot, rx } = receiver();
    const image = buildImage();
    rx.begin(image.length, "0".repeat(64));
    expect(feed(rx, image)).toBeUndefined();
    const result = rx.finish();
    expect("reason" in result && result.reason).toBe(`the SHA-256 does not match: the image has ${sha256Hex(image)}`);
    expect(slot.boot).toBe("running");
    expect(slot.aborted).toBe(1);
  });

  it("refuses an image larger than the slot before reading it, and bytes beyond the announced size", () => {
    const { slot, rx } = receiver(new FakeSlot(50_000));
    expect(rx.begin(60_000, "a".repeat(64))).toEqual({ status: 413, reason: "the image is 60000 bytes; the update slot holds 50000" });
    expect(rx.busy).toBe(false);
    const image = buildImage({ payloadBytes: 9000 });
    rx.begin(image.length - 10, sha256Hex(image));
    expect(feed(rx, image)?.reason).toBe(`more bytes than the announced ${image.length - 10}`);
    expect(slot.boot).toBe("running");
  });

  it("refuses a missing size or hash and a second upload while one runs", () => {
    const { rx } = receiver();
    expect(rx.begin(-1, "a".repeat(64))?.status).toBe(411);
    expect(rx.begin(10_000, "xyz")?.reason).toMatch(/SHA-256/);
    expect(rx.begin(10_000, "a".repeat(64))).toBeUndefined();
    expect(rx.begin(10_000, "a".repeat(64))?.status).toBe(409);
  });

  it("an upload interrupted halfway leaves the running image as the boot image, and the next upload works", () => {
    const { slot, rx } = receiver();
    const image = buildImage({ payloadBytes: 40_000 });
    rx.begin(image.length, sha256Hex(image));
    feed(rx, image, 1460, image.length >> 1);
    expect(slot.opened).toBe(1);
    rx.abort();
    expect(slot.aborted).toBe(1);
    expect(slot.boot).toBe("running");
    expect(rx.busy).toBe(false);
    rx.begin(image.length, sha256Hex(image));
    feed(rx, image);
    expect(rx.finish()).toEqual({ version: "0.2.0", bytes: image.length });
    expect(slot.boot).toBe("next");
  });

  it("a flash error or the platform's own image check refuses the image without switching", () => {
    const slot = new FakeSlot();
    slot.failWriteAt = 2;
    const { rx } = receiver(slot);
    const image = buildImage({ payloadBytes: 30_000 });
    rx.begin(image.length, sha256Hex(image));
    expect(feed(rx, image)?.reason).toBe("writing the update slot failed: flash write failed");
    expect(slot.boot).toBe("running");

    const slot2 = new FakeSlot();
    slot2.failActivate = "image validation failed";
    const second = receiver(slot2).rx;
    second.begin(image.length, sha256Hex(image));
    feed(second, image);
    const result = second.finish();
    expect("reason" in result && result.reason).toBe("the image was refused by the platform's check: image validation failed");
    expect(slot2.boot).toBe("running");
  });
});
