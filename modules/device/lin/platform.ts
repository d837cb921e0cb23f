import Serial from "embedded:io/serial";
import type * as Platform from "../platform";
import type { MeterUartCallbacks } from "../meter-source";
import type { MeterUartOptions } from "../uart-options";
// Value imports use the module's manifest name: this file is installed as modules/device/platform,
// so a relative path would resolve from there on the device, not from this folder.
import { HostNetworkLink } from "modules/device/wifi-link";
import { ChunkQueue } from "modules/device/chunk-queue";

/** The lin ECMA-419 serial: a tty path instead of pins, 8N1 only, and read() only without arguments. */
interface TtySerial {
  read(): ArrayBuffer | undefined;
  close(): void;
}
type TtySerialClass = new (options: {
  device: string;
  baud: number;
  format: "buffer";
  onReadable: () => void;
  onError: () => void;
}) => TtySerial;

/** Locally administered MAC for the simulator's device id and GUID. */
const SIMULATOR_MAC = "02:00:00:00:00:01";

/**
 * The meter UART on a tty or pty. 7E1 is read as 8N1 (both are 10 bits on the wire) with the parity
 * bit masked off. Each read allocates on this platform; the zero-allocation path is the ESP32's.
 */
class TtyMeterUart {
  private serial: TtySerial | undefined;
  private readonly queue: ChunkQueue;
  private errors = 0;

  constructor(options: MeterUartOptions, callbacks: MeterUartCallbacks) {
    if (options.invertReceive) trace("meter: RX inversion is not available on a tty; use an adapter that inverts\n");
    this.queue = new ChunkQueue(options.dataBits === 7 && options.parity !== "none" ? 0x7f : 0xff);
    const queue = this.queue;
    const SerialClass = Serial as unknown as TtySerialClass;
    this.serial = new SerialClass({
      device: options.device,
      baud: options.baud,
      format: "buffer",
      onReadable() {
        // Consume now: the tty keeps signalling readable until the bytes are read.
        const chunk = (this as unknown as TtySerial).read();
        if (chunk) queue.push(chunk);
        if (queue.length) callbacks.onReadable(queue.length);
      },
      onError: () => {
        this.errors++;
      },
    });
  }

  read(buffer: Uint8Array): number {
    return this.queue.take(buffer);
  }

  get overruns(): number {
    return this.queue.dropped;
  }

  get framingErrors(): number {
    return this.errors;
  }

  close(): void {
    const serial = this.serial;
    this.serial = undefined;
    serial?.close();
  }
}

export const PLATFORM: typeof Platform.PLATFORM = "lin";

export const openMeterUart: typeof Platform.openMeterUart = (options, callbacks) => new TtyMeterUart(options, callbacks);

export const openOutputPin: typeof Platform.openOutputPin = (pin) => {
  throw new Error(`no GPIO ${pin} in the simulator; set the board's rts to "5v" or "none"`);
};

export const openStation: typeof Platform.openStation = (_options, scheduler) => new HostNetworkLink(scheduler, SIMULATOR_MAC);

export const restart: typeof Platform.restart = () => trace("restart requested; the simulator keeps running\n");

export const readInputPin: typeof Platform.readInputPin = () => undefined;

export const STATUS_PORT: typeof Platform.STATUS_PORT = 8080;

export const ACCESS_POINT: typeof Platform.ACCESS_POINT = false;

export const random: typeof Platform.random = () =>
  ((Math.floor(Math.random() * 0x10000) << 16) | Math.floor(Math.random() * 0x10000)) >>> 0;
