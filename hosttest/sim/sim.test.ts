// The simulator's own pieces: options, captures, the fixture generator, the MQTT link's contract, the CLI's errors.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { Framer } from "../../modules/p1/framer";
import { FrameStatus } from "../../modules/p1/frame-status";
import { parseOptions, UsageError } from "./cli-options";
import { dayOfTelegrams } from "./day-profile";
import { startEmbeddedBroker } from "./embedded-broker";
import { MqttJsLink } from "./mqtt-link";
import { swedishTelegram } from "./swedish-telegram";
import { loadCapture } from "./telegram-file";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/sim/${name}`, import.meta.url));

describe("options", () => {
  test("defaults: embedded broker, built-in replay at the meter's pace", () => {
    expect(parseOptions([], {})).toMatchObject({
      broker: undefined,
      brokerPort: 1883,
      speed: 1,
      baud: 115200,
      once: false,
      mac: "02:00:00:00:00:01",
    });
  });

  test("broker URL, TLS and password from the environment", () => {
    const o = parseOptions(["--broker", "mqtts://broker.example:8884", "--user", "meter"], { P1VSCP_MQTT_PASSWORD: "s3cret" });
    expect(o.broker).toEqual({ host: "broker.example", port: 8884, tls: true });
    expect(o).toMatchObject({ user: "meter", password: "s3cret" });
  });

  test.each([
    [["--speed", "0"], /--speed/],
    [["--speed", "fast"], /--speed/],
    [["--mac", "24:0A:C4"], /--mac/],
    [["--broker", "http://x:1"], /mqtt:\/\//],
    [["--broker", "mqtt://user:pw@host:1883"], /--user and --password/],
    [["--serial", "/dev/ttyUSB0", "--replay", "x.txt"], /either --serial or --replay/],
    [["--tls"], /--tls needs --broker/],
    [["--nonsense"], /Unknown option/],
  ])("%j is refused with a clear message", (argv, message) => {
    expect(() => parseOptions(argv as string[], {})).toThrow(UsageError);
    expect(() => parseOptions(argv as string[], {})).toThrow(message as RegExp);
  });
});

describe("captures and fixtures", () => {
  test("every generated telegram passes the framer's CRC check", () => {
    const statuses: number[] = [];
    const framer = new Framer({ onFrame: (f) => statuses.push(f.status) });
    for (const values of dayOfTelegrams(new Date("2025-06-01T00:00:00Z"), 10, 50, 99))
      framer.push(new TextEncoder().encode(swedishTelegram(values)));
    expect(statuses).toHaveLength(50);
    expect(statuses.every((s) => s === FrameStatus.Ok)).toBe(true);
  });

  test("the fixture files are what the generator writes (regenerate with generate-fixtures.ts)", () => {
    const ten = dayOfTelegrams(new Date("2025-01-15T11:59:00Z"), 10, 10, 7)
      .map((v) => swedishTelegram(v))
      .join("");
    expect(readFileSync(fixture("ten-telegrams.txt"), "latin1")).toBe(ten);
    expect(loadCapture(fixture("day.txt"))).toMatchObject({ good: 288, rejected: 0 });
  });

  test("energy registers never run backwards over the day", () => {
    const day = dayOfTelegrams(new Date("2025-01-14T23:00:00Z"), 300, 288);
    for (let i = 1; i < day.length; i++) {
      expect(day[i].importKwh).toBeGreaterThanOrEqual(day[i - 1].importKwh);
      expect(day[i].exportKwh).toBeGreaterThanOrEqual(day[i - 1].exportKwh);
    }
    expect(day.some((v) => v.exportKw[0] > 0)).toBe(true); // solar export around noon
  });

  test("a missing file and a file without telegrams are refused with their reason", () => {
    expect(() => loadCapture("/nonexistent/capture.txt")).toThrow(/does not exist/);
    expect(() => loadCapture(`${ROOT}package.json`)).toThrow(/holds no P1 telegram/);
  });
});

describe("MQTT link", () => {
  test("publish answers false while not connected and throws once closed", () => {
    const link = new MqttJsLink();
    const payload = new Uint8Array([1, 2, 3]);
    expect(link.publish("t", payload, 0, 3, false, 0)).toBe(false);
    expect(link.refused).toBe(1);
    link.close();
    expect(() => link.publish("t", payload, 0, 3, false, 0)).toThrow(/closed/);
  });

  test("a refused connection is reported once, without the password", async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, "127.0.0.1", () => {
        const p = (server.address() as { port: number }).port;
        server.close(() => resolve(p));
      });
    });
    const link = new MqttJsLink();
    const reasons: string[] = [];
    await new Promise<void>((resolve) => {
      link.connect(
        {
          host: "127.0.0.1",
          port,
          clientId: "t",
          username: "u",
          password: "hunter2",
          keepAliveSeconds: 10,
          will: { topic: "s", payload: "offline", retain: true },
        },
        {
          onMqttConnected: () => reasons.push("connected?"),
          onMqttAcknowledged: () => {},
          onMqttHeard: () => {},
          onMqttDisconnected: (reason) => {
            reasons.push(reason);
            setTimeout(resolve, 100); // a second report would land here
          },
        },
      );
    });
    expect(reasons).toEqual([`connection refused by 127.0.0.1:${port}`]);
    link.close();
  });

  test("copies the payload: the caller may reuse its buffer at once", async () => {
    const broker = await startEmbeddedBroker(0);
    const link = new MqttJsLink({ observer: (_t, copy) => seen.push(copy) });
    const seen: Buffer[] = [];
    try {
      await new Promise<void>((resolve, reject) =>
        link.connect(
          {
            host: broker.host,
            port: broker.port,
            clientId: "c",
            keepAliveSeconds: 10,
            will: { topic: "s", payload: "offline", retain: true },
          },
          {
            onMqttConnected: resolve,
            onMqttDisconnected: reject,
            onMqttAcknowledged: () => {},
            onMqttHeard: () => {},
          },
        ),
      );
      const buffer = new Uint8Array([0x7b, 0x7d, 0x20]);
      expect(link.publish("t", buffer, 0, 2, false, 0)).toBe(true);
      buffer.fill(0);
      expect([...seen[0]]).toEqual([0x7b, 0x7d]);
    } finally {
      link.close();
      await broker.close();
    }
  });
});

describe("npm start errors", () => {
  const run = (...args: string[]) =>
    spawnSync(process.execPath, ["--import", "tsx", "hosttest/sim/main.ts", ...args], { cwd: ROOT, encoding: "utf8", timeout: 50_000 });

  test("a bad replay file", () => {
    const r = run("--replay", "package.json");
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/error: replay file package\.json holds no P1 telegram/);
  });

  test("a missing serial port", () => {
    const r = run("--serial", "/dev/ttyNOSUCHPORT");
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/cannot open serial port \/dev\/ttyNOSUCHPORT/);
  });

  test("a refused broker, without the password in the message", () => {
    const r = run("--broker", "mqtt://127.0.0.1:1", "--user", "meter", "--password", "hunter2", "--speed", "100");
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/cannot connect to the broker mqtt:\/\/127\.0\.0\.1:1 as meter: connection refused/);
    expect(r.stdout + r.stderr).not.toContain("hunter2");
  });
});
