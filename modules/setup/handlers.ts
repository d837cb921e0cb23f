import type { Clock, KeyValueStore } from "../app/ports";
import { FIELDS, type Settings } from "../config/schema";
import { loadSettings } from "../config/settings";
import { AdminGate } from "./admin";
import { requestSetup } from "./boot-mode";
import {
  checkSubmission,
  describeFields,
  exportConfig,
  hasErrors,
  isPlainObject,
  publicValues,
  readExport,
  type FieldErrors,
  type PinChoices,
} from "./form";
import {
  MAX_BODY_BYTES,
  REQUEST_MARKER,
  asciiJson,
  errorResponse,
  htmlResponse,
  jsonResponse,
  type SetupRequest,
  type SetupResponse,
} from "./http";
import { LIVE_PATH, liveSince, liveView } from "./live";
import { mappingTable } from "./mapping-table";
import { SETUP_PAGE } from "./page";
import type { SafeApply } from "./safe-apply";
import type { ScanList } from "./scan";
import { statusView, type DeviceStatus } from "./status-view";
import { errorMessage } from "../config/error-message";

export interface SetupContext {
  store: KeyValueStore;
  apply: SafeApply;
  scan: ScanList;
  pins: PinChoices;
  clock: Clock;
  status(): DeviceStatus;
  /** Where captive-portal probes are sent, e.g. "http://192.168.4.1/". */
  portalUrl: string;
  /** Diagnostic output; never receives secrets. */
  log(message: string): void;
}

/** Secrets shorter than this are not searched for in responses (too likely to match ordinary text). */
const MIN_REDACT_LENGTH = 4;

/**
 * Every page and API request of the setup and status pages, as pure functions of the request and the
 * stored settings. On the access point everything is open (its WPA2 password is the gate); on the home
 * network only the status page, its actions and the export, and only with the admin password.
 */
export class SetupHandlers {
  readonly admin = new AdminGate();
  /** Responses that had a password removed before they went out (a bug if ever non-zero). */
  redacted = 0;

  constructor(private readonly context: SetupContext) {}

  handle(request: SetupRequest): SetupResponse {
    let settings: Settings;
    try {
      settings = loadSettings(this.context.store).settings;
    } catch {
      return errorResponse(500, "the settings cannot be read");
    }
    let response: SetupResponse;
    try {
      response = this.route(request, settings);
    } catch (error) {
      this.context.log(`setup: ${request.method} ${request.path} failed: ${errorMessage(error)}`);
      response = errorResponse(500, "internal error");
    }
    return this.withoutSecrets(response, settings);
  }

  private route(request: SetupRequest, settings: Settings): SetupResponse {
    if (request.body.length > MAX_BODY_BYTES) return errorResponse(413, `request body over ${MAX_BODY_BYTES} bytes`);
    const path = request.path;
    const method = request.method.toUpperCase();
    const onAp = request.network === "ap";

    if (!onAp) {
      if (!settings.statusPage) return errorResponse(404, "the status page is turned off");
      const check = this.admin.check(request.headers.authorization, settings.adminPass, this.context.clock.monotonicMs());
      if (check === "locked") return errorResponse(429, "too many wrong passwords; try again in a minute");
      if (check !== "ok") {
        if (check === "wrong") this.context.log("setup: wrong admin password");
        return {
          status: 401,
          headers: { "Content-Type": "application/json", "WWW-Authenticate": 'Basic realm="p1vscp", charset="UTF-8"' },
          body: '{"ok":false,"error":"admin password required"}',
        };
      }
    }

    if (method === "GET") {
      if (path === "/" || path === "/index.html") return htmlResponse(SETUP_PAGE);
      if (path === "/api/config") return jsonResponse(200, this.configView(settings, onAp));
      if (path === "/api/status") return jsonResponse(200, statusView(this.context.status()));
      if (path === LIVE_PATH || path.startsWith(`${LIVE_PATH}/`))
        return jsonResponse(200, liveView(this.context.status(), liveSince(path)));
      if (path === "/api/export") {
        const response = jsonResponse(200, exportConfig(settings));
        response.headers["Content-Disposition"] = 'attachment; filename="p1vscp-config.json"';
        return response;
      }
      if (path === "/api/apply") return jsonResponse(200, this.context.apply.status());
      if (path === "/api/scan") {
        if (!onAp) return setupOnly();
        return jsonResponse(200, this.context.scan.networks());
      }
      if (path === "/favicon.ico") return { status: 204, headers: { "Content-Type": "image/x-icon" }, body: "" };
      if (path.startsWith("/api/")) return errorResponse(404, "no such API");
      // Captive portal: phones probe well-known pages; answering with a redirect opens the setup page.
      if (onAp) return { status: 302, headers: { "Content-Type": "text/plain", Location: this.context.portalUrl }, body: "" };
      return errorResponse(404, "not found");
    }

    if (method !== "POST") return errorResponse(405, `${method} is not supported`);
    if (request.headers[REQUEST_MARKER] !== "1") return errorResponse(403, `POST requests need the header ${REQUEST_MARKER}: 1`);

    if (path === "/api/restart") {
      this.context.log("setup: restart requested from the page");
      return { ...jsonResponse(200, { ok: true, message: "The device restarts now." }), after: "restart" };
    }
    if (path === "/api/enter-setup") {
      requestSetup(this.context.store);
      this.context.log("setup: setup mode requested from the page");
      return {
        ...jsonResponse(200, { ok: true, message: "The device restarts into setup mode: join its access point." }),
        after: "restart",
      };
    }
    if (path === "/api/config" || path === "/api/import") {
      if (!onAp) return setupOnly();
      return this.save(request, settings, path === "/api/import");
    }
    return errorResponse(404, "no such API");
  }

  private configView(settings: Settings, onAp: boolean): object {
    const { values, secretsSet } = publicValues(settings);
    const seen = this.context.status().meter.values.map((value) => value.code);
    return { fields: describeFields(), values, secretsSet, pins: this.context.pins, editable: onAp, mapping: mappingTable(settings, seen) };
  }

  private save(request: SetupRequest, settings: Settings, isImport: boolean): SetupResponse {
    const type = request.headers["content-type"] ?? "";
    if (type.split(";")[0].trim().toLowerCase() !== "application/json") return invalid({ _: "send the settings as application/json" });
    let body: unknown;
    try {
      body = JSON.parse(request.body);
    } catch {
      return invalid({ _: "the request is not valid JSON" });
    }

    let values: unknown;
    let untested = false;
    let ignored: string[] | undefined;
    if (isImport) {
      const file = readExport(body);
      if (hasErrors(file.errors)) return invalid(file.errors);
      values = file.values;
      ignored = file.ignored;
    } else {
      if (!isPlainObject(body)) return invalid({ _: 'expected {"values": {...}}' });
      for (const key of Object.keys(body)) {
        if (key !== "values" && key !== "untested") return invalid({ _: `unknown entry "${key.slice(0, 32)}" in the request` });
      }
      if (body.untested !== undefined && typeof body.untested !== "boolean") return invalid({ _: "untested must be true or false" });
      values = body.values;
      untested = body.untested === true;
    }

    const submission = checkSubmission(settings, values, this.context.pins);
    if (hasErrors(submission.errors)) return invalid(submission.errors);
    if (!this.context.apply.begin(submission.candidate, submission.changed, untested)) {
      return jsonResponse(409, { ok: false, errors: { _: "a change is being tested or applied; wait for it to finish" } });
    }
    this.context.log(
      `setup: applying ${submission.changed.length ? submission.changed.join(", ") : "no changes"}${untested ? " without testing" : ""}`,
    );
    const reply: { ok: true; apply: object; ignored?: string[] } = { ok: true, apply: this.context.apply.status() };
    if (ignored) reply.ignored = ignored;
    return jsonResponse(202, reply);
  }

  /**
   * Last line of defence: a response never carries a stored password. Every response is built
   * without them; this catches a future mistake (and counts it) instead of leaking.
   */
  private withoutSecrets(response: SetupResponse, settings: Settings): SetupResponse {
    if (response.body.length === 0 || response.body === SETUP_PAGE) return response;
    const values = settings as unknown as Record<string, unknown>;
    let body = response.body;
    for (const field of FIELDS) {
      if (!field.secret) continue;
      const secret = values[field.key];
      if (typeof secret !== "string" || secret.length < MIN_REDACT_LENGTH) continue;
      const encoded = asciiJson(secret).slice(1, -1);
      if (body.indexOf(encoded) < 0) continue;
      body = body.split(encoded).join("***");
      this.redacted++;
      this.context.log(`setup: a ${field.key} value was removed from a response`);
    }
    return body === response.body ? response : { ...response, body };
  }
}

function invalid(errors: FieldErrors): SetupResponse {
  return jsonResponse(400, { ok: false, errors });
}

function setupOnly(): SetupResponse {
  return errorResponse(403, 'changes are made in setup mode: press "Re-enter setup" and join the device\'s access point');
}
