import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { corpusPath } from "./support/corpus";
import { FIXTURES, REPO } from "./support/p1";

function decode(...args: string[]) {
  // One node process with the tsx loader (the tsx command starts a second one): each start counts on a loaded machine.
  const script = join(REPO, "hosttest/cli/decode.ts");
  const result = spawnSync(process.execPath, ["--import", "tsx", script, ...args], { cwd: REPO, encoding: "latin1" });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

describe("decode command", () => {
  test("--json prints one NDJSON object per frame in the documented shape", () => {
    const { code, out } = decode("--json", corpusPath("SE_sagemcom_ELL5_ellevio_4760.txt"));
    expect(code).toBe(0);
    const lines = out.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(
      lines[0].startsWith(
        '{"status":"ok","header":"ELL5\\\\253833635_A","crc":{"sent":"4760","computed":"4760"},' +
          '"time":{"raw":"241212201348W","utc":"2024-12-12T19:13:48Z"',
      ),
    ).toBe(true);
    const record = JSON.parse(lines[0]);
    expect(record.values).toHaveLength(26);
    expect(record.values[0]).toEqual({ obis: "1-0:1.8.0", value: 47522.278, unit: "kWh", raw: "00047522.278*kWh" });
    expect(record.unknown).toEqual([]);
  });

  test("a stream with several frames prints each; a non-ok frame makes the exit code 1", () => {
    const { code, out } = decode("--json", join(FIXTURES, "crc-variants.txt"));
    expect(
      out
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l).status),
    ).toEqual(["ok", "crc-mismatch", "no-crc"]);
    expect(code).toBe(1);
  });

  test("the readable table lists values and the exit code is 0 for good telegrams", () => {
    const { code, out } = decode(corpusPath("SE_aidon_6560_ADN9_CT_9AD0.txt"), corpusPath("SE_kaifa_MA304H4E_KFM5_7D16.txt"));
    expect(code).toBe(0);
    expect(out).toMatch(/frame 1: ok/);
    expect(out).toMatch(/1-0:1\.8\.0\s+1219311\.383 Wh/);
  });

  test("no-CRC frames pass with --allow-no-crc", () => {
    expect(decode("--allow-no-crc", corpusPath("NL_iskra_MT382_DSMR22_nocrc.txt")).code).toBe(0);
    expect(decode(corpusPath("NL_iskra_MT382_DSMR22_nocrc.txt")).code).toBe(1);
  });

  test("usage errors exit 2 with a message; a missing file is reported", () => {
    expect(decode()).toMatchObject({ code: 2 });
    expect(decode("--bogus", "x").err).toMatch(/unknown option --bogus/);
    const missing = decode(join(FIXTURES, "does-not-exist.txt"));
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/cannot read/);
  });

  describe("readable output", () => {
    const folder = mkdtempSync(join(tmpdir(), "p1vscp-decode-"));
    afterAll(() => rmSync(folder, { recursive: true, force: true }));
    const file = (name: string, bytes: string) => {
      writeFileSync(join(folder, name), bytes, "latin1");
      return join(folder, name);
    };
    const lines = "\r\n\r\n1-0:4.8.0(00003911.640*kvarh)\r\n1-0:2.7.0(0000.000*kW)\r\n1-0:32.7.0(230.0*V)\r\n!0000\r\n";

    test("keeps the meter's exact digits, trailing zeros included", () => {
      const { out } = decode(file("digits.txt", `/ELL5\\253833635_A${lines}`));
      expect(out).toMatch(/1-0:4\.8\.0\s+3911\.640 kvarh/);
      expect(out).toMatch(/1-0:2\.7\.0\s+0\.000 kW/);
      expect(out).toMatch(/1-0:32\.7\.0\s+230\.0 V/);
    });

    test("a binary header is bounded and summarised, not printed as kilobytes of escapes", () => {
      const path = file("binary.bin", `/ABC5${"\0".repeat(1200)}\x01\xff${lines}`);
      const first = decode(path).out.split("\n")[0];
      expect(first.length - path.length).toBeLessThan(200);
      expect(first).not.toContain("\\u0000");
      expect(first).toContain(`header "ABC5${".".repeat(44)}"`);
      expect(first).toContain('(1206 bytes, 1202 control or non-ASCII shown as ".")');
    });
  });
});
