import type { Bridge } from "../app/bridge";
import type { AdminGate } from "../setup/admin";
import { Probation, UpdateState, readiness, settleAtBoot, type BootOutcome } from "../update/probation";
import { UpdateService } from "../update/service";
import type { Device } from "./assemble";

export interface Updates {
  /** What this boot settled; changes when probation ends. */
  outcome(): BootOutcome;
  /** The status page's update routes, sharing the page's admin gate. */
  service(admin: AdminGate): UpdateService;
}

/**
 * Settles the last update at boot, puts a new image on probation (kept once the bridge has parsed a
 * good telegram and delivered events; rolled back at the `probation` deadline) and reports the outcome
 * in the stats and once on the status topic. The bridge is absent in setup mode: an image on probation
 * then cannot prove itself and rolls back at the deadline.
 */
export function startUpdates(device: Device, bridge: () => Bridge | undefined, log: (line: string) => void): Updates | undefined {
  const platform = device.updates;
  if (!platform) return undefined;
  let outcome: BootOutcome;
  try {
    outcome = settleAtBoot(device.store, platform);
  } catch (error) {
    log(`problem: the update state cannot be read (${error instanceof Error ? error.message : String(error)})`);
    return undefined;
  }
  if (outcome.text) log(`update: ${outcome.text}`);
  const report = (state: UpdateState, text: string) => {
    const running = bridge();
    if (!running) return;
    running.health.update = state;
    if (state !== UpdateState.None && state !== UpdateState.Probation) running.announce(text);
  };
  report(outcome.state, outcome.text);

  if (outcome.state === UpdateState.Probation) {
    const probation = new Probation(device.store, platform, device.clock, device.scheduler, {
      version: outcome.version,
      deadlineS: device.settings.probation,
      bootMs: device.clock.monotonicMs(),
      log,
      onOutcome: (state, text) => {
        outcome = { state, text, version: "" };
        report(state, text);
      },
    });
    probation.start(() => bridge()?.health);
  }

  return {
    outcome: () => outcome,
    service: (admin) =>
      new UpdateService({
        platform,
        chip: device.board?.chip ?? "unknown",
        store: device.store,
        clock: device.clock,
        scheduler: device.scheduler,
        admin,
        readiness: () => readiness(bridge()?.health),
        outcome: () => outcome,
        log,
      }),
  };
}
