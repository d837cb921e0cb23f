import type { HealthCounters } from "../../modules/app/health";
import type { EnergySource } from "../../modules/energy/energy-source";
import type { MeterPicture } from "./meter-tap";

export interface ViewContext {
  meterDescription: string;
  brokerDescription: string;
  watchCommand: string;
}

export interface ViewState {
  picture: MeterPicture;
  eventsPublished: number;
  messagesPublished: number;
  health: HealthCounters | undefined;
  /** Derived values and the capacity tariff (modules/energy). */
  energy?: EnergySource;
}

const PHASES = [
  { power: "1-0:21.7.0", exportPower: "1-0:22.7.0", voltage: "1-0:32.7.0", current: "1-0:31.7.0" },
  { power: "1-0:41.7.0", exportPower: "1-0:42.7.0", voltage: "1-0:52.7.0", current: "1-0:51.7.0" },
  { power: "1-0:61.7.0", exportPower: "1-0:62.7.0", voltage: "1-0:72.7.0", current: "1-0:71.7.0" },
];

function show(value: number | undefined, digits: number, unit: string, width = 9): string {
  const text = value === undefined || Number.isNaN(value) ? "–" : `${value.toFixed(digits)} ${unit}`;
  return text.padStart(width + unit.length + 1);
}

function kilo(value: number | undefined): number | undefined {
  return value === undefined ? undefined : value / 1000;
}

function count(value: number | boolean | undefined): string {
  if (value === undefined) return "–";
  if (typeof value === "boolean") return value ? "yes" : "no";
  return Number.isNaN(value) ? "–" : String(value);
}

/** The meter time as sent (YYMMDDhhmmssX), written readably. */
function meterTimeText(raw: string): string {
  if (!/^\d{12}[WS]?$/i.test(raw)) return raw || "–";
  return `20${raw.slice(0, 2)}-${raw.slice(2, 4)}-${raw.slice(4, 6)} ${raw.slice(6, 8)}:${raw.slice(8, 10)}:${raw.slice(10, 12)} ${raw.slice(12)}`;
}

/** The live view's text: a fixed block redrawn per telegram. */
export function renderView(context: ViewContext, state: ViewState, logLines: readonly string[]): string {
  const v = state.picture.values;
  const h = state.health;
  const out: string[] = [];
  out.push("P1 → VSCP bridge on this PC");
  out.push(`  meter   ${context.meterDescription}`);
  out.push(`  broker  ${context.brokerDescription}`);
  out.push(`  watch   ${context.watchCommand}`);
  out.push("");
  out.push(
    `Meter time ${meterTimeText(state.picture.meterTime)}   telegrams ${state.picture.telegrams}` +
      (state.picture.rejected ? `   rejected ${state.picture.rejected}` : ""),
  );
  out.push(`${"".padEnd(10)}${"L1".padStart(12)}${"L2".padStart(12)}${"L3".padStart(12)}${"total".padStart(12)}`);
  out.push(
    `${"Import".padEnd(10)}${PHASES.map((p) => show(kilo(v.get(p.power)), 3, "kW")).join("")}${show(kilo(v.get("1-0:1.7.0")), 3, "kW")}`,
  );
  out.push(
    `${"Export".padEnd(10)}${PHASES.map((p) => show(kilo(v.get(p.exportPower)), 3, "kW")).join("")}${show(kilo(v.get("1-0:2.7.0")), 3, "kW")}`,
  );
  out.push(`${"Voltage".padEnd(10)}${PHASES.map((p) => show(v.get(p.voltage), 1, "V", 10)).join("")}`);
  out.push(`${"Current".padEnd(10)}${PHASES.map((p) => show(v.get(p.current), 1, "A", 10)).join("")}`);
  out.push(`Energy    import ${show(v.get("1-0:1.8.0"), 3, "kWh", 0)}   export ${show(v.get("1-0:2.8.0"), 3, "kWh", 0)}`);
  out.push(`Reactive  import ${show(v.get("1-0:3.8.0"), 3, "kvarh", 0)}   export ${show(v.get("1-0:4.8.0"), 3, "kvarh", 0)}`);
  const e = state.energy;
  if (e) {
    const peaks = e.peaks;
    out.push(
      `Hour      average ${show(e.averageW, 0, "W", 0)}   projected ${show(e.projectionW, 0, "W", 0)}` +
        `   tariff weight ${e.weight} %${e.complete ? "" : "   (incomplete)"}`,
    );
    out.push(
      `Tariff    billed ${show(peaks.billedW(), 0, "W", 0)} from ${peaks.count} of ${e.rule.peaks} peaks` +
        `   guard ${show(e.guardPeakW, 0, "W", 0)}   incomplete hours ${peaks.incomplete}`,
    );
  }
  out.push("");
  out.push(`VSCP events published ${state.eventsPublished}   MQTT messages ${state.messagesPublished}`);
  if (h) {
    out.push(
      `Health    telegrams ok ${count(h.telegramsOk)}  CRC errors ${count(h.crcErrors)}  truncated ${count(h.truncated)}` +
        `  overflow ${count(h.overflows)}  unknown lines ${count(h.unknownLines)}  bytes ${count(h.bytesReceived)}`,
    );
    out.push(
      `          meter silent ${count(h.meterSilent)}  MQTT connected ${count(h.mqttConnected)}  reconnects ${count(h.mqttReconnects)}` +
        `  outbox ${count(h.queueDepth)}  dropped ${count(h.queueDrops)}  internal errors ${count(h.internalErrors)}`,
    );
  }
  if (logLines.length) {
    out.push("");
    for (const line of logLines) out.push(`  ${line}`);
  }
  return out.join("\n");
}

/** Redraws in place on a terminal; prints one line per telegram when the output is a file or a pipe. */
export class TerminalView {
  private readonly logLines: string[] = [];
  private readonly tty: boolean;

  constructor(
    private readonly context: ViewContext,
    private readonly stream: NodeJS.WriteStream = process.stdout,
  ) {
    this.tty = Boolean(stream.isTTY) && process.env.TERM !== "dumb";
  }

  log(line: string): void {
    const stamped = `${new Date().toISOString().slice(11, 19)} ${line}`;
    if (!this.tty) {
      this.stream.write(`${stamped}\n`);
      return;
    }
    this.logLines.push(stamped);
    if (this.logLines.length > 5) this.logLines.shift();
  }

  intro(): void {
    if (this.tty) return;
    this.stream.write(
      `meter:  ${this.context.meterDescription}\nbroker: ${this.context.brokerDescription}\nwatch:  ${this.context.watchCommand}\n`,
    );
  }

  update(state: ViewState): void {
    if (this.tty) {
      this.stream.write(`\x1b[H\x1b[2J${renderView(this.context, state, this.logLines)}\n`);
      return;
    }
    const v = state.picture.values;
    const h = state.health;
    this.stream.write(
      `${meterTimeText(state.picture.meterTime)}  P ${show(kilo(v.get("1-0:1.7.0")), 3, "kW", 0).trim()}` +
        `  export ${show(kilo(v.get("1-0:2.7.0")), 3, "kW", 0).trim()}  events ${state.eventsPublished}` +
        (state.energy
          ? `  hour ${show(state.energy.averageW, 0, "W", 0).trim()} → ${show(state.energy.projectionW, 0, "W", 0).trim()}` +
            `  billed ${show(state.energy.peaks.billedW(), 0, "W", 0).trim()}`
          : "") +
        (h ? `  ok ${h.telegramsOk}  crc errors ${h.crcErrors}  outbox ${h.queueDepth}  mqtt ${h.mqttConnected ? "up" : "down"}` : "") +
        "\n",
    );
  }
}
