// The SDK's classic MQTT client (modules/network/mqtt/mqtt.js) ships without typings.
declare module "mqtt" {
  export interface MqttClientOptions {
    host: string;
    port?: number;
    id?: string;
    user?: string;
    password?: string | ArrayBuffer;
    will?: { topic: string; message: string | ArrayBuffer; retain?: boolean; quality?: number };
    /** Keep-alive in milliseconds; 0 or absent: none. */
    timeout?: number;
    path?: string;
    Socket?: unknown;
    secure?: Record<string, unknown>;
  }

  export default class Client {
    constructor(options: MqttClientOptions);
    /** TCP (and TLS) is up. */
    onConnected?: () => void;
    /** CONNACK accepted: publishing is allowed from now on. */
    onReady?: () => void;
    onMessage?: (topic: string, data: ArrayBuffer) => void;
    /** Any failure, including a refused CONNECT; the client is closed afterwards. */
    onClose?: () => void;
    /** Throws "connection closed" before onReady, or when the TCP send buffer cannot take the packet. */
    publish(topic: string, data: string | ArrayBuffer, flags?: { retain?: boolean; quality?: number; duplicate?: boolean }): void;
    subscribe(topic: string): void;
    unsubscribe(topic: string): void;
    close(immediate?: boolean): void;
  }
}
