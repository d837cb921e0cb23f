import type { KeyValueStore } from "../app/ports";

/** Why the device opened its setup access point. */
export type SetupReason = "no-wifi" | "button" | "requested" | "station-failed";

export interface BootFacts {
  /** The configured Wi-Fi network; "" when none. */
  ssid: string;
  buttonHeld: boolean;
  /** "Re-enter setup" was pressed before the last restart. */
  setupRequested: boolean;
}

export interface BootMode {
  setup: boolean;
  reason?: SetupReason;
}

/** Preferences key (outside the schema) that carries "open setup" across the restart. */
export const SETUP_REQUEST_KEY = "setupNext";

/** Setup mode on first boot (no Wi-Fi), with the button held, or when asked for before the restart. */
export function decideBootMode(facts: BootFacts): BootMode {
  if (facts.buttonHeld) return { setup: true, reason: "button" };
  if (facts.setupRequested) return { setup: true, reason: "requested" };
  if (!facts.ssid) return { setup: true, reason: "no-wifi" };
  return { setup: false };
}

/** Marks that the next start opens setup mode. */
export function requestSetup(store: KeyValueStore): void {
  store.set(SETUP_REQUEST_KEY, true);
}

/** Reads and clears the request, so it opens setup once, not on every later start. */
export function takeSetupRequest(store: KeyValueStore): boolean {
  let requested = false;
  try {
    requested = store.get(SETUP_REQUEST_KEY) === true;
    if (requested) store.delete(SETUP_REQUEST_KEY);
  } catch {
    // An unreadable flag must not stop the start; normal mode still falls back to setup on Wi-Fi failure.
  }
  return requested;
}

/**
 * Watches the station in normal mode: when it has not had a connection for `setupAfterS` seconds
 * (since start or since it was last up), setup mode opens, so a changed Wi-Fi password never makes the
 * device unreachable. 0 turns the fallback off.
 */
export class StationWatch {
  private downSinceMs: number;
  private up = false;

  constructor(
    private readonly setupAfterS: number,
    startMs: number,
  ) {
    this.downSinceMs = startMs;
  }

  networkUp(): void {
    this.up = true;
  }

  networkDown(nowMs: number): void {
    if (this.up) this.downSinceMs = nowMs;
    this.up = false;
  }

  /** True once the station has been without a connection for the configured time. */
  shouldOpenSetup(nowMs: number): boolean {
    if (this.up || this.setupAfterS <= 0) return false;
    return nowMs - this.downSinceMs >= this.setupAfterS * 1000;
  }
}

/**
 * Decides when setup mode ends by itself. Setup opened because the station failed is left after
 * `idleLimitS` without a page request, so the device goes back to trying its network (the Wi-Fi
 * may have been down for a while). With no Wi-Fi configured there is nothing to go back to.
 */
export class SetupSession {
  private lastRequestMs: number;

  constructor(
    readonly reason: SetupReason,
    private readonly idleLimitS: number,
    startMs: number,
  ) {
    this.lastRequestMs = startMs;
  }

  request(nowMs: number): void {
    this.lastRequestMs = nowMs;
  }

  shouldLeave(nowMs: number, applying: boolean): boolean {
    if (this.reason === "no-wifi" || applying || this.idleLimitS <= 0) return false;
    return nowMs - this.lastRequestMs >= this.idleLimitS * 1000;
  }
}
