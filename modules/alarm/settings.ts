import type { Settings } from "../config/schema";

/** The settings the alarms read (group "alarms" of the schema; whole numbers, 0 switches a condition off). */
export type AlarmSettings = Pick<
  Settings,
  "fuseA" | "fuseWarnPct" | "voltNominal" | "voltBandPct" | "importMaxW" | "exportMaxW" | "guardPct" | "alarmMinS" | "alarmHystPct"
>;
