/**
 * What the energy module knows about the current clock hour and the month's capacity-tariff peaks, read by the
 * alarms (the capacity-tariff guard). Updated by the energy source before the alarm source sees the same telegram.
 * Watts; NaN while unknown (no hour under way, fewer peaks than the rule counts).
 */
export interface TariffView {
  /** Average active import power of the clock hour under way so far (weighted as the tariff rule weighs this hour). */
  readonly hourAverageW: number;
  /** That average projected to the end of the hour. */
  readonly hourProjectionW: number;
  /** The smallest of the month's counted peaks once the rule's N are there: an hour above it raises the charge. */
  readonly guardPeakW: number;
}
