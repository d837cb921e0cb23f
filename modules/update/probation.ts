import type { Clock, KeyValueStore, Scheduler } from "../app/ports";
import type { UpdatePlatform } from "./ports";

// Preferences keys (outside the settings schema) that carry an update across the restart into it.
/** Version that was running when the new image was activated. */
export const KEY_FROM = "updFrom";
/** Version of the activated image. */
export const KEY_TO = "updTo";
/** Why the image on probation gave up (written just before it rolls back). */
export const KEY_WHY = "updWhy";
/** The last outcome, as reported: `updated to X` or `rolled back from X: reason`. */
export const KEY_LAST = "updLast";

/**
 * The stats' `update` value: None (no update decided in this run), Probation (a new image runs and has not
 * proved itself yet), Updated (this run kept a new image), RolledBack (this run is the previous image after
 * a new one was rolled back).
 */
export const UpdateState = { None: 0, Probation: 1, Updated: 2, RolledBack: 3 } as const;
export type UpdateState = (typeof UpdateState)[keyof typeof UpdateState];

export interface BootOutcome {
  state: UpdateState;
  /** What the status topic and page say; "" when there is nothing to say. */
  text: string;
  /** Version under probation (state Probation). */
  version: string;
}

/** What a new image must show before it is kept: the bridge's own counters. */
export interface Proof {
  readonly telegramsOk: number;
  readonly eventsPublished: number;
  readonly mqttConnected: boolean;
  readonly meterSilent: boolean;
}

/** Probation length when the setting is absent. */
export const DEFAULT_PROBATION_S = 600;

/**
 * Why an upload would not be able to prove itself now, or "" when it could. An image is only accepted
 * while the running one shows what probation asks for (the meter sends good telegrams, the broker takes
 * events): otherwise a good image would be rolled back for a silent meter or a broker outage.
 */
export function readiness(proof: Proof | undefined): string {
  if (!proof) return "the bridge is not running (setup mode): updates are accepted in normal mode";
  if (proof.telegramsOk === 0 || proof.meterSilent)
    return "the meter is silent: a new image could not prove itself; try again when telegrams arrive";
  if (!proof.mqttConnected || proof.eventsPublished === 0)
    return "the broker is not connected: a new image could not prove itself; try again when it is";
  return "";
}

/**
 * Reads what the last update left behind and what the bootloader says about the running image, and
 * settles it: on probation, updated, rolled back (with the reason), or nothing new.
 */
export function settleAtBoot(store: KeyValueStore, platform: UpdatePlatform): BootOutcome {
  const running = platform.runningVersion();
  const state = platform.runningState();
  const to = text(store, KEY_TO);
  if (state === "pending" || (state === "unknown" && to === running)) {
    return { state: UpdateState.Probation, text: `on probation: ${running}`, version: running };
  }
  if (to !== "") {
    const why = text(store, KEY_WHY);
    const outcome =
      to === running
        ? { state: UpdateState.Updated, text: `updated to ${to}`, version: "" }
        : { state: UpdateState.RolledBack, text: `rolled back from ${to}: ${why || "it restarted before it proved itself"}`, version: "" };
    record(store, outcome.text);
    return outcome;
  }
  return { state: UpdateState.None, text: text(store, KEY_LAST), version: "" };
}

/** Remembers that `to` was activated while `from` runs; the next boot settles it. */
export function noteActivated(store: KeyValueStore, from: string, to: string): void {
  store.delete(KEY_WHY);
  store.set(KEY_FROM, from);
  store.set(KEY_TO, to);
}

function record(store: KeyValueStore, outcome: string): void {
  try {
    store.set(KEY_LAST, outcome);
    store.delete(KEY_FROM);
    store.delete(KEY_TO);
    store.delete(KEY_WHY);
  } catch {
    // settled again at the next boot
  }
}

function text(store: KeyValueStore, key: string): string {
  try {
    const value = store.get(key);
    return typeof value === "string" ? value : "";
  } catch {
    return "";
  }
}

export interface ProbationOptions {
  version: string;
  /** Seconds from boot the image has to prove itself. */
  deadlineS: number;
  /** Monotonic ms of boot. */
  bootMs: number;
  /** Called once with the outcome (kept), before a rollback restarts the device (given up). */
  onOutcome(state: UpdateState, text: string): void;
  log(line: string): void;
}

/** How often probation looks at the counters. */
export const PROBATION_CHECK_MS = 1000;

/**
 * A new image on probation: it is kept (marked valid) once it has parsed a good telegram and delivered
 * events to the broker; when the deadline passes first it rolls back to the previous image. A reset or
 * a watchdog before then rolls back too (the bootloader does that, not this code).
 */
export class Probation {
  private timer: unknown = undefined;
  private done = false;

  constructor(
    private readonly store: KeyValueStore,
    private readonly platform: UpdatePlatform,
    private readonly clock: Clock,
    private readonly scheduler: Scheduler,
    private readonly options: ProbationOptions,
  ) {}

  start(proof: () => Proof | undefined): void {
    this.timer = this.scheduler.repeat(() => this.check(proof()), PROBATION_CHECK_MS);
    this.check(proof());
  }

  get settled(): boolean {
    return this.done;
  }

  /** One look at the counters; public for tests. */
  check(proof: Proof | undefined): void {
    if (this.done) return;
    if (proof && proof.telegramsOk > 0 && proof.eventsPublished > 0) {
      this.keep();
      return;
    }
    const elapsedS = (this.clock.monotonicMs() - this.options.bootMs) / 1000;
    if (elapsedS < this.options.deadlineS) return;
    const reason =
      !proof || proof.telegramsOk === 0
        ? `no good telegram within ${this.options.deadlineS} s`
        : `no events delivered to the broker within ${this.options.deadlineS} s`;
    this.giveUp(reason);
  }

  private keep(): void {
    try {
      this.platform.markValid();
    } catch (error) {
      this.options.log(`update: marking ${this.options.version} valid failed (${message(error)}); trying again`);
      return;
    }
    this.finish();
    const outcome = `updated to ${this.options.version}`;
    record(this.store, outcome);
    this.options.log(`update: ${outcome}`);
    this.options.onOutcome(UpdateState.Updated, outcome);
  }

  private giveUp(reason: string): void {
    this.finish();
    try {
      this.store.set(KEY_WHY, reason);
    } catch {
      // the previous image then reports the generic reason
    }
    const outcome = `rolling back from ${this.options.version}: ${reason}`;
    this.options.log(`update: ${outcome}`);
    this.options.onOutcome(UpdateState.Probation, outcome);
    try {
      this.platform.rollback(); // does not return when it works
    } catch (error) {
      // No image to go back to (its slot was erased): this one is all there is, so it is kept.
      this.options.log(`update: cannot roll back (${message(error)}); keeping ${this.options.version}`);
      this.done = false;
      this.keep();
    }
  }

  private finish(): void {
    this.done = true;
    if (this.timer !== undefined) this.scheduler.cancel(this.timer);
    this.timer = undefined;
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
