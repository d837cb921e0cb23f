import { Server } from "http";
import type { UploadSink } from "../update/service";
import { MAX_BODY_BYTES, type SetupRequest, type SetupResponse } from "../setup/http";
import type { SetupEndpoint } from "../setup/setup-mode";

/** The pieces of a request the SDK's server hands over one callback at a time. */
interface PendingRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  headerCount: number;
  body: string;
  refused?: SetupResponse;
  /** A streamed body (an update image): handed over piece by piece, never held whole. */
  sink?: UploadSink;
  response?: SetupResponse;
  sent: number;
}

/** What the SDK's server passes as `this` to the callback: one connection (typings lack `socket`). */
interface Connection {
  socket?: { get?(what: string): string | undefined; read(type: typeof ArrayBuffer, count: number): ArrayBuffer };
  /** Body bytes still to come: the server leaves counting to the callback while it streams. */
  total?: number;
  setup?: PendingRequest;
}

export interface SetupHttpOptions extends SetupEndpoint {
  port?: number;
}

/** Headers kept per request; the rest are dropped, so a flood of headers cannot fill the heap. */
const MAX_HEADERS = 24;
/** Bodies up to this size are sent in one write; larger ones (the page) in pieces as the socket drains. */
const ONE_WRITE = 1024;

/** The SDK's HTTP server (port 80) in front of the pure setup handlers. */
export class SetupHttpServer {
  private readonly server: Server;

  constructor(private readonly options: SetupHttpOptions) {
    this.server = new Server({ port: options.port ?? 80 });
    const self = this;
    this.server.callback = function (this: unknown, message: number, value1?: unknown, value2?: unknown) {
      return self.message(this as Connection, message, value1, value2);
    } as Server["callback"];
  }

  close(): void {
    this.server.close();
  }

  private message(connection: Connection, message: number, value1: unknown, value2: unknown): unknown {
    switch (message) {
      case Server.status: {
        const path = String(value1);
        const query = path.indexOf("?");
        connection.setup = {
          method: String(value2),
          path: query < 0 ? path : path.slice(0, query),
          headers: {},
          headerCount: 0,
          body: "",
          sent: 0,
        };
        return undefined;
      }
      case Server.header: {
        const request = connection.setup;
        if (request && request.headerCount < MAX_HEADERS) {
          request.headers[String(value1).toLowerCase()] = String(value2);
          request.headerCount++;
        }
        return undefined;
      }
      case Server.headersComplete: {
        const request = connection.setup;
        if (!request) return false;
        const streamed = this.options.stream?.(request.method, request.path, request.headers);
        if (streamed && "finish" in streamed) {
          request.sink = streamed;
          return true; // requestFragment hands each piece over as it arrives
        }
        if (streamed) {
          request.refused = streamed;
          return false;
        }
        const length = Number(request.headers["content-length"] ?? "0");
        if (!(length <= MAX_BODY_BYTES) || request.headers["transfer-encoding"] !== undefined) {
          request.refused = {
            status: 413,
            headers: { "Content-Type": "application/json" },
            body: `{"ok":false,"error":"request body over ${MAX_BODY_BYTES} bytes"}`,
          };
          return false; // the server skips the body instead of buffering it
        }
        return String;
      }
      case Server.requestFragment: {
        const available = Math.min(Number(value1), connection.total ?? 0);
        if (!(available > 0) || !connection.socket) return undefined;
        const piece = connection.socket.read(ArrayBuffer, available);
        connection.total = (connection.total ?? 0) - available;
        connection.setup?.sink?.write(new Uint8Array(piece), 0, piece.byteLength);
        return undefined;
      }
      case Server.requestComplete: {
        const request = connection.setup;
        if (request?.sink) {
          request.refused = request.sink.finish();
          request.sink = undefined;
        } else if (request && typeof value1 === "string") request.body = value1;
        return undefined;
      }
      case Server.prepareResponse:
        return this.respond(connection);
      case Server.responseFragment:
        return this.fragment(connection, Number(value1));
      case Server.responseComplete: {
        const after = connection.setup?.response?.after;
        connection.setup = undefined;
        if (after) this.options.after(after);
        return undefined;
      }
      case Server.error:
        connection.setup?.sink?.abort();
        connection.setup = undefined;
        return undefined;
    }
    return undefined;
  }

  private respond(connection: Connection): unknown {
    const pending = connection.setup;
    let response: SetupResponse;
    if (!pending) response = { status: 400, headers: { "Content-Type": "text/plain" }, body: "bad request" };
    else if (pending.refused) response = pending.refused;
    else {
      let remote: string | undefined;
      try {
        remote = connection.socket?.get?.("REMOTE_IP");
      } catch {
        remote = undefined;
      }
      const request: SetupRequest = {
        method: pending.method,
        path: pending.path,
        headers: pending.headers,
        body: pending.body,
        network: this.options.networkOf(remote),
      };
      response = this.options.handle(request);
    }
    if (pending) pending.response = response;
    const headers: string[] = [];
    for (const name of Object.keys(response.headers)) headers.push(name, response.headers[name]);
    // The body is ASCII, so its length in characters is its length in bytes.
    if (response.body.length <= ONE_WRITE) return { status: response.status, headers, body: response.body };
    headers.push("Content-Length", String(response.body.length));
    return { status: response.status, headers, body: true };
  }

  private fragment(connection: Connection, room: number): string | undefined {
    const pending = connection.setup;
    const body = pending?.response?.body;
    if (!pending || body === undefined || pending.sent >= body.length || !(room > 0)) return undefined;
    const end = Math.min(body.length, pending.sent + room);
    const piece = body.slice(pending.sent, end);
    pending.sent = end;
    return piece;
  }
}
