import { statusView, type DeviceStatus } from "./status-view";

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
  if (!chart) return { ...statusView(status), chart: null };
  // On the wire each point is [age in s, watts], the oldest first, and `last` is the newest point's sequence
  // number: ages stay short whatever the uptime, so a full hour is about 4 KB.
  const points = chart.source.since(since);
  const nowS = chart.nowS;
  const wire: number[][] = [];
  for (const p of points) wire.push([Math.max(0, Math.round(nowS - p[1])), p[2]]);
  return {
    ...statusView(status),
    chart: {
      stepS: chart.source.stepS,
      capacity: chart.source.capacity,
      last: points.length ? points[points.length - 1][0] : -1,
      points: wire,
    },
  };
}
