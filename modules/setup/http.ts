/**
 * The tiny HTTP abstraction the setup handlers work on. The device's Moddable server and the host's
 * node:http server both translate to and from these, so the handlers are the same code everywhere.
 */

/** Which network a request came in on: the setup access point, or the home network (station). */
export type Network = "ap" | "station";

export interface SetupRequest {
  method: string;
  /** Path without the query string, e.g. "/api/config". */
  path: string;
  /** Header names in lower case. */
  headers: Readonly<Record<string, string>>;
  /** The body as text; "" for none. The server refuses bodies over MAX_BODY_BYTES before reading them. */
  body: string;
  network: Network;
}

/** What the server does once the response has gone out. */
export type AfterResponse = "restart" | "enter-setup";

export interface SetupResponse {
  status: number;
  /** Header name → value; Content-Type is always set. */
  headers: Record<string, string>;
  /** ASCII only (the Moddable server sends strings as-is): JSON escapes everything else. */
  body: string;
  after?: AfterResponse;
}

/**
 * Largest request body accepted: every field at its longest fits (the CA certificate, 3,800 characters, and
 * the three mapping parts, 5,400, dominate).
 */
export const MAX_BODY_BYTES = 12288;

/** POSTs must carry this header: a cross-site form or fetch cannot add it without a CORS preflight. */
export const REQUEST_MARKER = "x-p1vscp";

const NO_STORE = "no-store";

export function jsonResponse(status: number, value: unknown): SetupResponse {
  return {
    status,
    headers: { "Content-Type": "application/json", "Cache-Control": NO_STORE },
    body: asciiJson(value),
  };
}

export function htmlResponse(body: string): SetupResponse {
  return { status: 200, headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": NO_STORE }, body };
}

export function errorResponse(status: number, message: string): SetupResponse {
  return jsonResponse(status, { ok: false, error: message });
}

/** JSON.stringify with every non-ASCII character written as \uXXXX, so the body is plain ASCII. */
export function asciiJson(value: unknown): string {
  const text = JSON.stringify(value);
  let ascii = true;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) > 126) {
      ascii = false;
      break;
    }
  }
  if (ascii) return text;
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c <= 126) out += text[i];
    else if (c <= 0xffff) out += unicodeEscape(c);
    else out += unicodeEscape(0xd800 + ((c - 0x10000) >> 10)) + unicodeEscape(0xdc00 + ((c - 0x10000) & 0x3ff)); // XS: code points
  }
  return out;
}

function unicodeEscape(unit: number): string {
  return "\\u" + (unit + 0x10000).toString(16).slice(1);
}

/** Declared body length from Content-Length; -1 when absent, NaN when not a whole number. */
export function declaredLength(headers: Readonly<Record<string, string>>): number {
  const text = headers["content-length"];
  if (text === undefined) return -1;
  if (text.length === 0 || text.length > 10) return NaN;
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return NaN;
    n = n * 10 + d;
  }
  return n;
}

/**
 * Which network a request came in on, from the client's address: the setup access point's own /24
 * (e.g. 192.168.4.x) is "ap", everything else the home network. While setup mode tests the home Wi-Fi
 * the device is on both, and only the access point may change settings without the admin password.
 */
export function networkOf(remoteAddress: string | undefined, apAddress: string | undefined): Network {
  if (!remoteAddress || !apAddress) return "station";
  const a = remoteAddress.lastIndexOf(".");
  const b = apAddress.lastIndexOf(".");
  if (a <= 0 || a !== b) return "station";
  return remoteAddress.slice(0, a) === apAddress.slice(0, b) ? "ap" : "station";
}

/** Receives one streamed request body (an update image), piece by piece, never whole. */
export interface StreamedBody {
  write(bytes: Uint8Array, start: number, end: number): void;
  /** The whole body arrived: the answer. */
  finish(): SetupResponse;
  /** The connection broke before the end. */
  abort(): void;
}

/** Requests answered at the headers: a response, a sink for a streamed body, or undefined for the usual handler. */
export type StreamRoute = (
  method: string,
  path: string,
  headers: Readonly<Record<string, string>>,
) => SetupResponse | StreamedBody | undefined;
