import { frozen } from "../p1/frozen";
import { ChannelKind, type ChannelDefinition } from "../vscp/channels";

/** CLASS1.ALARM types used here (VSCP specification, class1.alarm.md); both carry data byte 0 = 0 off, 1 on. */
export const AlarmType = {
  /** Type 1, VSCP_TYPE_ALARM_WARNING: "Indicates a warning condition." */
  Warning: 1,
  /** Type 2, VSCP_TYPE_ALARM_ALARM ("Alarm occurred"): "Indicates an alarm condition." */
  Alarm: 2,
} as const;

function alarm(key: string, label: string, vscpType: number, sensorIndex: number): ChannelDefinition {
  return { key, label, kind: ChannelKind.Alarm, vscpType, unit: 0, sensorIndex, enabledByDefault: true };
}

/**
 * Conditions the firmware watches, published as CLASS1.ALARM events. Default sensor indexes 128–159. The order is
 * the bit order of the `alarms` health figure (bit n = ALARM_CHANNELS[n] active) and of Condition below.
 */
export const ALARM_CHANNELS: readonly ChannelDefinition[] = frozen([
  alarm("fuseWarnL1", "Current near the main fuse L1", AlarmType.Warning, 128),
  alarm("fuseWarnL2", "Current near the main fuse L2", AlarmType.Warning, 129),
  alarm("fuseWarnL3", "Current near the main fuse L3", AlarmType.Warning, 130),
  alarm("fuseAlarmL1", "Current at the main fuse L1", AlarmType.Alarm, 131),
  alarm("fuseAlarmL2", "Current at the main fuse L2", AlarmType.Alarm, 132),
  alarm("fuseAlarmL3", "Current at the main fuse L3", AlarmType.Alarm, 133),
  alarm("voltBandL1", "Voltage outside its band L1", AlarmType.Alarm, 134),
  alarm("voltBandL2", "Voltage outside its band L2", AlarmType.Alarm, 135),
  alarm("voltBandL3", "Voltage outside its band L3", AlarmType.Alarm, 136),
  alarm("importLimit", "Net import above its limit", AlarmType.Warning, 137),
  alarm("tariffGuard", "Hour heading above the tariff peak", AlarmType.Warning, 138),
  alarm("exportLimit", "Export above its limit", AlarmType.Warning, 139),
  alarm("meterSilent", "Meter silent", AlarmType.Alarm, 140),
]);

/** Index of each condition in ALARM_CHANNELS (and its bit in the `alarms` mask). */
export const Condition = {
  FuseWarnL1: 0,
  FuseAlarmL1: 3,
  VoltBandL1: 6,
  ImportLimit: 9,
  TariffGuard: 10,
  ExportLimit: 11,
  MeterSilent: 12,
  Count: 13,
} as const;

/** Labels of the active conditions of an `alarms` mask, in table order (for the status page). */
export function activeAlarmLabels(mask: number): string[] {
  const labels: string[] = [];
  for (let c = 0; c < ALARM_CHANNELS.length; c++) if (Math.floor(mask / 2 ** c) % 2 === 1) labels.push(ALARM_CHANNELS[c].label);
  return labels;
}
