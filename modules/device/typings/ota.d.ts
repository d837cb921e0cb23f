// The SDK's ESP32 `ota` module (build/devices/esp32/modules/ota): begins on the next update slot,
// write() appends, cancel() ends without switching, complete() ends, checks and sets the boot slot.
declare module "ota" {
  export default class OTA {
    constructor();
    write(data: ArrayBuffer | ArrayBufferView): void;
    cancel(): void;
    complete(): void;
  }
}
