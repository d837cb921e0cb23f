import { statusView, type DeviceStatus } from "./status";

/** `/api/live/<since>`: the sequence number of the newest chart point the page holds (it is sent again). */
export const LIVE_PATH = "/api/live";

/** The chart points a request asks for: the number after `/api/live/`, 0 (everything) when missing or bad. */
export function liveSince(path: string): number {
  const rest = path.slice(LIVE_PATH.length + 1);
  const n = Number(rest);
  return rest.length > 0 && rest.length <= 12 && Number.isInteger(n) && n >= 0 ? n : 0;
}

/**
 * The dashboard's one poll: the status (values of the last telegram, health, links) and the power chart's
 * points from `since` on, with the ring's "now" so the page can place them on the last hour.
 */
export function liveView(status: DeviceStatus, since: number): object {
  const chart = status.chart;
  return {
    ...statusView(status),
    chart: chart ? { nowS: Math.round(chart.nowS), stepS: chart.source.stepS, capacity: chart.source.capacity, points: chart.source.since(since) } : null,
  };
}
