import type { ObisCatalog } from "../p1/obis-catalog";
import type { Reading } from "../p1/reading";
import { NO_UNIT, UNITS } from "../p1/units";

/** Import and export lines of each net value: L1, L2, L3, total (the channels netL1..netL3, net in this order). */
const PAIRS = [
  ["1-0:21.7.0", "1-0:22.7.0"],
  ["1-0:41.7.0", "1-0:42.7.0"],
  ["1-0:61.7.0", "1-0:62.7.0"],
  ["1-0:1.7.0", "1-0:2.7.0"],
] as const;

export const NET_VALUES = PAIRS.length;

/**
 * Signed net active power (import − export) in W from the meter's exact digits: both lines are brought to the
 * smaller exponent of ten as integers (kW → W is an exponent shift), so 1.234 kW − 0.010 kW is exactly 1224 W.
 */
export class NetPower {
  /** Result of the last `compute`: W = mantissa × 10^exponent. */
  mantissa = 0;
  exponent = 0;
  private readonly importSlot = new Int16Array(NET_VALUES);
  private readonly exportSlot = new Int16Array(NET_VALUES);

  constructor(catalog: ObisCatalog) {
    for (let i = 0; i < NET_VALUES; i++) {
      this.importSlot[i] = catalog.indexOfCode(PAIRS[i][0]);
      this.exportSlot[i] = catalog.indexOfCode(PAIRS[i][1]);
    }
  }

  /** Net value i of this telegram; false when the meter did not send both of its lines (nothing is guessed). */
  compute(reading: Reading, i: number): boolean {
    const a = this.importSlot[i];
    const b = this.exportSlot[i];
    if (a < 0 || b < 0 || reading.present[a] === 0 || reading.present[b] === 0) return false;
    const ea = reading.exponent[a] + shiftOf(reading.unit[a]);
    const eb = reading.exponent[b] + shiftOf(reading.unit[b]);
    const e = ea < eb ? ea : eb;
    const mantissa = reading.mantissa[a] * 10 ** (ea - e) - reading.mantissa[b] * 10 ** (eb - e);
    if (!Number.isSafeInteger(mantissa)) return false;
    this.mantissa = mantissa;
    this.exponent = e;
    return true;
  }
}

/** Decimal places from a unit as sent to its quantity's canonical unit (kW → W: 3). */
export function shiftOf(unit: number): number {
  return unit === NO_UNIT ? 0 : UNITS[unit].shift;
}
