// The replayed meter and what the simulator shows of it: speed limits, counts as the bridge counts, the view.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, test } from "vitest";
import { parseOptions, UsageError } from "./cli-options";
import { MeterTap, type MeterPicture } from "./meter-tap";
import { describeReplay, ReplayMeterSource } from "./replay-source";
import { loadCapture } from "./telegram-file";
import { TerminalView } from "./terminal-view";

const folder = mkdtempSync(join(tmpdir(), "p1vscp-replay-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const TEN = fileURLToPath(new URL("../fixtures/sim/ten-telegrams.txt", import.meta.url));
/** A DSMR 2.2 meter's telegram: no CRC after the "!", and no total import power line. */
const NO_CRC = "/ISk5\\2MT382-1004\r\n\r\n0-0:96.1.1(4B414C37303035303739)\r\n1-0:1.8.1(00185.000*kWh)\r\n!\r\n";

function file(name: string, text: string): string {
  const path = join(folder, name);
  writeFileSync(path, text, "latin1");
  return path;
}

describe("replay speed", () => {
  test("a speed whose interval no timer can wait is refused, not replayed at full speed", () => {
    expect(() => parseOptions(["--speed", "0.000001"], {})).toThrow(UsageError);
    expect(() => parseOptions(["--speed", "0.000001"], {})).toThrow(/--speed must be a number from 0\.001 to 10000/);
    expect(parseOptions(["--speed", "0.001"], {}).speed).toBe(0.001);
    const capture = loadCapture(TEN);
    expect(() => new ReplayMeterSource(capture, { speed: 0.000001 })).toThrow(/beyond what a timer can wait/);
  });

  test("the header gives the interval in plain seconds", () => {
    const capture = loadCapture(TEN);
    expect(describeReplay("ten.txt", capture, 0.001)).toBe("replaying ten.txt (10 telegrams), every 10000 s (×0.001)");
    expect(describeReplay("ten.txt", capture, 10)).toBe("replaying ten.txt (10 telegrams), every 1 s (×10)");
    expect(describeReplay("ten.txt", capture, 3)).toBe("replaying ten.txt (10 telegrams), every 3.33 s (×3)");
  });
});

describe("frames without a CRC count as the bridge counts them", () => {
  test("rejected while noCrc is off, telegrams when it is on", () => {
    const path = file("mixed.txt", NO_CRC + NO_CRC);
    expect(() => loadCapture(path)).toThrow(/2 frame\(s\) without a CRC, which the bridge rejects unless the setting noCrc is on/);
    expect(loadCapture(path, { acceptNoCrc: true })).toMatchObject({ good: 2, withoutCrc: 0, rejected: 0 });

    const ten = loadCapture(TEN);
    const withOne = loadCapture(file("ten-and-one.txt", Buffer.from(ten.bytes).toString("latin1") + NO_CRC));
    expect(withOne).toMatchObject({ good: 10, withoutCrc: 1, rejected: 0 });
    expect(describeReplay("x", withOne, 1)).toBe("replaying x (10 telegrams, 1 without CRC, rejected: noCrc is off), every 10 s");
  });

  test("the live view's telegram count follows the setting", () => {
    const bytes = new TextEncoder().encode(NO_CRC);
    const count = (acceptNoCrc: boolean) => {
      let picture: MeterPicture | undefined;
      const tap = new MeterTap(
        { overruns: 0, framingErrors: 0, start: (sink) => sink.onMeterBytes(bytes, 0, bytes.length), stop: () => {} },
        (p) => (picture = p),
        acceptNoCrc,
      );
      tap.start({ onMeterBytes: () => {} });
      return { telegrams: picture?.telegrams, rejected: picture?.rejected };
    };
    expect(count(false)).toEqual({ telegrams: 0, rejected: 1 });
    expect(count(true)).toEqual({ telegrams: 1, rejected: 0 });
  });
});

describe("terminal view", () => {
  test("a telegram without total power lines shows a dash, not NaN", () => {
    let text = "";
    const stream = { isTTY: false, write: (chunk: string) => (text += chunk) } as unknown as NodeJS.WriteStream;
    const view = new TerminalView({ meterDescription: "m", brokerDescription: "b", watchCommand: "w" }, stream);
    const picture: MeterPicture = { telegrams: 1, rejected: 0, lastStatus: 0, meterTime: "", values: new Map([["1-0:1.8.1", 185]]) };
    view.update({ picture, eventsPublished: 0, messagesPublished: 0, health: undefined });
    expect(text).not.toContain("NaN");
    expect(text).toContain("P – ");
    expect(text).toContain("export – ");
    text = "";
    view.update({
      picture: {
        ...picture,
        values: new Map([
          ["1-0:1.7.0", 1231],
          ["1-0:2.7.0", 0],
        ]),
      },
      eventsPublished: 0,
      messagesPublished: 0,
      health: undefined,
    });
    expect(text).toContain("P 1.231 kW  export 0.000 kW");
  });
});
