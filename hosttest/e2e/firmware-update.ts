// Updates of the Linux firmware end to end (part of `npm run e2e:firmware`): one good image, uploaded with
// `npm run ota`'s code, is kept once it reads telegrams and publishes; one that never sees a telegram is
// rolled back at its probation deadline and the previous image says so on the status topic.
import { buildImage } from "../update/image-builder";
import { sendImage } from "../cli/ota";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FirmwareProcess } from "./firmware-process";
import type { PtyMeter } from "./pty-meter";
import type { Subscriber } from "./subscriber";

export const ADMIN_PASSWORD = "e2e-admin-pass";
/** The shortest probation the schema allows. */
export const PROBATION_S = 60;
/** The lin status page (modules/device/lin/platform.ts STATUS_PORT). */
const STATUS_HOST = "127.0.0.1:8080";

export interface UpdateRun {
  meter: PtyMeter;
  subscriber: Subscriber;
  firmware: FirmwareProcess;
  telegrams: string[];
  statusTopic: string;
  failures: string[];
  say(line: string): void;
}

/** The last answer or failure of the update page, said when a wait times out. */
let lastAnswer = "none yet";

async function updateState(): Promise<{ running: string; ready: string; outcome: string } | undefined> {
  try {
    const response = await fetch(`http://${STATUS_HOST}/api/update`, {
      headers: { Authorization: `Basic ${Buffer.from(`admin:${ADMIN_PASSWORD}`).toString("base64")}` },
    });
    const state = response.ok ? ((await response.json()) as { running: string; ready: string; outcome: string }) : undefined;
    lastAnswer = state ? `ready: "${state.ready}"` : `HTTP ${response.status}`;
    return state;
  } catch (error) {
    lastAnswer = `no answer: ${(error as Error).message}`;
    return undefined;
  }
}

async function until<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (update page, last: ${lastAnswer})`);
}

export async function runUpdateChecks(run: UpdateRun): Promise<string> {
  const { meter, subscriber, firmware, failures } = run;
  const folder = mkdtempSync(join(tmpdir(), "p1vscp-images-"));
  let pumping = true;
  let next = 0;
  const pump = setInterval(() => {
    if (pumping) meter.write(Buffer.from(run.telegrams[next++ % run.telegrams.length], "latin1"));
  }, 1000);
  const tag = String(Date.now() % 100000);
  const good = `0.1.1-e2e${tag}`;
  const bad = `0.1.2-e2e${tag}`;
  const statusSays = (text: string) => subscriber.messages.some((m) => m.topic === run.statusTopic && m.payload.toString() === text);
  try {
    // A good image: accepted, restarted into, kept once it has read telegrams and published.
    await until(async () => ((await updateState())?.ready === "" ? true : undefined), "the firmware to accept updates", 120_000);
    const goodFile = join(folder, "good.bin");
    writeFileSync(goodFile, buildImage({ chip: "lin", version: good, payloadBytes: 1_000_000 }));
    const first = await sendImage(STATUS_HOST, ADMIN_PASSWORD, goodFile);
    if (first.status !== 200) throw new Error(`good image refused: HTTP ${first.status} ${first.body.error}`);
    await subscriber.waitFor(() => statusSays(`updated to ${good}`), `"updated to ${good}" on the status topic`, 90_000);
    const kept = await until(updateState, "the status page after the update", 30_000);
    if (kept.running !== good) failures.push(`update: running ${kept.running} after the good update, expected ${good}`);

    // An image that never sees a telegram: rolled back at the deadline, the previous image says why.
    await until(async () => ((await updateState())?.ready === "" ? true : undefined), "the updated firmware to accept updates", 120_000);
    const badFile = join(folder, "bad.bin");
    writeFileSync(badFile, buildImage({ chip: "lin", version: bad, payloadBytes: 1_000_000 }));
    const restartsBefore = firmware.restarts;
    const second = await sendImage(STATUS_HOST, ADMIN_PASSWORD, badFile);
    pumping = false;
    if (second.status !== 200) throw new Error(`second image refused: HTTP ${second.status} ${second.body.error}`);
    const reason = `rolled back from ${bad}: no good telegram within ${PROBATION_S} s`;
    await subscriber.waitFor(() => statusSays(reason), `"${reason}" on the status topic`, (PROBATION_S + 90) * 1000);
    if (firmware.restarts - restartsBefore !== 2)
      failures.push(`update: ${firmware.restarts - restartsBefore} restarts for update and rollback, expected 2`);
    const back = await until(updateState, "the status page after the rollback", 30_000);
    if (back.running !== good) failures.push(`update: running ${back.running} after the rollback, expected ${good}`);
    if (back.outcome !== reason) failures.push(`update: the status page says "${back.outcome}", expected "${reason}"`);
    await subscriber
      .waitFor(
        (m) => m.some((x) => x.topic.endsWith("/stats") && JSON.parse(x.payload.toString()).update === 3),
        "stats with update 3 (rolled back)",
        30_000,
      )
      .catch((e) => failures.push(`update: ${e.message}`));
    return `update to ${good} kept after it published; ${bad} rolled back after ${PROBATION_S} s without a telegram`;
  } finally {
    clearInterval(pump);
    rmSync(folder, { recursive: true, force: true });
  }
}
