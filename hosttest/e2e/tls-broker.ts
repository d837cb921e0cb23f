// A throw-away CA and mosquitto with a TLS listener, for the firmware's TLS checks (npm run e2e:firmware) and
// the TLS phases of npm run bench:firmware.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import { userInfo } from "node:os";
import { join } from "node:path";
import { freePort, mosquittoPath } from "./broker";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A test CA and a server certificate for 127.0.0.1, made now in `folder` (never kept). */
export function makeTestCa(folder: string): { ca: string; cert: string; key: string } {
  const run = (args: string[]) => {
    const r = spawnSync("openssl", args, { cwd: folder, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`openssl ${args[0]} failed: ${r.stderr}`);
  };
  writeFileSync(join(folder, "san.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
  run([
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
    "-days",
    "2",
    "-subj",
    "/CN=p1vscp bench CA",
  ]);
  run(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1"]);
  run([
    "x509",
    "-req",
    "-in",
    "server.csr",
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-out",
    "server.pem",
    "-days",
    "2",
    "-extfile",
    "san.ext",
  ]);
  return { ca: join(folder, "ca.pem"), cert: join(folder, "server.pem"), key: join(folder, "server.key") };
}

/**
 * mosquitto with a TLS listener on loopback (the test broker helper has plain TCP only) and a plain one
 * (`plainPort`) for the test's own subscriber.
 */
export async function startTlsBroker(
  folder: string,
  files: { ca: string; cert: string; key: string },
): Promise<{ port: number; plainPort: number; child: ChildProcess }> {
  const binary = mosquittoPath();
  if (!binary) throw new Error("the TLS phase needs Debian's mosquitto");
  const port = await freePort();
  const plainPort = await freePort();
  const conf = join(folder, "mosquitto-tls.conf");
  writeFileSync(
    conf,
    [
      `listener ${plainPort} 127.0.0.1`,
      // The certificate lines belong to the listener above them.
      `listener ${port} 127.0.0.1`,
      `cafile ${files.ca}`,
      `certfile ${files.cert}`,
      `keyfile ${files.key}`,
      "allow_anonymous true",
      `user ${userInfo().username}`,
      "log_dest stdout",
      "log_type error",
      "",
    ].join("\n"),
  );
  const child = spawn(binary, ["-c", conf], { stdio: ["ignore", "pipe", "pipe"] });
  await sleep(500);
  if (child.exitCode !== null) throw new Error(`mosquitto (TLS) exited with code ${child.exitCode}`);
  return { port, plainPort, child };
}
