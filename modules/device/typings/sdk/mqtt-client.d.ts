// The ECMA-419 MQTT client as the SDK 8.2 ships it (typings/embedded_network/mqtt/client.d.ts); @moddable/typings
// 5.6 lacks it. Host type-check only: mcconfig builds use the SDK's declaration. main.ts hands the class over
// as MqttClient419Class (modules/device/mqtt-link.ts), which says what the link uses of it.
declare module "embedded:network/mqtt/client" {
  export default class MQTTClient {
    constructor(options: Record<string, unknown>);
    close(): void;
  }
}
