import type { MeterValues } from "./swedish-telegram";
import { seeded as random } from "../support/seeded-random";

function bump(hour: number, centre: number, width: number): number {
  const d = (hour - centre) / width;
  return Math.exp(-d * d);
}

/** Something scripted into the day, from `from` until before `to` (local normal time, "HH:MM"). */
export type DayEvent =
  /** One phase draws this current (a fault or a heavy load on one phase): a fuse overload. */
  | { kind: "overload"; phase: 0 | 1 | 2; from: string; to: string; amps: number }
  /** One phase's voltage drops to this value: a voltage sag. */
  | { kind: "sag"; phase: 0 | 1 | 2; from: string; to: string; volts: number }
  /** This much more import, spread evenly over the phases (an electric car charging): a capacity-tariff peak. */
  | { kind: "peak"; from: string; to: string; kw: number };

/**
 * A day with one of each: a car charging 9 kW from 01:30 to 02:30 (its second half starts a new clock hour far
 * above a 7 kW peak), L3 sagging to 195 V from 12:00 to 12:05, L2 drawing 26 A from 17:40 to 17:50.
 */
export const ALARM_DAY: readonly DayEvent[] = [
  { kind: "peak", from: "01:30", to: "02:30", kw: 9 },
  { kind: "sag", phase: 2, from: "12:00", to: "12:05", volts: 195 },
  { kind: "overload", phase: 1, from: "17:40", to: "17:50", amps: 26 },
];

function minutes(clock: string): number {
  return Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3, 5));
}

/** Whole minutes, so that an event's edges fall exactly on a telegram. */
function during(event: DayEvent, minuteOfDay: number): boolean {
  return minuteOfDay >= minutes(event.from) && minuteOfDay < minutes(event.to);
}

/**
 * A Swedish house with a heat pump and solar panels through one winter-sun day: base load, morning and
 * evening peaks, a heat pump cycling on L1–L3, export around noon. Energy registers integrate the power.
 * `events` script overloads, sags and peaks on top; without them the day is the same as ever (same random draws).
 */
export function dayOfTelegrams(
  start: Date,
  stepSeconds: number,
  count: number,
  seed = 2025,
  events: readonly DayEvent[] = [],
): MeterValues[] {
  const next = random(seed);
  const values: MeterValues[] = [];
  let importKwh = 18234.512;
  let exportKwh = 1207.089;
  let reactiveImportKvarh = 84.377;
  let reactiveExportKvarh = 3911.64;
  for (let i = 0; i < count; i++) {
    const time = new Date(start.getTime() + i * stepSeconds * 1000);
    const hour = (((time.getTime() / 3600_000 + 1) % 24) + 24) % 24; // local normal time
    const secondOfDay = (((Math.floor(time.getTime() / 1000) + 3600) % 86400) + 86400) % 86400; // local normal time
    const minuteOfDay = Math.floor(secondOfDay / 60);
    const heatPump = Math.sin(hour * 1.7) > 0.2 ? 0.9 : 0.05;
    const household = 0.25 + 1.6 * bump(hour, 7.5, 1.2) + 2.2 * bump(hour, 18, 1.8);
    const solar = Math.max(0, 3.4 * bump(hour, 12.5, 2.4) - 0.2);
    const phases: [number, number, number] = [0, 0, 0];
    const exportKw: [number, number, number] = [0, 0, 0];
    const importKw: [number, number, number] = [0, 0, 0];
    const volts: [number, number, number] = [0, 0, 0];
    const amps: [number, number, number] = [0, 0, 0];
    const share = [0.45, 0.3, 0.25];
    for (let p = 0; p < 3; p++) {
      phases[p] = heatPump / 3 + household * share[p] * (0.85 + 0.3 * next()) - solar / 3;
      for (const e of events) if (e.kind === "peak" && during(e, minuteOfDay)) phases[p] += e.kw / 3;
      importKw[p] = round(Math.max(0, phases[p]), 3);
      exportKw[p] = round(Math.max(0, -phases[p]), 3);
      volts[p] = round(231 + 3 * Math.sin(hour / 3 + p) + 2 * next() + (solar > 0 ? 2.5 * (solar / 3.2) : 0), 1);
      for (const e of events) if (e.kind === "sag" && e.phase === p && during(e, minuteOfDay)) volts[p] = e.volts;
      amps[p] = round(((importKw[p] + exportKw[p]) * 1000) / volts[p], 1);
      for (const e of events) {
        if (e.kind !== "overload" || e.phase !== p || !during(e, minuteOfDay)) continue;
        amps[p] = e.amps;
        importKw[p] = round((e.amps * volts[p]) / 1000, 3);
        exportKw[p] = 0;
      }
    }
    const reactiveImportKvar: [number, number, number] = [0, 0, 0];
    const reactiveExportKvar: [number, number, number] = [round(0.05 + 0.04 * next(), 3), round(0.1 * heatPump + 0.02, 3), round(0.03, 3)];
    if (heatPump > 0.5) reactiveImportKvar[0] = round(0.12 * next(), 3);
    const hours = stepSeconds / 3600;
    if (i > 0) {
      importKwh += (importKw[0] + importKw[1] + importKw[2]) * hours;
      exportKwh += (exportKw[0] + exportKw[1] + exportKw[2]) * hours;
      reactiveImportKvarh += (reactiveImportKvar[0] + reactiveImportKvar[1] + reactiveImportKvar[2]) * hours;
      reactiveExportKvarh += (reactiveExportKvar[0] + reactiveExportKvar[1] + reactiveExportKvar[2]) * hours;
    }
    values.push({
      time,
      importKwh: round(importKwh, 3),
      exportKwh: round(exportKwh, 3),
      reactiveImportKvarh: round(reactiveImportKvarh, 3),
      reactiveExportKvarh: round(reactiveExportKvarh, 3),
      importKw,
      exportKw,
      reactiveImportKvar,
      reactiveExportKvar,
      volts,
      amps,
    });
  }
  return values;
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
