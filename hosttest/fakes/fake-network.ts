import type { NetworkLink, NetworkLinkEvents } from "../../modules/app/ports";
import type { FakeClock } from "./fake-clock";

/** A Wi-Fi station: joins after `joinDelayMs` while the access point is up; tests cut and restore it. */
export class FakeNetwork implements NetworkLink {
  apUp = true;
  joinDelayMs = 100;
  readonly joinAttempts: number[] = [];
  rssiDbm = -61;
  private events: NetworkLinkEvents | undefined;
  private joined = false;
  private attempt = 0;

  constructor(private readonly clock: FakeClock) {}

  get isJoined(): boolean {
    return this.joined;
  }

  connect(events: NetworkLinkEvents): void {
    this.events = events;
    const attempt = ++this.attempt;
    this.joinAttempts.push(this.clock.now);
    this.clock.once(() => {
      if (attempt !== this.attempt) return;
      if (this.apUp) {
        this.joined = true;
        events.onNetworkUp();
      } else {
        events.onNetworkDown("no access point");
      }
    }, this.joinDelayMs);
  }

  disconnect(): void {
    this.attempt++;
    this.joined = false;
  }

  rssi(): number {
    return this.rssiDbm;
  }

  /** The access point disappears. */
  cut(): void {
    this.apUp = false;
    if (this.joined) {
      this.joined = false;
      this.events?.onNetworkDown("beacon timeout");
    }
  }

  restore(): void {
    this.apUp = true;
  }
}
