// ECMA-419 Wi-Fi station as the SDK 8.2 declares it (typings/embedded_network/interface/wifi.d.ts);
// @moddable/typings 5.6 lacks it. Host type-check only: mcconfig builds use the SDK's declaration.
declare module "embedded:network/interface/wifi" {
  export type WiFiChangedProperty = "connection" | "address";

  export interface WiFiConstructorOptions {
    port?: number;
    onChanged?: (property: WiFiChangedProperty) => void;
  }

  export interface WiFiConnectOptions {
    SSID: string;
    password?: string;
  }

  export interface WiFiConfigureOptions {
    hostname?: string;
    static?: { address: string; mask: string; gateway: string } | false;
  }

  class WiFi {
    constructor(options: WiFiConstructorOptions);
    close(): void;
    connect(options: WiFiConnectOptions): void;
    disconnect(): void;
    configure(options: WiFiConfigureOptions): void;
    readonly connection: number;
    readonly address: string | undefined;
    readonly MAC: string | undefined;
    readonly SSID: string | undefined;
    readonly RSSI: number | undefined;
  }

  export default WiFi;
}
