// The TLS check of `npm run e2e:firmware`: the same firmware started again with MQTT over TLS (through the SDK's
// ECMA-419 TLS socket) to mosquitto with a throw-away CA, ten telegrams sent 200 ms apart (bursts of events
// that fill the lin TCP socket's 1536 bytes), and every event must arrive, none twice, with the firmware running.
// Settings reach it through the simulator's Preferences file (added to what the first run stored), restored afterwards.
import type { ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expectedEvents } from "./expected-events";
import { FirmwareProcess } from "./firmware-process";
import type { PtyMeter } from "./pty-meter";
import { Subscriber, type Received } from "./subscriber";
import { makeTestCa, startTlsBroker } from "./tls-broker";
import { decodeMeasurement } from "./vscp-check";

/** The lin board's Preferences file (the SDK keeps it in the system temp folder). */
const PREFERENCES = join(tmpdir(), "modpreferences.json");

export interface TlsCheckOptions {
  /** Starts the firmware under test (the same command as the plain run). */
  launch: () => ChildProcess;
  meter: PtyMeter;
  telegrams: string[];
  deviceId: string;
  failures: string[];
  say: (line: string) => void;
}

/** Runs the TLS check; failures go to `failures`; returns a summary for the pass line. */
export async function runTlsCheck(o: TlsCheckOptions): Promise<string> {
  const scratch = mkdtempSync(join(tmpdir(), "p1vscp-tls-"));
  const savedPreferences = existsSync(PREFERENCES) ? readFileSync(PREFERENCES) : null;
  let broker: Awaited<ReturnType<typeof startTlsBroker>> | undefined;
  let subscriber: Subscriber | undefined;
  let firmware: FirmwareProcess | undefined;
  try {
    const files = makeTestCa(scratch);
    broker = await startTlsBroker(scratch, files);
    // On top of what the firmware stored: without its build fingerprint it would store the build's broker again.
    const stored = savedPreferences ? (JSON.parse(savedPreferences.toString()) as { p1vscp?: object }).p1vscp : undefined;
    const prefs = { ...stored, broker: "127.0.0.1", port: broker.port, tls: true, caCert: readFileSync(files.ca, "utf8") };
    writeFileSync(PREFERENCES, JSON.stringify({ p1vscp: prefs }));
    subscriber = await Subscriber.connect("127.0.0.1", broker.plainPort, { topics: ["vscp/#", "p1vscp/#"] });
    o.say(`TLS: mosquitto with a test CA on ${broker.port}, the firmware again`);
    const started = performance.now();
    firmware = new FirmwareProcess(o.launch);
    const running = firmware;
    const statusTopic = `p1vscp/${o.deviceId}/status`;
    await subscriber.waitFor(
      (m) => m.some((x) => x.topic === statusTopic && x.payload.toString() === "online"),
      "the firmware's status online over TLS",
      60_000,
    );
    const connectedS = (performance.now() - started) / 1000;
    const measurement = (m: Received[]) => m.filter((x) => x.topic.split("/")[2] === "1040" && Number(x.topic.split("/").at(-1)) < 100);
    const keyOf = (m: Received) => {
      const e = decodeMeasurement(m);
      return `${e.dateTime}#${e.sensorIndex}#${e.text}`;
    };
    const wanted = new Set(o.telegrams.flatMap(expectedEvents).map((e) => `${e.dateTime}#${e.sensorIndex}#${e.text}`));
    if (wanted.size === 0) throw new Error("no telegrams to send");
    for (const telegram of o.telegrams) {
      o.meter.write(Buffer.from(telegram, "latin1"));
      await new Promise((r) => setTimeout(r, 200));
    }
    await subscriber
      .waitFor((m) => measurement(m).length >= wanted.size, `${wanted.size} events of ${o.telegrams.length} telegrams over TLS`, 30_000)
      .catch((e: Error) => o.failures.push(`TLS: ${e.message}`));
    // Long enough for a keep-alive ping (6 s) after the burst.
    await new Promise((r) => setTimeout(r, 8000));
    const keys = measurement(subscriber.messages).map(keyOf);
    const unique = new Set(keys);
    const lost = [...wanted].filter((k) => !unique.has(k)).length;
    const duplicated = keys.length - unique.size;
    const exited = /\[firmware exited with/.test(running.output);
    if (lost) o.failures.push(`TLS: ${lost} of ${wanted.size} events lost`);
    if (duplicated) o.failures.push(`TLS: ${duplicated} events arrived twice`);
    if (exited || lost || duplicated) o.failures.push(`TLS: the firmware's last output:\n${running.output.slice(-3000)}`);
    return (
      `over TLS ${keys.length} of ${wanted.size} events from ${o.telegrams.length} telegrams, ${lost} lost, ` +
      `${duplicated} duplicated (online ${connectedS.toFixed(1)} s after start)`
    );
  } catch (error) {
    o.failures.push(`TLS: ${(error as Error).message}${firmware ? `\n${firmware.output.slice(-3000)}` : ""}`);
    return "";
  } finally {
    firmware?.stop();
    await subscriber?.close();
    broker?.child.kill("SIGTERM");
    if (savedPreferences) writeFileSync(PREFERENCES, savedPreferences);
    else rmSync(PREFERENCES, { force: true });
    rmSync(scratch, { recursive: true, force: true });
  }
}
