import Digital from "embedded:io/digital";
import WiFi from "embedded:network/interface/wifi";
import type * as Platform from "../platform";
import type { MeterUartOptions } from "../uart-options";
// Value imports use the module's manifest name: this file is installed as modules/device/platform,
// so a relative path would resolve from there on the device, not from this folder.
import { WiFiStationLink } from "modules/device/wifi-link";

/** The native options: MeterUartOptions read by name, plus the ECMA-419 callback. */
interface NativeMeterUartOptions extends MeterUartOptions {
  onReadable(this: NativeMeterUart, count: number): void;
}

/**
 * The native driver in p1_meter_uart.c, shaped like the SDK's ECMA-419 serial: an options object, `onReadable`
 * called from the driver's event queue when bytes arrive, and `read(buffer)` into the caller's buffer.
 */
class NativeMeterUart extends Native("xs_p1uart_destructor") {
  constructor(options: NativeMeterUartOptions) {
    super();
    native("xs_p1uart_constructor").call(this, options);
  }
  read(buffer: Uint8Array): number {
    return native("xs_p1uart_read").call(this, buffer);
  }
  get overruns(): number {
    return native("xs_p1uart_get_overruns").call(this);
  }
  get framingErrors(): number {
    return native("xs_p1uart_get_framing_errors").call(this);
  }
  close(): void {
    native("xs_p1uart_close").call(this);
  }
}

export const PLATFORM: typeof Platform.PLATFORM = "esp32";

export const openMeterUart: typeof Platform.openMeterUart = (options, callbacks) =>
  new NativeMeterUart({ ...options, onReadable: (count: number) => callbacks.onReadable(count) });

export const openOutputPin: typeof Platform.openOutputPin = (pin, initialValue) => {
  // Not a literal at the call: older typings lack initialValue, which the SDK's Digital supports.
  const options = { pin, mode: Digital.Output, initialValue };
  return new Digital(options);
};

export const openStation: typeof Platform.openStation = (options, scheduler) => new WiFiStationLink(WiFi, options, scheduler);

export const restart: typeof Platform.restart = () => System.restart();

export const readInputPin: typeof Platform.readInputPin = (pin, activeLow) => {
  let input: Digital;
  try {
    // Pulled towards idle, so a floating pin reads as "not pressed".
    input = new Digital({ pin, mode: activeLow ? Digital.InputPullUp : Digital.InputPullDown });
  } catch {
    // GPIO 34..39 on the ESP32 have no internal pulls (their buttons have an external one).
    input = new Digital({ pin, mode: Digital.Input });
  }
  try {
    return input.read() === (activeLow ? 0 : 1);
  } finally {
    input.close();
  }
};

export const STATUS_PORT: typeof Platform.STATUS_PORT = 80;

export const ACCESS_POINT: typeof Platform.ACCESS_POINT = true;

// XS's Math.random on the ESP32 is esp_random() (xs/platforms/esp/xsHost.h: c_rand), 31 bits per call;
// it is truly random once the radio is on, which setup mode ensures before it asks.
export const random: typeof Platform.random = () =>
  ((Math.floor(Math.random() * 0x10000) << 16) | Math.floor(Math.random() * 0x10000)) >>> 0;
