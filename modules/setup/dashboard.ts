/**
 * The status page's live dashboard: the last telegram's values per phase, direction, meter time and age, a
 * chart of net active power over the last hour (points from the device's fixed ring), links and health.
 * One poll of `/api/live/<since>` feeds it (page.ts calls `P1Live.show`); the chart is an inline SVG.
 * ASCII only and no backslashes, like page.ts (these are template literals served as bytes).
 */

export const DASHBOARD_STYLE = `
.flow{font-size:1.5rem;font-weight:600;margin:.2rem 0}
.flow.import{color:#b3261e}.flow.export{color:#1b6e20}
.phases{width:100%;table-layout:fixed;font-size:.85rem}
.phases th{font-weight:600;text-align:right;padding:.15rem .2rem;color:#56626e}
.phases th:first-child,.phases td:first-child{text-align:left;width:32%}
.phases td{text-align:right;font-variant-numeric:tabular-nums;padding:.15rem .2rem;overflow-wrap:anywhere}
#chart{display:block;width:100%;height:7rem;background:#f6f8fa;border-radius:.35rem;margin-top:.6rem}
#chart .zero{stroke:#9aa5b1;stroke-width:.5}
#chart .line{fill:none;stroke:#1f5f99;stroke-width:1.2;vector-effect:non-scaling-stroke}
`;

export const DASHBOARD_HTML =
  '<div id="live"><div id="flow" class="flow">No telegram yet</div><p class="hint" id="live-time"></p>' +
  '<table class="phases" id="phases"><thead><tr><th></th><th>L1</th><th>L2</th><th>L3</th><th>Total</th></tr></thead>' +
  "<tbody></tbody></table>" +
  '<svg id="chart" viewBox="0 0 360 100" preserveAspectRatio="none" role="img" aria-label="Net active power, last hour" data-points="0">' +
  '<line class="zero" x1="0" x2="360" y1="50" y2="50"></line><polyline class="line" points=""></polyline></svg>' +
  '<p class="hint" id="chart-scale">Net power, last hour</p>' +
  '<dl id="totals"></dl><dl id="links"></dl><table id="values"></table></div>';

export const DASHBOARD_SCRIPT = `
var P1Live = (function () {
  "use strict";
  var ROWS = [
    ["Import", "kW", ["1-0:21.7.0", "1-0:41.7.0", "1-0:61.7.0", "1-0:1.7.0"]],
    ["Export", "kW", ["1-0:22.7.0", "1-0:42.7.0", "1-0:62.7.0", "1-0:2.7.0"]],
    ["Voltage", "V", ["1-0:32.7.0", "1-0:52.7.0", "1-0:72.7.0", "1-0:12.7.0"]],
    ["Current", "A", ["1-0:31.7.0", "1-0:51.7.0", "1-0:71.7.0", "1-0:90.7.0"]],
    ["Reactive imp.", "kvar", ["1-0:23.7.0", "1-0:43.7.0", "1-0:63.7.0", "1-0:3.7.0"]],
    ["Reactive exp.", "kvar", ["1-0:24.7.0", "1-0:44.7.0", "1-0:64.7.0", "1-0:4.7.0"]]
  ];
  var TOTALS = [["Energy import", "1-0:1.8.0"], ["Energy export", "1-0:2.8.0"], ["Reactive energy import", "1-0:3.8.0"], ["Reactive energy export", "1-0:4.8.0"]];
  var SCALE = { w: ["kW", 0.001], kw: ["kW", 1], "var": ["kvar", 0.001], kvar: ["kvar", 1], wh: ["kWh", 0.001], kwh: ["kWh", 1], varh: ["kvarh", 0.001], kvarh: ["kvarh", 1] };
  var points = [], seq = -1;
  function $(id) { return document.getElementById(id); }
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function pair(dl, name, value) { dl.appendChild(el("dt", null, name)); dl.appendChild(el("dd", null, value)); }
  // The device sends the meter's own units (kW), the simulator canonical ones (W): both become kW, kvar, kWh.
  function norm(v) {
    var s = SCALE[String(v.unit).toLowerCase()];
    return s ? { value: v.value * s[1], unit: s[0] } : { value: v.value, unit: v.unit };
  }
  function fmt(n, unit) {
    if (typeof n !== "number" || !isFinite(n)) return "-";
    return n.toFixed(unit === "V" || unit === "A" ? 1 : 3);
  }
  function show(s) {
    var byCode = {}, used = {};
    s.meter.values.forEach(function (v) { byCode[v.code] = norm(v); });
    var body = $("phases").tBodies[0]; body.textContent = "";
    ROWS.forEach(function (row) {
      var any = row[2].some(function (c) { return byCode[c]; });
      if (!any) return;
      var tr = el("tr"); tr.appendChild(el("td", null, row[0] + " " + row[1]));
      row[2].forEach(function (c) { used[c] = 1; tr.appendChild(el("td", null, byCode[c] ? fmt(byCode[c].value, row[1]) : "")); });
      body.appendChild(tr);
    });
    var imp = byCode["1-0:1.7.0"], exp = byCode["1-0:2.7.0"], flow = $("flow");
    if (!imp) { flow.textContent = s.meter.header ? "No power reading" : "No telegram yet"; flow.className = "flow"; }
    else {
      var net = imp.value - (exp ? exp.value : 0);
      flow.textContent = (net < 0 ? "Exporting " : "Importing ") + fmt(Math.abs(net), "kW") + " kW";
      flow.className = "flow " + (net < 0 ? "export" : "import");
    }
    var age = s.meter.lastTelegramAgeS;
    $("live-time").textContent = s.meter.lastTelegram ? "Meter time " + s.meter.lastTelegram + (age >= 0 ? ", received " + Math.round(age) + " s ago" : "") : "";
    var totals = $("totals"); totals.textContent = "";
    TOTALS.forEach(function (t) { var v = byCode[t[1]]; used[t[1]] = 1; if (v) pair(totals, t[0], fmt(v.value, v.unit) + " " + v.unit); });
    var table = $("values"); table.textContent = "";
    s.meter.values.forEach(function (v) {
      if (used[v.code]) return;
      var n = norm(v), tr = el("tr");
      tr.appendChild(el("td", null, v.code)); tr.appendChild(el("td", { "class": "n" }, fmt(n.value, n.unit))); tr.appendChild(el("td", null, n.unit));
      table.appendChild(tr);
    });
    var h = s.health || {}, links = $("links"); links.textContent = "";
    pair(links, "Wi-Fi", s.wifi.rssi === null ? "-" : s.wifi.rssi + " dBm");
    pair(links, "MQTT", s.mqtt.state);
    if (h.queueCapacity) pair(links, "Outbox", Math.round(100 * (h.queueBytes || 0) / h.queueCapacity) + " % full (" + (h.queueDepth || 0) + " events)");
    pair(links, "Telegrams", (h.telegramsOk || 0) + " ok, " + (h.crcErrors || 0) + " CRC errors");
    pair(links, "Alarms", s.alarms && s.alarms.length ? s.alarms.join(", ") : "none");
    pair(links, "Internal errors", String(h.internalErrors || 0) + (h.lastInternalError ? ": " + h.lastInternalError : ""));
    ["chart", "chart-scale"].forEach(function (id) { if (s.chart) $(id).removeAttribute("hidden"); else $(id).setAttribute("hidden", ""); });
    if (s.chart) chart(s.chart);
  }
  // Points are kept as [sequence, time in ms on this page's clock, watts]; the device sends [age s, watts].
  function chart(c) {
    var fresh = c.points, now = Date.now();
    if (fresh.length) {
      var first = c.last - fresh.length + 1;
      points = points.filter(function (p) { return p[0] < first; }).concat(fresh.map(function (p, i) { return [first + i, now - 1000 * p[0], p[1]]; }));
      seq = c.last;
    }
    points = points.filter(function (p) { return now - p[1] <= 3600000; });
    var svg = $("chart"), line = svg.querySelector(".line"), zero = svg.querySelector(".zero");
    svg.setAttribute("data-points", String(points.length));
    if (!points.length) { line.setAttribute("points", ""); return; }
    var lo = 0, hi = 0;
    points.forEach(function (p) { if (p[2] < lo) lo = p[2]; if (p[2] > hi) hi = p[2]; });
    if (hi - lo < 100) hi = lo + 100;
    function y(w) { return (96 - 92 * (w - lo) / (hi - lo)).toFixed(1); }
    line.setAttribute("points", points.map(function (p) { return (360 - (now - p[1]) / 10000).toFixed(1) + "," + y(p[2]); }).join(" "));
    zero.setAttribute("y1", y(0)); zero.setAttribute("y2", y(0));
    $("chart-scale").textContent = "Net power, last hour: " + fmt(hi / 1000, "kW") + " kW top, " + fmt(lo / 1000, "kW") + " kW bottom";
  }
  return { show: show, since: function () { return seq < 0 ? 0 : seq; } };
})();
`;
