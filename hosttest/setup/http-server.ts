// node:http in front of the setup handlers: translates to and from the SetupRequest/SetupResponse the
// device's Moddable server also uses, with the same body limit.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { MAX_BODY_BYTES, declaredLength, type Network, type SetupRequest, type SetupResponse } from "../../modules/setup/http";
import type { HostSetup } from "./host-setup";
import { UpdateService } from "../../modules/update/service";

export interface SetupServerOptions {
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** Which network the requests count as coming from: the setup access point, or the home network. */
  network?: Network;
  /** The update routes (status page only), fed the request body as it streams in. */
  updates?: UpdateService;
}

export interface SetupServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export function startSetupServer(setup: HostSetup, options: SetupServerOptions = {}): Promise<SetupServer> {
  const network = options.network ?? "ap";
  const host = options.host ?? "127.0.0.1";
  const server = createServer((req, res) => {
    const updates = options.updates;
    const served =
      updates && UpdateService.owns(new URL(req.url ?? "/", "http://device").pathname)
        ? streamUpdate(updates, req, res)
        : serve(setup, network, req, res);
    served.catch(() => {
      if (!res.headersSent) res.writeHead(500, { "Content-Type": "application/json" });
      res.end('{"ok":false,"error":"internal error"}');
    });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      resolve({
        url: `http://${host}:${port}/`,
        port,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

async function serve(setup: HostSetup, network: Network, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  // Refused before reading, as on the device: a too-long body is never buffered.
  const declared = declaredLength(headers);
  if (declared > MAX_BODY_BYTES || Number.isNaN(declared) || headers["transfer-encoding"] !== undefined) {
    const tooLong = declared > MAX_BODY_BYTES || headers["transfer-encoding"] !== undefined;
    send(res, {
      status: tooLong ? 413 : 400,
      headers: { "Content-Type": "application/json", Connection: "close" },
      body: tooLong
        ? `{"ok":false,"error":"request body over ${MAX_BODY_BYTES} bytes or without Content-Length"}`
        : '{"ok":false,"error":"bad Content-Length"}',
    });
    req.destroy();
    return;
  }
  const body = await readBody(req, Math.max(declared, 0));
  const url = new URL(req.url ?? "/", "http://device");
  const request: SetupRequest = { method: req.method ?? "GET", path: url.pathname, headers, body, network };
  const response = setup.handle(request);
  send(res, response);
  const after = response.after;
  if (after) res.once("finish", () => setup.after(after));
}

/** The update routes: answered at the headers, or the body handed to the service piece by piece. */
async function streamUpdate(updates: UpdateService, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  const opened = updates.open(req.method ?? "GET", new URL(req.url ?? "/", "http://device").pathname, headers);
  if ("status" in opened) {
    send(res, { ...opened, headers: { ...opened.headers, Connection: "close" } });
    req.resume();
    return;
  }
  let ended = false;
  req.on("data", (chunk: Buffer) => opened.write(chunk, 0, chunk.length));
  req.on("end", () => {
    ended = true;
    send(res, opened.finish());
  });
  req.on("close", () => {
    if (!ended) opened.abort();
  });
}

function readBody(req: IncomingMessage, length: number): Promise<string> {
  if (length === 0) {
    req.resume();
    return Promise.resolve("");
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function send(res: ServerResponse, response: SetupResponse): void {
  res.writeHead(response.status, { ...response.headers, "Content-Length": Buffer.byteLength(response.body) });
  res.end(response.body);
}
