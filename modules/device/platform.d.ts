// What each platform provides; the manifest maps `modules/device/platform` to esp32/platform.ts
// (ESP-IDF UART driver, GPIO, Wi-Fi station) or lin/platform.ts (tty serial, always-up network).
import type { Scheduler } from "../app/ports";
import type { OutputPin } from "./data-request";
import type { MeterUart, MeterUartCallbacks } from "./meter-source";
import type { MeterUartOptions } from "./uart-options";
import type { Station, StationOptions } from "./wifi-link";

export declare const PLATFORM: "esp32" | "lin";
export declare function openMeterUart(options: MeterUartOptions, callbacks: MeterUartCallbacks): MeterUart;
/** Drives `initialValue` before the pin becomes an output, so it never glitches. */
export declare function openOutputPin(pin: number, initialValue: 0 | 1): OutputPin;
export declare function openStation(options: StationOptions, scheduler: Scheduler): Station;
export declare function restart(): void;
