import { frozen } from "../p1/frozen";
import { ChannelKind, type ChannelDefinition } from "../vscp/channels";
import { MeasurementType } from "../vscp/mapping";

function power(key: string, label: string, sensorIndex: number): ChannelDefinition {
  return { key, label, kind: ChannelKind.Measurement, vscpType: MeasurementType.Power, unit: 0, sensorIndex, enabledByDefault: true };
}

/** Values derived from the meter's own lines. Default sensor indexes 100–127 (the catalog's codes use 0–69). */
export const DERIVED_CHANNELS: readonly ChannelDefinition[] = frozen([
  power("netL1", "Net active power L1", 100),
  power("netL2", "Net active power L2", 101),
  power("netL3", "Net active power L3", 102),
  power("net", "Net active power", 103),
  power("hourly", "Hourly average import power", 104),
  power("hourAvg", "Average import power this hour", 105),
  power("hourProj", "Projected average import power this hour", 106),
  power("peakAvg", "Capacity tariff billed average", 107),
]);
