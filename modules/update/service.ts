import type { Clock, KeyValueStore, Scheduler } from "../app/ports";
import { loadSettings } from "../config/settings";
import type { AdminGate } from "../setup/admin";
import {
  REQUEST_MARKER,
  declaredLength,
  errorResponse,
  htmlResponse,
  jsonResponse,
  type SetupResponse,
  type StreamedBody,
} from "../setup/http";
import { UPDATE_PAGE } from "./page";
import type { UpdatePlatform } from "./ports";
import { KEY_LAST, UpdateState, noteActivated, type BootOutcome } from "./probation";
import { UpdateReceiver } from "./receiver";

/** Header carrying the image's SHA-256 (64 hex digits). */
export const SHA256_HEADER = "x-image-sha256";
/** An upload that sends nothing for this long is abandoned, so a vanished client cannot hold the slot. */
export const STALL_MS = 30_000;
/** The response goes out before the restart into the new image. */
export const REBOOT_DELAY_MS = 1000;

export interface UpdateServiceContext {
  platform: UpdatePlatform;
  /** The board's chip (`config.board.chip`): esp32, esp32c3, esp32s3, esp32c6 or lin. */
  chip: string;
  store: KeyValueStore;
  clock: Clock;
  scheduler: Scheduler;
  /** The status page's gate, so wrong passwords count towards the same lock. */
  admin: AdminGate;
  /** Why a new image could not prove itself now (readiness()), "" when it could. */
  readiness(): string;
  /** What this boot settled (probation, updated, rolled back). */
  outcome(): BootOutcome;
  log(line: string): void;
}

/** Receives one streamed request body. */
export type UploadSink = StreamedBody;

/**
 * The update routes of the status page, on the home network behind the admin password: `GET /update`
 * (the upload page), `GET /api/update` (state), `POST /api/update` (the image as the raw body, its
 * SHA-256 in X-Image-SHA256). The body is streamed: the server hands it over piece by piece.
 */
export class UpdateService {
  private readonly receiver: UpdateReceiver;
  private lastWriteMs = 0;
  private lastRefusal = "";

  constructor(private readonly context: UpdateServiceContext) {
    this.receiver = new UpdateReceiver(context.platform.slot(), context.platform.digest(), context.chip);
  }

  /** Whether this service answers the path. */
  static owns(path: string): boolean {
    return path === "/update" || path === "/api/update";
  }

  /**
   * Called when the request's headers are in. Returns the answer (nothing more is read), or a sink for
   * the body of an accepted upload.
   */
  open(method: string, path: string, headers: Readonly<Record<string, string>>): SetupResponse | UploadSink {
    const denied = this.authorize(headers);
    if (denied) return denied;
    const verb = method.toUpperCase();
    if (verb === "GET") return path === "/update" ? htmlResponse(UPDATE_PAGE) : jsonResponse(200, this.view());
    if (verb !== "POST" || path !== "/api/update") return errorResponse(405, `${method} is not supported here`);
    if (headers[REQUEST_MARKER] !== "1") return errorResponse(403, `POST requests need the header ${REQUEST_MARKER}: 1`);

    const now = this.context.clock.monotonicMs();
    if (this.receiver.busy && now - this.lastWriteMs > STALL_MS) {
      this.context.log("update: an upload that stalled was abandoned");
      this.receiver.abort();
    }
    if (this.receiver.busy) return this.refuse(409, "another image is being received");
    const notReady = this.context.readiness();
    if (notReady) return this.refuse(409, notReady);
    if (this.context.outcome().state === UpdateState.Probation) return this.refuse(409, "the running image is still on probation");

    const refused = this.receiver.begin(declaredLength(headers), headers[SHA256_HEADER] ?? "");
    if (refused) return this.refuse(refused.status, refused.reason);
    this.lastWriteMs = now;
    this.lastRefusal = "";
    this.context.log(`update: receiving ${declaredLength(headers)} bytes`);
    return {
      write: (bytes, start, end) => {
        if (!this.receiver.busy) return; // refused earlier: the rest of the body is skipped
        this.lastWriteMs = this.context.clock.monotonicMs();
        const refusal = this.receiver.write(bytes, start, end);
        if (refusal) this.note(refusal.reason);
      },
      finish: () => this.finish(),
      abort: () => {
        if (!this.receiver.busy) return;
        this.receiver.abort();
        this.note("the upload was interrupted; the running image stays");
      },
    };
  }

  private finish(): SetupResponse {
    if (!this.receiver.busy) return this.refuse(400, this.lastRefusal || "the upload was refused");
    const result = this.receiver.finish();
    if ("reason" in result) return this.refuse(result.status, result.reason);
    const from = this.context.platform.runningVersion();
    try {
      noteActivated(this.context.store, from, result.version);
    } catch (error) {
      this.context.log(`update: the update record was not stored (${error instanceof Error ? error.message : String(error)})`);
    }
    this.context.log(`update: ${result.version} activated (${result.bytes} bytes); restarting into it on probation`);
    this.context.scheduler.once(() => this.context.platform.reboot(), REBOOT_DELAY_MS);
    return jsonResponse(200, { ok: true, version: result.version, message: `Restarting into ${result.version} on probation.` });
  }

  private view(): object {
    const outcome = this.context.outcome();
    let last = outcome.text;
    if (!last) {
      try {
        const stored = this.context.store.get(KEY_LAST);
        last = typeof stored === "string" ? stored : "";
      } catch {
        last = "";
      }
    }
    return {
      running: this.context.platform.runningVersion(),
      chip: this.context.chip,
      state: outcome.state,
      outcome: last,
      receiving: this.receiver.busy,
      received: this.receiver.progress,
      ready: this.context.readiness(),
      lastRefusal: this.lastRefusal,
    };
  }

  private authorize(headers: Readonly<Record<string, string>>): SetupResponse | undefined {
    let settings;
    try {
      settings = loadSettings(this.context.store).settings;
    } catch {
      return errorResponse(500, "the settings cannot be read");
    }
    if (!settings.statusPage) return errorResponse(404, "the status page is turned off");
    const check = this.context.admin.check(headers.authorization, settings.adminPass, this.context.clock.monotonicMs());
    if (check === "locked") return errorResponse(429, "too many wrong passwords; try again in a minute");
    if (check === "ok") return undefined;
    if (check === "wrong") this.context.log("update: wrong admin password");
    return {
      status: 401,
      headers: { "Content-Type": "application/json", "WWW-Authenticate": 'Basic realm="p1vscp", charset="UTF-8"' },
      body: '{"ok":false,"error":"admin password required"}',
    };
  }

  private refuse(status: number, reason: string): SetupResponse {
    this.note(reason);
    return errorResponse(status, `update refused: ${reason}`);
  }

  private note(reason: string): void {
    if (reason === this.lastRefusal) return;
    this.lastRefusal = reason;
    this.context.log(`update: refused: ${reason}`);
  }
}
