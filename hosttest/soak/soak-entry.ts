import { MonthMeter } from "./month-meter";
import { Soak, type SoakOptions } from "./soak-bridge";

// Entry of the script evaluated inside xsnap for the soak: the host only says how far to go; the telegrams are
// made inside the engine. A command is one JSON line.

interface XsnapGlobals {
  gc(): void;
  handleCommand?: (message: ArrayBuffer) => ArrayBuffer | undefined;
}

interface Command {
  op: "meter" | "start" | "run" | "finish" | "gc" | "counts";
  options?: SoakOptions;
  count?: number;
}

const xs = globalThis as unknown as XsnapGlobals;
let soak: Soak | null = null;
/** A meter of its own, to measure what making the telegrams costs apart from the bridge. */
const meterAlone = new MonthMeter(0, 1 << 30);

function reply(value: unknown): ArrayBuffer {
  return new TextEncoder().encode(JSON.stringify(value)).buffer as ArrayBuffer;
}

xs.handleCommand = (message: ArrayBuffer): ArrayBuffer | undefined => {
  const command = JSON.parse(new TextDecoder().decode(new Uint8Array(message))) as Command;
  switch (command.op) {
    case "meter":
      for (let i = command.count ?? 0; i > 0; i--) meterAlone.next();
      return undefined;
    case "start":
      soak = new Soak(command.options!);
      return reply({ slots: soak.totalSlots });
    case "run":
      soak!.run(command.count ?? 0);
      return undefined; // no reply to build: the command's meter covers the telegrams only
    case "finish":
      soak!.finish();
      return undefined;
    case "gc":
      xs.gc();
      return undefined;
    case "counts":
      return reply(soak!.counts());
  }
  return reply({ error: `unknown op ${String(command.op)}` });
};
