import type { DataRequestLine } from "../app/ports";
import type { RtsWiring } from "./board";

/** A GPIO output as each platform provides it (see platform.d.ts). */
export interface OutputPin {
  write(value: 0 | 1): void;
  close(): void;
}

export type OpenOutputPin = (pin: number, initialValue: 0 | 1) => OutputPin;

/** RTS switched by a GPIO (through a transistor from the port's +5 V). */
export class GpioDataRequestLine implements DataRequestLine {
  constructor(
    private readonly pin: OutputPin,
    private readonly activeLow: boolean,
  ) {}

  setActive(active: boolean): void {
    this.pin.write(active !== this.activeLow ? 1 : 0);
  }
}

/** RTS wired to +5 V, or a meter that needs no request: nothing to switch. */
export class FixedDataRequestLine implements DataRequestLine {
  setActive(_active: boolean): void {}
}

/** The line for the board's wiring; a GPIO line starts inactive (the pin is driven before it becomes an output). */
export function openDataRequestLine(wiring: RtsWiring, openPin: OpenOutputPin): DataRequestLine {
  if (wiring.mode !== "gpio") return new FixedDataRequestLine();
  return new GpioDataRequestLine(openPin(wiring.pin, wiring.activeLow ? 1 : 0), wiring.activeLow);
}
