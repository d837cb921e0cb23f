import WiFi from "wifi";
import type { Settings } from "../config/schema";
import type { ScannedNetwork, WifiScanner } from "../setup/scan";

/** Scans with the classic driver (the one that also runs the access point). */
export class RadioScanner implements WifiScanner {
  scan(done: (networks: readonly ScannedNetwork[]) => void): void {
    const found: ScannedNetwork[] = [];
    WiFi.scan({}, (item) => {
      if (!item) {
        done(found);
        return;
      }
      if (found.length < 64) found.push({ ssid: item.ssid, rssi: item.rssi, secure: item.authentication !== "none" });
    });
  }
}

/** Driver's reason code when the access point refused the password. */
const PASSWORD_REFUSED = -1;

/** Joins a network with candidate settings while the access point stays up (AP+STA). */
export class WifiJoinTest {
  private monitor: WiFi | undefined;

  join(settings: Settings, done: (error: string) => void): void {
    this.cancel();
    let reported = false;
    const report = (error: string) => {
      if (reported) return;
      reported = true;
      if (error) this.cancel();
      done(error);
    };
    // The driver passes a reason code with "disconnect"; the typings declare only the message.
    const callback = (message: string, reason?: number) => {
      if (message === WiFi.gotIP) report("");
      else if (message === WiFi.disconnected) report(reason === PASSWORD_REFUSED ? "the access point rejected the password" : `the network "${settings.ssid}" could not be joined`);
    };
    this.monitor = new WiFi({ ssid: settings.ssid, password: settings.password || undefined }, callback as never);
  }

  cancel(): void {
    const monitor = this.monitor;
    this.monitor = undefined;
    if (!monitor) return;
    monitor.close();
    WiFi.disconnect();
  }
}
