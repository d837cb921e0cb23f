import type { NetworkLink, NetworkLinkEvents } from "../../modules/app/ports";

/** A PC is already on the network: joining succeeds at once (asynchronously, like Wi-Fi does). */
export class AlwaysUpNetwork implements NetworkLink {
  private joined = false;

  connect(events: NetworkLinkEvents): void {
    this.joined = true;
    setImmediate(() => {
      if (this.joined) events.onNetworkUp();
    });
  }

  disconnect(): void {
    this.joined = false;
  }

  rssi(): number {
    return Number.NaN;
  }
}
