import type { Settings } from "../config/schema";
import { HOUR_S } from "./hour-meter";

const DAY_S = 86400;

/**
 * Which hours a capacity tariff counts and how much: the common Swedish models are all hours; weekday hours in
 * a window (e.g. 07–19); night hours at a weight (e.g. Ellevio: 50 % from 22 to 06). Hours in local meter time.
 */
export interface TariffRule {
  /** Hourly averages the charge averages (the month's top N). */
  readonly peaks: number;
  /** At most one of them per day. */
  readonly perDay: boolean;
  /** Only Monday to Friday counts (public holidays are not known here and count as weekdays). */
  readonly weekdaysOnly: boolean;
  /** Counted window [from, to) in local hours; from = to counts the whole day; it may wrap past midnight. */
  readonly fromHour: number;
  readonly toHour: number;
  /** Weight of night hours in per cent (100: none), and the night window [from, to). */
  readonly nightWeight: number;
  readonly nightFrom: number;
  readonly nightTo: number;
}

export const ALL_HOURS: TariffRule = Object.freeze({
  peaks: 3,
  perDay: true,
  weekdaysOnly: false,
  fromHour: 0,
  toHour: 24,
  nightWeight: 100,
  nightFrom: 22,
  nightTo: 6,
});

/** The rule the settings describe (group "tariff"). */
export function tariffRuleFrom(settings: Settings): TariffRule {
  return Object.freeze({
    peaks: settings.tariffPeaks,
    perDay: settings.tariffPerDay,
    weekdaysOnly: settings.tariffDays === "weekdays",
    fromHour: settings.tariffFrom,
    toHour: settings.tariffTo,
    nightWeight: settings.nightWeight,
    nightFrom: settings.nightFrom,
    nightTo: settings.nightTo,
  });
}

/** Local day number (days since 1970-01-01 in meter local time) of an instant. */
export function localDay(epochSeconds: number, offsetMinutes: number): number {
  return Math.floor((epochSeconds + offsetMinutes * 60) / DAY_S);
}

/** Local hour of the day, 0–23. */
export function localHour(epochSeconds: number, offsetMinutes: number): number {
  const local = epochSeconds + offsetMinutes * 60;
  return Math.floor((local - Math.floor(local / DAY_S) * DAY_S) / HOUR_S);
}

/** Day of the week of a local day number: 0 Sunday … 6 Saturday (1970-01-01 was a Thursday). */
export function weekday(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

function inWindow(hour: number, from: number, to: number): boolean {
  if (from === to % 24) return true;
  return from < to ? hour >= from && hour < to : hour >= from || hour < to;
}

/** The weight (per cent, 0 = not counted) the rule gives the hour starting at `hourStart` (UTC s). */
export function weightOf(rule: TariffRule, hourStart: number, offsetMinutes: number): number {
  const day = weekday(localDay(hourStart, offsetMinutes));
  if (rule.weekdaysOnly && (day === 0 || day === 6)) return 0;
  const hour = localHour(hourStart, offsetMinutes);
  if (!inWindow(hour, rule.fromHour, rule.toHour)) return 0;
  if (rule.nightWeight !== 100 && inWindow(hour, rule.nightFrom, rule.nightTo)) return rule.nightWeight;
  return 100;
}
