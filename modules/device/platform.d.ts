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
/** Reads an input once (pulled towards its idle level) and releases it; true when active. undefined where there is no GPIO (lin). */
export declare function readInputPin(pin: number, activeLow: boolean): boolean | undefined;
/** Whether the radio can open the setup access point (the ESP32's classic Wi-Fi driver); false on lin. */
export declare const ACCESS_POINT: boolean;
/** TCP port of the status page on the home network (80 on the device; unprivileged on lin). */
export declare const STATUS_PORT: number;
/** A fresh unsigned 32-bit random value (the ESP32's hardware generator through Math.random). */
export declare function random(): number;
