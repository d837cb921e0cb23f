// `npm run ota -- --host HOST[:PORT] [--password TEXT] FILE`: sends a firmware image to the device's status
// page (POST /api/update, the admin password as HTTP Basic, the image's SHA-256 in X-Image-SHA256) and
// prints the device's answer. The image is streamed from the file. Exit 0 accepted, 1 refused or failed,
// 2 usage.
import { createHash } from "node:crypto";
import { createReadStream, existsSync, readFileSync } from "node:fs";
import { request } from "node:http";
import { parseArgs } from "node:util";
import { chipName, readImageInfo } from "../../modules/update/image";

export const USAGE = `Usage: npm run ota -- --host HOST[:PORT] [--password TEXT] FILE

Sends FILE (the firmware image, e.g. build/bin/esp32/.../xs_esp32.bin) to the device's status page. The
device checks it (chip, project, size, SHA-256), restarts into it on probation and goes back to the image
running now unless the new one reads the meter and reaches the broker in time.

  --host HOST[:PORT]   the device (port 80 unless given)
  --password TEXT      the admin password (or set P1VSCP_ADMIN_PASSWORD; never printed)
  --quiet              no progress line`;

export interface OtaResult {
  status: number;
  body: { ok?: boolean; error?: string; message?: string; version?: string };
}

/** Uploads `file` to `host`; resolves with the device's answer. */
export function sendImage(
  host: string,
  password: string,
  file: string,
  progress?: (sent: number, total: number) => void,
): Promise<OtaResult> {
  const image = readFileSync(file);
  const sha256 = createHash("sha256").update(image).digest("hex");
  const [name, portText] = host.split(":");
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: name,
        port: portText ? Number(portText) : 80,
        method: "POST",
        path: "/api/update",
        headers: {
          Authorization: `Basic ${Buffer.from(`admin:${password}`).toString("base64")}`,
          "X-P1vscp": "1",
          "X-Image-SHA256": sha256,
          "Content-Type": "application/octet-stream",
          "Content-Length": image.length,
        },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (text += chunk));
        res.on("end", () => {
          let body: OtaResult["body"] = {};
          try {
            body = JSON.parse(text);
          } catch {
            body = { error: text.slice(0, 200) || `HTTP ${res.statusCode}` };
          }
          resolve({ status: res.statusCode ?? 0, body });
        });
      },
    );
    req.on("error", reject);
    let sent = 0;
    const stream = createReadStream(file, { highWaterMark: 4096 });
    stream.on("data", (chunk) => {
      sent += chunk.length;
      progress?.(sent, image.length);
    });
    stream.pipe(req);
  });
}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { host: { type: "string" }, password: { type: "string" }, quiet: { type: "boolean" }, help: { type: "boolean" } },
    });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const password = values.password ?? process.env.P1VSCP_ADMIN_PASSWORD ?? "";
  if (!values.host || positionals.length !== 1) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const file = positionals[0];
  if (!existsSync(file)) {
    process.stderr.write(`image file ${file} does not exist\n`);
    return 1;
  }
  const head = readFileSync(file).subarray(0, 288);
  const info = readImageInfo(head, head.length);
  if (typeof info === "string") {
    process.stderr.write(`${file}: ${info}\n`);
    return 1;
  }
  process.stdout.write(`${file}: version ${info.version} for ${chipName(info.chipId)}; sending to ${values.host}\n`);
  const tty = process.stderr.isTTY && !values.quiet;
  try {
    const result = await sendImage(
      values.host,
      password,
      file,
      tty ? (sent, total) => process.stderr.write(`\r${Math.round((100 * sent) / total)} %`) : undefined,
    );
    if (tty) process.stderr.write("\n");
    if (result.status === 200 && result.body.ok) {
      process.stdout.write(`accepted: ${result.body.message ?? "restarting"}\n`);
      return 0;
    }
    process.stderr.write(`refused (HTTP ${result.status}): ${result.body.error ?? "no reason given"}\n`);
    return 1;
  } catch (error) {
    process.stderr.write(`cannot reach ${values.host}: ${(error as Error).message}\n`);
    return 1;
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop() ?? "")) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
