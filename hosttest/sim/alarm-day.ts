// The simulated alarm day (day-profile.ts's ALARM_DAY): its settings and the alarm events it must yield.
import { defaultSettings } from "../../modules/config/schema";

/** Local midnight (UTC+1) of a winter day; a telegram every 30 s. */
export const DAY_START = new Date("2025-01-14T23:00:00Z");
export const DAY_STEP_S = 30;
export const DAY_TELEGRAMS = 2880;
/** A 20 A main fuse, one minute's minimum duration, the EN 50160 band, the default tariff rule (top 3, one a day). */
export const DAY_SETTINGS = { ...defaultSettings(), fuseA: 20, alarmMinS: 60, zone: 3, subzone: 7 };
/** The month's counted (3rd) peak before the day: what the capacity-tariff guard holds the day's hours against. */
export const DAY_PEAK_W = 7000;

/** The month's peaks from earlier January days, highest first: the default rule counts 3, the last is DAY_PEAK_W. */
export const DAY_STORED_W = [9400, 8100, DAY_PEAK_W];
const DAY_STORED_HOURS = ["2025-01-06T16:00:00Z", "2025-01-09T06:00:00Z", "2025-01-13T17:00:00Z"];

/**
 * Those peaks as Preferences hold them (`1;month;incomplete;hour:offset:W:weighted,…`, hour = UTC start / 3600,
 * UTC+1, all hours weighted 100 %). None of the day's own hours comes near them (its highest is about 5.5 kW).
 */
export const DAY_STORED_PEAKS = `1;202501;0;${DAY_STORED_HOURS.map((iso, i) => {
  const w = DAY_STORED_W[i];
  return `${Date.parse(iso) / 3_600_000}:60:${w}:${w}`;
}).join(",")}`;

/** The alarm on L2 has a zone and subzone of its own (a per-value mapping entry). */
export const DAY_ENTRIES = [{ obis: "fuseAlarmL2", zone: 9, subzone: 2 }];

/** Each condition starts a minute (the minimum duration) after its value crossed, and ends a minute after it came back. */
export const DAY_EXPECTED = [
  { time: "2025-01-15T01:01:00Z", type: 1, key: "tariffGuard", data: [1, 3, 7] }, // the 02:00 hour opens with 9 kW
  { time: "2025-01-15T01:31:00Z", type: 1, key: "tariffGuard", data: [0, 3, 7] }, // charging stopped at 02:30
  { time: "2025-01-15T11:01:00Z", type: 2, key: "voltBandL3", data: [1, 3, 7] },
  { time: "2025-01-15T11:06:00Z", type: 2, key: "voltBandL3", data: [0, 3, 7] },
  { time: "2025-01-15T16:41:00Z", type: 1, key: "fuseWarnL2", data: [1, 3, 7] },
  { time: "2025-01-15T16:41:00Z", type: 2, key: "fuseAlarmL2", data: [1, 9, 2] },
  { time: "2025-01-15T16:51:00Z", type: 1, key: "fuseWarnL2", data: [0, 3, 7] },
  { time: "2025-01-15T16:51:00Z", type: 2, key: "fuseAlarmL2", data: [0, 9, 2] },
];
