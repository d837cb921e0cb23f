import { SerialPort } from "serialport";
import type { MeterBytesSink, MeterSource } from "../../modules/app/ports";

export interface SerialOptions {
  path: string;
  /** Swedish HAN: 115200 8N1. */
  baudRate?: number;
  dataBits?: 7 | 8;
  parity?: "none" | "even";
  onError?: (message: string) => void;
}

/**
 * A real meter through a USB-serial adapter. The P1 line is inverted: use an adapter that inverts RX
 * (e.g. an FTDI with RXD inverted in its EEPROM) or the one-transistor circuit; a plain adapter reads garbage.
 */
export class SerialMeterSource implements MeterSource {
  readonly overruns = 0;
  /** The OS does not report framing errors through serialport; garbage shows up in the framer's counters. */
  readonly framingErrors = 0;
  private port: SerialPort | undefined;

  constructor(private readonly options: SerialOptions) {}

  /** Opens the port; rejects with a clear message when it is missing or busy (listing the ports there are). */
  async open(): Promise<void> {
    const { path } = this.options;
    const port = new SerialPort({
      path,
      baudRate: this.options.baudRate ?? 115200,
      dataBits: this.options.dataBits ?? 8,
      parity: this.options.parity ?? "none",
      stopBits: 1,
      autoOpen: false,
    });
    await new Promise<void>((resolve, reject) => {
      port.open((error) => (error ? reject(error) : resolve()));
    }).catch(async (error: Error) => {
      throw new Error(`cannot open serial port ${path}: ${error.message.replace(/^Error:\s*/, "")}${await portList()}`);
    });
    port.on("error", (error) => this.options.onError?.(`serial port ${path}: ${error.message}`));
    port.on("close", () => this.options.onError?.(`serial port ${path} closed (adapter unplugged?)`));
    this.port = port;
  }

  start(sink: MeterBytesSink): void {
    const port = this.port;
    if (!port) throw new Error("serial port not open");
    port.on("data", (chunk: Buffer) => sink.onMeterBytes(chunk, 0, chunk.length));
  }

  stop(): void {
    const port = this.port;
    this.port = undefined;
    if (port?.isOpen) {
      port.removeAllListeners("close");
      port.close();
    }
  }
}

async function portList(): Promise<string> {
  try {
    const ports = await SerialPort.list();
    return ports.length ? ` (serial ports here: ${ports.map((p) => p.path).join(", ")})` : " (no serial ports found)";
  } catch {
    return "";
  }
}
