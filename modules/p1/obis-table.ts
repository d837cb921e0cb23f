import { Quantity, Unit, type QuantityCode } from "./units";
import { frozen } from "./frozen";

/** How the value groups of a line are laid out. */
export const Layout = frozen({
  /** `(value[*unit])` */
  Value: 0,
  /** `(timestamp)(value[*unit])`: M-Bus readings, monthly peak. The value is the last group. */
  Timestamped: 1,
  /** DSMR 2.2 gas: `(TST)(00)(60)(1)(0-1:24.2.1)(m3)` then `(value)` on the next line. */
  Gas22: 2,
  /** `(text)`, kept as bytes. */
  Text: 3,
  /** `(YYMMDDhhmmssX)`, the meter clock. */
  Clock: 4,
  /** `(count)(…)…`: logs whose first group is the number of entries. */
  Log: 5,
} as const);

export type LayoutCode = (typeof Layout)[keyof typeof Layout];

export interface ObisEntry {
  /** Code as written in output, `A-B:C.D.E`. */
  readonly obis: string;
  readonly quantity: QuantityCode;
  readonly layout: LayoutCode;
  /** Unit ids accepted for this code; empty means the value carries no unit. */
  readonly units: readonly number[];
  /** Also accept a value sent without a unit (M-Bus channels whose device is absent send `(00000000)`). */
  readonly unitOptional: boolean;
  /** Short English label, also the VSCP note. */
  readonly label: string;
}

const ENERGY = [Unit.kWh, Unit.Wh, Unit.MWh];
const REACTIVE_ENERGY = [Unit.kvarh, Unit.varh];
const POWER = [Unit.kW, Unit.W];
const REACTIVE_POWER = [Unit.kvar, Unit.var];
const APPARENT_POWER = [Unit.kVA, Unit.VA];
const NONE: number[] = [];

function entry(
  obis: string,
  quantity: QuantityCode,
  units: readonly number[],
  label: string,
  layout: LayoutCode = Layout.Value,
  unitOptional = false,
): ObisEntry {
  return { obis, quantity, layout, units, unitOptional, label };
}

function mbusChannel(n: number): ObisEntry[] {
  return [
    entry(`0-${n}:24.1.0`, Quantity.Count, NONE, `M-Bus ${n} device type`),
    entry(`0-${n}:96.1.0`, Quantity.Text, NONE, `M-Bus ${n} equipment id`, Layout.Text),
    entry(`0-${n}:96.1.1`, Quantity.Text, NONE, `M-Bus ${n} equipment id`, Layout.Text),
    entry(`0-${n}:24.2.1`, Quantity.MeterReading, [Unit.m3, Unit.GJ, Unit.kWh, Unit.MWh], `M-Bus ${n} reading`, Layout.Timestamped, true),
    entry(
      `0-${n}:24.2.3`,
      Quantity.MeterReading,
      [Unit.m3, Unit.GJ, Unit.kWh],
      `M-Bus ${n} reading (not temperature corrected)`,
      Layout.Timestamped,
      true,
    ),
    entry(`0-${n}:24.3.0`, Quantity.MeterReading, [Unit.m3, Unit.GJ, Unit.kWh], `M-Bus ${n} reading (DSMR 2.2)`, Layout.Gas22, true),
    entry(`0-${n}:24.4.0`, Quantity.Count, NONE, `M-Bus ${n} valve state`),
  ];
}

/**
 * The single source of truth for OBIS codes. Order matters: the first 26 entries after the clock follow the
 * VSCP profile's default sensor numbering, the rest are numbered after them in this order.
 */
export const OBIS_ENTRIES: readonly ObisEntry[] = frozen([
  entry("0-0:1.0.0", Quantity.Clock, NONE, "Meter time", Layout.Clock),
  // The 26 Swedish values (the clock above makes 27 objects), in VSCP sensor index order 0–25 (3.7.0/4.7.0 sit at 6/7).
  entry("1-0:1.8.0", Quantity.ActiveEnergy, ENERGY, "Active energy import"),
  entry("1-0:2.8.0", Quantity.ActiveEnergy, ENERGY, "Active energy export"),
  entry("1-0:3.8.0", Quantity.ReactiveEnergy, REACTIVE_ENERGY, "Reactive energy import"),
  entry("1-0:4.8.0", Quantity.ReactiveEnergy, REACTIVE_ENERGY, "Reactive energy export"),
  entry("1-0:1.7.0", Quantity.ActivePower, POWER, "Active power import"),
  entry("1-0:2.7.0", Quantity.ActivePower, POWER, "Active power export"),
  entry("1-0:3.7.0", Quantity.ReactivePower, REACTIVE_POWER, "Reactive power import"),
  entry("1-0:4.7.0", Quantity.ReactivePower, REACTIVE_POWER, "Reactive power export"),
  entry("1-0:21.7.0", Quantity.ActivePower, POWER, "Active power import L1"),
  entry("1-0:41.7.0", Quantity.ActivePower, POWER, "Active power import L2"),
  entry("1-0:61.7.0", Quantity.ActivePower, POWER, "Active power import L3"),
  entry("1-0:22.7.0", Quantity.ActivePower, POWER, "Active power export L1"),
  entry("1-0:42.7.0", Quantity.ActivePower, POWER, "Active power export L2"),
  entry("1-0:62.7.0", Quantity.ActivePower, POWER, "Active power export L3"),
  entry("1-0:23.7.0", Quantity.ReactivePower, REACTIVE_POWER, "Reactive power import L1"),
  entry("1-0:43.7.0", Quantity.ReactivePower, REACTIVE_POWER, "Reactive power import L2"),
  entry("1-0:63.7.0", Quantity.ReactivePower, REACTIVE_POWER, "Reactive power import L3"),
  entry("1-0:24.7.0", Quantity.ReactivePower, REACTIVE_POWER, "Reactive power export L1"),
  entry("1-0:44.7.0", Quantity.ReactivePower, REACTIVE_POWER, "Reactive power export L2"),
  entry("1-0:64.7.0", Quantity.ReactivePower, REACTIVE_POWER, "Reactive power export L3"),
  entry("1-0:32.7.0", Quantity.Voltage, [Unit.V], "Voltage L1"),
  entry("1-0:52.7.0", Quantity.Voltage, [Unit.V], "Voltage L2"),
  entry("1-0:72.7.0", Quantity.Voltage, [Unit.V], "Voltage L3"),
  entry("1-0:31.7.0", Quantity.Current, [Unit.A], "Current L1"),
  entry("1-0:51.7.0", Quantity.Current, [Unit.A], "Current L2"),
  entry("1-0:71.7.0", Quantity.Current, [Unit.A], "Current L3"),
  // Tariff registers (NL, BE, HU, LT, PL).
  entry("1-0:1.8.1", Quantity.ActiveEnergy, ENERGY, "Active energy import tariff 1"),
  entry("1-0:1.8.2", Quantity.ActiveEnergy, ENERGY, "Active energy import tariff 2"),
  entry("1-0:1.8.3", Quantity.ActiveEnergy, ENERGY, "Active energy import tariff 3"),
  entry("1-0:1.8.4", Quantity.ActiveEnergy, ENERGY, "Active energy import tariff 4"),
  entry("1-0:2.8.1", Quantity.ActiveEnergy, ENERGY, "Active energy export tariff 1"),
  entry("1-0:2.8.2", Quantity.ActiveEnergy, ENERGY, "Active energy export tariff 2"),
  entry("1-0:2.8.3", Quantity.ActiveEnergy, ENERGY, "Active energy export tariff 3"),
  entry("1-0:2.8.4", Quantity.ActiveEnergy, ENERGY, "Active energy export tariff 4"),
  entry("1-0:3.8.1", Quantity.ReactiveEnergy, REACTIVE_ENERGY, "Reactive energy import tariff 1"),
  entry("1-0:3.8.2", Quantity.ReactiveEnergy, REACTIVE_ENERGY, "Reactive energy import tariff 2"),
  entry("1-0:3.8.3", Quantity.ReactiveEnergy, REACTIVE_ENERGY, "Reactive energy import tariff 3"),
  entry("1-0:3.8.4", Quantity.ReactiveEnergy, REACTIVE_ENERGY, "Reactive energy import tariff 4"),
  entry("1-0:4.8.1", Quantity.ReactiveEnergy, REACTIVE_ENERGY, "Reactive energy export tariff 1"),
  entry("1-0:4.8.2", Quantity.ReactiveEnergy, REACTIVE_ENERGY, "Reactive energy export tariff 2"),
  entry("1-0:4.8.3", Quantity.ReactiveEnergy, REACTIVE_ENERGY, "Reactive energy export tariff 3"),
  entry("1-0:4.8.4", Quantity.ReactiveEnergy, REACTIVE_ENERGY, "Reactive energy export tariff 4"),
  entry("1-0:15.8.0", Quantity.ActiveEnergy, ENERGY, "Active energy absolute sum"),
  entry("1-0:5.8.0", Quantity.ReactiveEnergy, REACTIVE_ENERGY, "Reactive energy quadrant 1"),
  entry("1-0:6.8.0", Quantity.ReactiveEnergy, REACTIVE_ENERGY, "Reactive energy quadrant 2"),
  entry("1-0:7.8.0", Quantity.ReactiveEnergy, REACTIVE_ENERGY, "Reactive energy quadrant 3"),
  entry("1-0:8.8.0", Quantity.ReactiveEnergy, REACTIVE_ENERGY, "Reactive energy quadrant 4"),
  // Power quality and further instantaneous values.
  entry("1-0:14.7.0", Quantity.Frequency, [Unit.Hz], "Frequency"),
  entry("1-0:13.7.0", Quantity.PowerFactor, NONE, "Power factor"),
  entry("1-0:33.7.0", Quantity.PowerFactor, NONE, "Power factor L1"),
  entry("1-0:53.7.0", Quantity.PowerFactor, NONE, "Power factor L2"),
  entry("1-0:73.7.0", Quantity.PowerFactor, NONE, "Power factor L3"),
  entry("1-0:15.7.0", Quantity.ActivePower, POWER, "Active power absolute sum"),
  entry("1-0:5.7.0", Quantity.ReactivePower, REACTIVE_POWER, "Reactive power quadrant 1"),
  entry("1-0:6.7.0", Quantity.ReactivePower, REACTIVE_POWER, "Reactive power quadrant 2"),
  entry("1-0:7.7.0", Quantity.ReactivePower, REACTIVE_POWER, "Reactive power quadrant 3"),
  entry("1-0:8.7.0", Quantity.ReactivePower, REACTIVE_POWER, "Reactive power quadrant 4"),
  entry("1-0:12.7.0", Quantity.Voltage, [Unit.V], "Voltage"),
  entry("1-0:11.7.0", Quantity.Current, [Unit.A], "Current"),
  entry("1-0:91.7.0", Quantity.Current, [Unit.A], "Current neutral"),
  entry("1-0:90.7.0", Quantity.Current, [Unit.A], "Current sum of phases"),
  entry("1-0:32.24.0", Quantity.Voltage, [Unit.V], "Average voltage L1"),
  entry("1-0:52.24.0", Quantity.Voltage, [Unit.V], "Average voltage L2"),
  entry("1-0:72.24.0", Quantity.Voltage, [Unit.V], "Average voltage L3"),
  entry("1-0:1.4.0", Quantity.ActivePower, POWER, "Average demand import"),
  entry("1-0:2.4.0", Quantity.ActivePower, POWER, "Average demand export"),
  entry("1-0:1.24.0", Quantity.ActivePower, POWER, "Average power import"),
  entry("1-0:15.24.0", Quantity.ActivePower, POWER, "Average power absolute sum"),
  entry("1-0:16.24.0", Quantity.ActivePower, POWER, "Average power net"),
  entry("1-0:1.6.0", Quantity.ActivePower, POWER, "Peak demand this month", Layout.Timestamped),
  // Apparent power: no VSCP type, kept for the telegram snapshot.
  entry("1-0:9.7.0", Quantity.ApparentPower, APPARENT_POWER, "Apparent power import"),
  entry("1-0:10.7.0", Quantity.ApparentPower, APPARENT_POWER, "Apparent power export"),
  entry("1-0:29.7.0", Quantity.ApparentPower, APPARENT_POWER, "Apparent power import L1"),
  entry("1-0:49.7.0", Quantity.ApparentPower, APPARENT_POWER, "Apparent power import L2"),
  entry("1-0:69.7.0", Quantity.ApparentPower, APPARENT_POWER, "Apparent power import L3"),
  entry("1-0:30.7.0", Quantity.ApparentPower, APPARENT_POWER, "Apparent power export L1"),
  entry("1-0:50.7.0", Quantity.ApparentPower, APPARENT_POWER, "Apparent power export L2"),
  entry("1-0:70.7.0", Quantity.ApparentPower, APPARENT_POWER, "Apparent power export L3"),
  // Limits, counters, ratios.
  // kW or kVA in DSMR 4/5 and Luxembourg, A in DSMR 3, a bare number in Poland.
  entry("0-0:17.0.0", Quantity.PowerLimit, [Unit.kW, Unit.W, Unit.kVA, Unit.VA, Unit.A], "Limiter threshold", Layout.Value, true),
  entry("1-0:31.4.0", Quantity.CurrentLimit, [Unit.A], "Current limit L1"),
  entry("1-0:51.4.0", Quantity.CurrentLimit, [Unit.A], "Current limit L2"),
  entry("1-0:71.4.0", Quantity.CurrentLimit, [Unit.A], "Current limit L3"),
  entry("0-0:96.7.21", Quantity.Count, NONE, "Power failures"),
  entry("0-0:96.7.9", Quantity.Count, NONE, "Long power failures"),
  entry("1-0:32.32.0", Quantity.Count, NONE, "Voltage sags L1"),
  entry("1-0:52.32.0", Quantity.Count, NONE, "Voltage sags L2"),
  entry("1-0:72.32.0", Quantity.Count, NONE, "Voltage sags L3"),
  entry("1-0:32.36.0", Quantity.Count, NONE, "Voltage swells L1"),
  entry("1-0:52.36.0", Quantity.Count, NONE, "Voltage swells L2"),
  entry("1-0:72.36.0", Quantity.Count, NONE, "Voltage swells L3"),
  entry("0-0:96.14.0", Quantity.Count, NONE, "Tariff indicator"),
  entry("0-0:96.3.10", Quantity.Count, NONE, "Breaker state"),
  entry("1-0:0.4.2", Quantity.Ratio, NONE, "Current transformer ratio"),
  entry("1-0:0.4.3", Quantity.Ratio, NONE, "Voltage transformer ratio"),
  entry("1-0:99.97.0", Quantity.Count, NONE, "Power failure log entries", Layout.Log),
  // Identification and messages.
  entry("1-3:0.2.8", Quantity.Text, NONE, "P1 version", Layout.Text),
  entry("0-0:96.1.4", Quantity.Text, NONE, "eMUCs version", Layout.Text),
  entry("0-0:96.1.1", Quantity.Text, NONE, "Equipment id", Layout.Text),
  entry("0-0:96.1.0", Quantity.Text, NONE, "Meter serial number", Layout.Text),
  entry("0-0:42.0.0", Quantity.Text, NONE, "Logical device name", Layout.Text),
  entry("1-0:0.0.0", Quantity.Text, NONE, "Meter id", Layout.Text),
  entry("1-0:0.2.0", Quantity.Text, NONE, "Firmware version", Layout.Text),
  entry("0-0:96.13.0", Quantity.Text, NONE, "Text message", Layout.Text),
  entry("0-0:96.13.1", Quantity.Text, NONE, "Message code", Layout.Text),
  ...mbusChannel(1),
  ...mbusChannel(2),
  ...mbusChannel(3),
  ...mbusChannel(4),
]);
