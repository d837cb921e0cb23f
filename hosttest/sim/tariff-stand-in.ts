import type { ChannelEvents, ChannelSource } from "../../modules/app/channel-queue";
import type { TariffView } from "../../modules/energy/tariff-view";
import type { Reading } from "../../modules/p1/reading";

/**
 * A stand-in for the energy module's TariffView in tests: the clock hour's import (register 1-0:1.8.0, meter time)
 * so far, projected to the hour's end with the present import power, against a fixed "month's Nth peak".
 * Placed before the alarm source in the bridge's channel list, as the energy source will be.
 */
export class TariffStandIn implements TariffView, ChannelSource {
  hourAverageW = Number.NaN;
  hourProjectionW = Number.NaN;
  private hourStart = -1;
  private hourStartKwh = 0;

  constructor(
    private readonly energySlot: number,
    private readonly powerSlot: number,
    readonly guardPeakW: number,
  ) {}

  onTelegram(reading: Reading, _nowMs: number, _events: ChannelEvents): void {
    const seconds = reading.time.epochSeconds;
    const hour = seconds - (seconds % 3600);
    const kwh = reading.canonicalValueOf(this.energySlot);
    if (hour !== this.hourStart) {
      this.hourStart = hour;
      this.hourStartKwh = kwh;
    }
    const into = seconds - hour;
    const wattHours = (kwh - this.hourStartKwh) * 1000;
    this.hourAverageW = into > 0 ? (wattHours * 3600) / into : Number.NaN;
    this.hourProjectionW = wattHours + (reading.canonicalValueOf(this.powerSlot) * (3600 - into)) / 3600;
  }

  onTick(): void {}
}
