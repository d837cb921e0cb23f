// The bridge as its own process (the simulator CLI), killed without warning: the broker must announce `offline`.
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterEach, expect, test } from "vitest";
import { startTestBroker, type TestBroker } from "./broker";
import { MAC, STATUS_TOPIC } from "./harness";
import { Subscriber } from "./subscriber";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

let broker: TestBroker | undefined;
let subscriber: Subscriber | undefined;
let child: ChildProcess | undefined;

afterEach(async () => {
  if (child && child.exitCode === null) child.kill("SIGKILL");
  await subscriber?.close();
  await broker?.close();
});

test("bridge process killed: the broker publishes the retained offline last will", async () => {
  broker = await startTestBroker();
  subscriber = await Subscriber.connect(broker.host, broker.port, { topics: [STATUS_TOPIC, "vscp/#"] });
  // One node process (no tsx wrapper), so SIGKILL takes the bridge down with its socket.
  child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "hosttest/sim/main.ts",
      "--broker",
      `mqtt://${broker.host}:${broker.port}`,
      "--replay",
      "hosttest/fixtures/sim/ten-telegrams.txt",
      "--speed",
      "20",
      "--mac",
      MAC,
    ],
    { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));

  const statuses = () => subscriber!.messages.filter((m) => m.topic === STATUS_TOPIC).map((m) => m.payload.toString());
  await subscriber
    .waitFor((m) => m.some((x) => x.topic.split("/")[2] === "1040"), "the first events from the bridge process", 45_000)
    .catch((error) => {
      throw new Error(`${error.message}\n${output}`);
    });
  expect(output).toContain("mosquitto_sub -h 127.0.0.1");

  child.kill("SIGKILL");
  await subscriber.waitFor(() => statuses().at(-1) === "offline", "the offline last will", 15_000);
  // (aedes does not pass a session's first retained QoS 0 message, the `online`, on to live subscribers)
  expect(statuses()).toEqual(broker.kind === "mosquitto" ? ["online", "offline"] : ["offline"]);

  // Retained: a consumer that connects later learns the bridge is gone.
  const late = await Subscriber.connect(broker.host, broker.port, { topics: [STATUS_TOPIC] });
  try {
    await late.waitFor((m) => m.length > 0, "the retained status");
    expect(late.messages[0]).toMatchObject({ retain: true });
    expect(late.messages[0].payload.toString()).toBe("offline");
  } finally {
    await late.close();
  }
}, 90_000); // a loaded machine took 17 s just to start tsx
