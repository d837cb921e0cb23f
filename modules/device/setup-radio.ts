// The classic Wi-Fi driver in setup mode: the radio, the access point and its captive DNS, scans, and join tests.
import DNSServer from "dns/server";
import Net from "net";
import WiFi from "wifi";
import type { Settings } from "../config/schema";
import type { ScannedNetwork, WifiScanner } from "../setup/scan";
import type { AccessPoint, WifiJoinTester } from "../setup/setup-mode";

/**
 * Turns the radio on with the classic driver (station side, not joining) and returns the station MAC as
 * the driver spells it. Before this the ESP32's random numbers are only pseudo-random.
 */
export function startRadio(): string {
  WiFi.mode = WiFi.Mode.station;
  return (Net.get as (what: string, iface: string) => string | undefined)("MAC", "station") ?? "";
}

/**
 * Opens the setup access point (WPA2, the radio's station side kept on for scans and for testing new
 * settings) and a DNS server that answers every name with the device, so a phone's captive-portal
 * check lands on the setup page.
 */
export function openAccessPoint(ssid: string, password: string): AccessPoint {
  // `station` is read by the ESP32 driver (AP+STA mode) but missing from the typings.
  const options = { ssid, password, channel: 1, max: 4, station: true };
  WiFi.accessPoint(options);
  // SDK 8.2 takes the interface as a second argument; the npm typings (5.6) do not declare it.
  const address = (Net.get as (what: string, iface: string) => string | undefined)("IP", "ap") || "192.168.4.1";
  // Message 1 is a query: answer every name with our address.
  const dns = new DNSServer((message: number) => (message === 1 ? address : (undefined as unknown as string)));
  return {
    address,
    close() {
      dns.close();
    },
  };
}

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
export class WifiJoinTest implements WifiJoinTester {
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
      else if (message === WiFi.disconnected)
        report(
          reason === PASSWORD_REFUSED ? "the access point rejected the password" : `the network "${settings.ssid}" could not be joined`,
        );
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
