import type { KeyValueStore, Scheduler } from "../app/ports";
import { fieldByKey, type Settings } from "../config/schema";
import { errorMessage } from "../config/error-message";

export type ApplyStep = "wifi" | "mqtt";

/** What saving these settings takes. */
export interface ApplyPlan {
  /** Tests to pass, in order, before the settings are stored. */
  steps: ApplyStep[];
  /** Things the user should know (shown on the page), e.g. that no broker is set. */
  notes: string[];
}

/** Keys that decide whether the device reaches its network and its broker. */
export const WIFI_KEYS: readonly string[] = ["ssid", "password", "hostname"];
export const MQTT_KEYS: readonly string[] = ["broker", "port", "mqttUser", "mqttPass", "clientId", "tls", "caCert"];

/**
 * Which tests a change needs. Anything touching the network or the broker is tested end to end (join
 * the Wi-Fi with the new values, then open an MQTT session over it); other changes are stored directly.
 */
export function planApply(candidate: Settings, changed: readonly string[]): ApplyPlan {
  const notes: string[] = [];
  let network = false;
  for (const key of changed) if (WIFI_KEYS.indexOf(key) >= 0 || MQTT_KEYS.indexOf(key) >= 0) network = true;
  if (!candidate.ssid) notes.push("No Wi-Fi network is set: the device stays in setup mode.");
  else if (!candidate.broker) notes.push("No MQTT broker is set: the device joins the Wi-Fi but publishes nothing.");
  if (!network || !candidate.ssid) return { steps: [], notes };
  return { steps: candidate.broker ? ["wifi", "mqtt"] : ["wifi"], notes };
}

/** Runs the tests on the real radio and broker; `done("")` means passed, otherwise the reason. */
export interface SettingsTester {
  joinWifi(settings: Settings, done: (error: string) => void): void;
  reachBroker(settings: Settings, done: (error: string) => void): void;
  /** Abandons a running test (a timeout); later `done` calls are ignored anyway. */
  cancel(): void;
}

export type ApplyState = "idle" | "testing" | "saved" | "failed";

export interface ApplyStatus {
  state: ApplyState;
  /** The running or failed step. */
  step?: ApplyStep;
  /** One sentence for the page; never contains a password. */
  message: string;
  /** Field the failure points at, so the page shows it next to that field. */
  field?: string;
  notes: string[];
  /** True when the device restarts to use the saved settings. */
  restarting: boolean;
}

export interface SafeApplyOptions {
  wifiTimeoutMs?: number;
  mqttTimeoutMs?: number;
  /** Time between "saved" and the restart, so the page can still read the outcome. */
  restartDelayMs?: number;
}

/**
 * New settings replace the old ones only after they have worked: the Wi-Fi joined and the broker
 * answered. On a failure or a timeout nothing is stored and the status says why. Once stored, the
 * device restarts (a configuration change takes effect at start-up).
 */
export class SafeApply {
  private current: ApplyStatus = { state: "idle", message: "", notes: [], restarting: false };
  private candidate: Settings | undefined;
  private changed: readonly string[] = [];
  private steps: ApplyStep[] = [];
  private index = 0;
  private attempt = 0;
  private timer: unknown;
  private readonly wifiTimeoutMs: number;
  private readonly mqttTimeoutMs: number;
  private readonly restartDelayMs: number;

  constructor(
    private readonly store: KeyValueStore,
    private readonly tester: SettingsTester,
    private readonly scheduler: Scheduler,
    private readonly restart: (reason: string) => void,
    options: SafeApplyOptions = {},
  ) {
    this.wifiTimeoutMs = options.wifiTimeoutMs ?? 30_000;
    this.mqttTimeoutMs = options.mqttTimeoutMs ?? 20_000;
    this.restartDelayMs = options.restartDelayMs ?? 3_000;
  }

  status(): ApplyStatus {
    return this.current;
  }

  busy(): boolean {
    return this.current.state === "testing" || this.current.restarting;
  }

  /**
   * Starts applying validated settings. With `untested` the tests are skipped (the user asked for it,
   * e.g. configuring on the bench away from the home network). Returns false while another apply runs.
   */
  begin(candidate: Settings, changed: readonly string[], untested = false): boolean {
    if (this.busy()) return false;
    const plan = planApply(candidate, changed);
    this.candidate = candidate;
    this.changed = changed;
    this.steps = untested ? [] : plan.steps;
    this.index = 0;
    const notes = untested && plan.steps.length ? [...plan.notes, "Saved without testing the Wi-Fi and the broker."] : plan.notes;
    this.current = { state: "testing", message: "", notes, restarting: false };
    this.next();
    return true;
  }

  private next(): void {
    if (this.index >= this.steps.length) {
      this.save();
      return;
    }
    const step = this.steps[this.index];
    const attempt = ++this.attempt;
    const settings = this.candidate as Settings;
    this.current = {
      ...this.current,
      step,
      message: step === "wifi" ? `Joining "${settings.ssid}"...` : `Connecting to the broker ${settings.broker}:${settings.port}...`,
    };
    this.timer = this.scheduler.once(
      () =>
        this.finished(
          attempt,
          step === "wifi" ? `no answer within ${this.wifiTimeoutMs / 1000} s` : `no answer within ${this.mqttTimeoutMs / 1000} s`,
        ),
      step === "wifi" ? this.wifiTimeoutMs : this.mqttTimeoutMs,
    );
    const done = (error: string) => this.finished(attempt, error);
    try {
      if (step === "wifi") this.tester.joinWifi(settings, done);
      else this.tester.reachBroker(settings, done);
    } catch (error) {
      this.finished(attempt, errorMessage(error));
    }
  }

  private finished(attempt: number, error: string): void {
    if (attempt !== this.attempt || this.current.state !== "testing") return;
    this.scheduler.cancel(this.timer);
    this.timer = undefined;
    const step = this.steps[this.index];
    if (error) {
      this.tester.cancel();
      this.attempt++;
      this.candidate = undefined;
      const what = step === "wifi" ? "The Wi-Fi could not be joined" : "The MQTT broker did not accept the connection";
      this.current = {
        state: "failed",
        step,
        message: `${what}: ${error}. Nothing was changed; the previous settings stay.`,
        field: failureField(step, error),
        notes: this.current.notes,
        restarting: false,
      };
      return;
    }
    this.index++;
    this.next();
  }

  private save(): void {
    const settings = this.candidate as unknown as Record<string, string | number | boolean>;
    this.candidate = undefined;
    try {
      for (const key of this.changed) if (fieldByKey(key)) this.store.set(key, settings[key]);
    } catch (error) {
      this.current = {
        state: "failed",
        message: `The settings could not be stored (${errorMessage(error)}).`,
        notes: this.current.notes,
        restarting: false,
      };
      return;
    }
    const restarting = this.changed.length > 0;
    this.current = {
      state: "saved",
      message: restarting
        ? this.steps.length
          ? "Tested and saved. The device restarts with the new settings."
          : "Saved. The device restarts with the new settings."
        : "Nothing changed.",
      notes: this.current.notes,
      restarting,
    };
    if (restarting) this.scheduler.once(() => this.restart("settings changed"), this.restartDelayMs);
  }
}

/** The field a failed step most likely points at. */
function failureField(step: ApplyStep, error: string): string {
  const text = error.toLowerCase();
  if (step === "wifi") return text.indexOf("password") >= 0 || text.indexOf("auth") >= 0 ? "password" : "ssid";
  if (text.indexOf("password") >= 0 || text.indexOf("not authorized") >= 0 || text.indexOf("bad user") >= 0) return "mqttPass";
  if (text.indexOf("certificate") >= 0 || text.indexOf("tls") >= 0) return "caCert";
  return "broker";
}
