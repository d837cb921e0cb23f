import { Backoff, type BackoffOptions } from "./backoff";
import type { HealthCounters } from "./health";
import type { Clock, NetworkLink, NetworkLinkEvents, Scheduler, SystemPort } from "./ports";
import { RetryTimer } from "./retry-timer";

export interface NetworkWatchOptions {
  backoff?: BackoffOptions;
  /** Minutes without network before a restart is requested; 0 never. */
  restartAfterMinutes?: number;
  /** A join attempt with no outcome after this long is abandoned and retried. */
  joinTimeoutMs?: number;
}

export interface NetworkListener {
  onNetworkChanged(up: boolean): void;
}

/**
 * Keeps the station joined: retries forever with backoff, and asks the system for a restart (once per
 * outage) when the network stayed away for the configured time. The restart itself is the port's business.
 */
export class NetworkWatch implements NetworkLinkEvents {
  readonly backoff: Backoff;
  private readonly link: NetworkLink;
  private readonly clock: Clock;
  private readonly system: SystemPort;
  private readonly health: HealthCounters;
  private readonly listener: NetworkListener;
  private readonly restartAfterMs: number;
  private readonly joinTimeoutMs: number;
  private readonly retry: RetryTimer;
  private up = false;
  private joining = false;
  private running = false;
  private downSinceMs = 0;
  private upSinceMs = 0;
  private attemptStartedMs = 0;
  private restartAsked = false;

  constructor(
    link: NetworkLink,
    clock: Clock,
    scheduler: Scheduler,
    system: SystemPort,
    health: HealthCounters,
    listener: NetworkListener,
    options: NetworkWatchOptions = {},
    random?: () => number,
  ) {
    this.link = link;
    this.clock = clock;
    this.system = system;
    this.health = health;
    this.listener = listener;
    this.backoff = new Backoff(options.backoff, random);
    const minutes = options.restartAfterMinutes ?? 15;
    if (!(minutes >= 0)) throw new RangeError("restartAfterMinutes must be >= 0");
    this.restartAfterMs = minutes * 60_000;
    this.joinTimeoutMs = options.joinTimeoutMs ?? 60_000;
    this.retry = new RetryTimer(scheduler, clock, this.backoff, health, () => this.join());
  }

  get isUp(): boolean {
    return this.up;
  }

  start(): void {
    this.running = true;
    this.downSinceMs = this.clock.monotonicMs();
    this.join();
  }

  stop(): void {
    this.running = false;
    this.retry.cancel();
    this.joining = false;
    this.up = false;
    try {
      this.link.disconnect();
    } catch {
      this.health.portErrors++;
    }
  }

  /** Called every second by the bridge's watchdog. */
  tick(nowMs: number): void {
    if (!this.running || this.up) return;
    if (this.joining && nowMs - this.attemptStartedMs >= this.joinTimeoutMs) {
      try {
        this.link.disconnect();
      } catch {
        this.health.portErrors++;
      }
      this.failed("join timeout");
    } else if (!this.joining && this.retry.overdue(nowMs)) {
      this.join(); // the scheduler failed to arm the retry timer
    }
    if (this.restartAfterMs > 0 && !this.restartAsked && nowMs - this.downSinceMs >= this.restartAfterMs) {
      this.restartAsked = true;
      this.health.restartRequests++;
      const reason = `no network for ${Math.round((nowMs - this.downSinceMs) / 60_000)} min`;
      this.log(`network: ${reason}, requesting restart`);
      try {
        this.system.restart(reason);
      } catch {
        this.health.portErrors++;
      }
    }
  }

  onNetworkUp(): void {
    if (!this.running || this.up) return;
    this.up = true;
    this.joining = false;
    this.retry.cancel();
    this.restartAsked = false;
    this.upSinceMs = this.clock.monotonicMs();
    this.health.networkUp = true;
    this.log("network: up");
    this.listener.onNetworkChanged(true);
  }

  onNetworkDown(reason: string): void {
    if (!this.running) return;
    if (this.up) {
      this.up = false;
      this.health.networkUp = false;
      this.health.networkDrops++;
      this.downSinceMs = this.clock.monotonicMs();
      this.backoff.sessionEnded(this.downSinceMs - this.upSinceMs);
      this.log(`network: down: ${reason}`);
      this.listener.onNetworkChanged(false);
      this.retry.schedule();
    } else if (this.joining) {
      this.failed(reason);
    }
  }

  private join(): void {
    if (!this.running || this.up) return;
    this.joining = true;
    this.attemptStartedMs = this.clock.monotonicMs();
    this.health.networkConnectAttempts++;
    try {
      this.link.connect(this);
    } catch {
      this.health.portErrors++;
      this.failed("connect threw");
    }
  }

  private failed(reason: string): void {
    this.joining = false;
    if (this.backoff.attempts === 0) this.log(`network: join failed: ${reason}`);
    this.retry.schedule();
  }

  private log(message: string): void {
    try {
      this.system.log(message);
    } catch {
      this.health.portErrors++;
    }
  }
}
