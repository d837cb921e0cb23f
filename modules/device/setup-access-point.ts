import DNSServer from "dns/server";
import Net from "net";
import WiFi from "wifi";

/**
 * Turns the radio on with the classic driver (station side, not joining) and returns the station MAC as
 * the driver spells it. Before this the ESP32's random numbers are only pseudo-random.
 */
export function startRadio(): string {
  WiFi.mode = WiFi.Mode.station;
  return (Net.get as (what: string, iface: string) => string | undefined)("MAC", "station") ?? "";
}

export interface AccessPoint {
  /** The device's address on its own network, e.g. "192.168.4.1". */
  readonly address: string;
  close(): void;
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
