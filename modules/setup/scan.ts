import type { Clock } from "../app/ports";

export interface ScannedNetwork {
  ssid: string;
  /** dBm */
  rssi: number;
  /** False for an open network. */
  secure: boolean;
}

/** The radio's scan: the device's Wi-Fi driver, or a fixed list on the host. */
export interface WifiScanner {
  /** Calls `done` once with everything found (possibly nothing). */
  scan(done: (networks: readonly ScannedNetwork[]) => void): void;
}

/** Most networks shown; a block of flats can see dozens. */
export const MAX_NETWORKS = 20;

/**
 * The last scan, refreshed in the background: a request is answered at once from the list while a
 * new scan runs (the device's HTTP server answers synchronously, and a scan takes seconds).
 */
export class ScanList {
  private list: ScannedNetwork[] = [];
  private scannedAtMs = Number.NEGATIVE_INFINITY;
  private running = false;

  constructor(
    private readonly scanner: WifiScanner,
    private readonly clock: Clock,
    private readonly maxAgeMs = 15_000,
  ) {}

  /** The networks found, strongest first, one row per name; starts a new scan when the list is old. */
  networks(): { networks: readonly ScannedNetwork[]; scanning: boolean } {
    if (!this.running && this.clock.monotonicMs() - this.scannedAtMs >= this.maxAgeMs) this.refresh();
    return { networks: this.list, scanning: this.running };
  }

  refresh(): void {
    if (this.running) return;
    this.running = true;
    try {
      this.scanner.scan((found) => this.found(found));
    } catch {
      this.running = false;
      this.scannedAtMs = this.clock.monotonicMs();
    }
  }

  private found(found: readonly ScannedNetwork[]): void {
    this.running = false;
    this.scannedAtMs = this.clock.monotonicMs();
    this.list = strongestFirst(found);
  }
}

/** Drops hidden networks and repeated names (keeping the strongest), sorts by signal, caps the list. */
export function strongestFirst(found: readonly ScannedNetwork[]): ScannedNetwork[] {
  const out: ScannedNetwork[] = [];
  for (const network of found) {
    if (typeof network.ssid !== "string" || network.ssid.length === 0 || network.ssid.length > 32) continue;
    let seen = -1;
    for (let i = 0; i < out.length; i++) if (out[i].ssid === network.ssid) seen = i;
    const entry = { ssid: network.ssid, rssi: Number.isFinite(network.rssi) ? network.rssi : -100, secure: network.secure !== false };
    if (seen < 0) out.push(entry);
    else if (entry.rssi > out[seen].rssi) out[seen] = entry;
  }
  out.sort((a, b) => b.rssi - a.rssi);
  return out.length > MAX_NETWORKS ? out.slice(0, MAX_NETWORKS) : out;
}
