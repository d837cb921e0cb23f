/**
 * The setup and status page: one self-contained HTML document (no CDN, no external files), served
 * from flash. The form is built at run time from the schema the device sends (/api/config), so a new
 * setting appears on the page without touching this file. ASCII only (the device's HTTP server sends
 * strings as bytes) and no backslashes (this is a template literal).
 */

import { DASHBOARD_HTML, DASHBOARD_SCRIPT, DASHBOARD_STYLE } from "./dashboard";

const STYLE = `
*{box-sizing:border-box}
[hidden]{display:none!important}
body{margin:0;font:16px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#eef1f4;color:#1c2430}
header{background:#17324d;color:#fff;padding:.8rem 1rem;display:flex;align-items:baseline;justify-content:space-between;gap:.5rem;flex-wrap:wrap}
h1{font-size:1.2rem;margin:0}
h2{font-size:1.05rem;margin:0 0 .6rem}
h3{font-size:.95rem;margin:1rem 0 .4rem;color:#17324d;border-bottom:1px solid #d5dbe2;padding-bottom:.2rem}
#mode{font-size:.85rem;opacity:.9}
main{max-width:40rem;margin:0 auto;padding:.6rem}
.card{background:#fff;border-radius:.5rem;padding:.9rem;margin:.6rem 0;box-shadow:0 1px 2px rgba(0,0,0,.08)}
.field{margin:.55rem 0}
.field label{display:block;font-size:.9rem;margin-bottom:.15rem}
.field.check{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem}
.field.check label{display:inline;margin:0}
.field.check .err{flex-basis:100%}
input[type=text],input[type=password],select,textarea{width:100%;font:inherit;padding:.45rem .5rem;border:1px solid #b8c2cc;border-radius:.35rem;background:#fff}
textarea{font:12px/1.3 ui-monospace,monospace}
input[type=checkbox]{width:1.3rem;height:1.3rem;margin:0}
.bad input,.bad select,.bad textarea{border-color:#c62828;background:#fff5f5}
.err{color:#c62828;font-size:.85rem;min-height:0}
.err:empty{display:none}
.ok{color:#1b6e20}
button,.button{display:inline-block;font:inherit;padding:.55rem .9rem;border:0;border-radius:.35rem;background:#1f5f99;color:#fff;text-decoration:none;cursor:pointer;margin:.25rem .4rem .25rem 0}
button.secondary{background:#5b6b7a}
button.small{padding:.3rem .6rem;font-size:.85rem}
#networks button{background:#e3ebf3;color:#17324d}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem .8rem;margin:0;font-size:.92rem}
dt{color:#56626e}
dd{margin:0;word-break:break-word}
table{width:100%;border-collapse:collapse;font-size:.9rem;margin-top:.6rem}
td{padding:.2rem .3rem;border-top:1px solid #e4e8ec}
td.n{text-align:right;font-variant-numeric:tabular-nums}
summary{cursor:pointer;margin-top:.6rem}
.hint{font-size:.8rem;color:#56626e}
#map input[type=text]{width:2.9em;padding:.3rem .2rem}
#map td{vertical-align:top}
#map th{text-align:left;font-size:.8rem}
tr.seen td{background:#e8f4e8}
`;

const SCRIPT = `
(function () {
  "use strict";
  var GROUPS = { wifi: "Wi-Fi", mqtt: "MQTT broker", vscp: "VSCP events", meter: "Meter port", device: "Device", mapping: "VSCP mapping", tariff: "Capacity tariff", alarms: "Alarms" };
  var fields = [], secretsSet = {}, pins = null, editable = false, lastApply = "", map = null;
  function $(id) { return document.getElementById(id); }
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function api(method, path, body) {
    var options = { method: method, headers: {}, credentials: "same-origin" };
    if (method === "POST") options.headers["x-p1vscp"] = "1";
    if (body !== undefined) { options.headers["Content-Type"] = "application/json"; options.body = JSON.stringify(body); }
    return fetch(path, options).then(function (r) {
      return r.json().then(function (j) { return { status: r.status, body: j }; }, function () { return { status: r.status, body: {} }; });
    });
  }
  function say(id, text, good) { var e = $(id); e.textContent = text || ""; e.className = good ? "ok" : (text ? "err" : ""); }

  function pinChoices(key) {
    var board = key === "rxPin" ? pins.boardRx : pins.boardRts;
    var list = [-1].concat(key === "rxPin" ? pins.rx : pins.rts);
    return { list: list, board: board };
  }
  function optionText(f, v, board) {
    if ((f.key === "rxPin" || f.key === "rtsPin") && v === -1) return board >= 0 ? "As the board is wired (GPIO " + board + ")" : "As the board is wired";
    if (f.key === "rxPin" || f.key === "rtsPin") return "GPIO " + v;
    return String(v) + (f.unit ? " " + f.unit : "");
  }
  function row(f, value) {
    var id = "f-" + f.key, wrap = el("div", { "class": "field", id: "row-" + f.key }), input, choices = f.values, board = -1;
    var label = el("label", { "for": id }, f.label + (f.unit ? " (" + f.unit + ")" : ""));
    if (f.type === "bool") {
      input = el("input", { type: "checkbox", id: id, name: f.key });
      input.checked = value === true;
      wrap.className += " check";
      wrap.appendChild(input);
      wrap.appendChild(label);
    } else {
      wrap.appendChild(label);
      if ((f.key === "rxPin" || f.key === "rtsPin") && pins) { var p = pinChoices(f.key); choices = p.list; board = p.board; }
      if (choices) {
        input = el("select", { id: id, name: f.key });
        choices.forEach(function (c) {
          var o = el("option", { value: String(c) }, optionText(f, c, board));
          if (String(c) === String(value)) o.selected = true;
          input.appendChild(o);
        });
      } else if (f.format === "pem") {
        input = el("textarea", { id: id, name: f.key, rows: "4", spellcheck: "false" });
        input.value = value || "";
      } else if (f.secret) {
        input = el("input", { type: "password", id: id, name: f.key, autocomplete: "new-password", maxlength: String(f.maxLength) });
        input.placeholder = secretsSet[f.key] ? "set - leave empty to keep it" : "not set";
      } else {
        input = el("input", { type: "text", id: id, name: f.key, autocapitalize: "off", autocomplete: "off", spellcheck: "false" });
        if (f.type === "int") input.setAttribute("inputmode", "numeric");
        else input.setAttribute("maxlength", String(f.maxLength));
        input.value = value === undefined || value === null ? "" : String(value);
      }
      wrap.appendChild(input);
      if (f.key === "ssid") {
        input.setAttribute("list", "ssids");
        wrap.appendChild(el("datalist", { id: "ssids" }));
        var scan = el("button", { type: "button", "class": "small secondary", id: "scan" }, "Scan for networks");
        scan.onclick = scanNetworks;
        wrap.appendChild(scan);
        wrap.appendChild(el("div", { id: "networks" }));
      }
      if (f.format === "pem") {
        var file = el("input", { type: "file", id: "pem-file", accept: ".pem,.crt,.cer,text/plain" });
        file.onchange = function () { readFile(file, function (text) { input.value = text; }); };
        wrap.appendChild(el("div", { "class": "hint" }, "or load a file:"));
        wrap.appendChild(file);
      }
    }
    input.setAttribute("aria-describedby", "err-" + f.key);
    wrap.appendChild(el("div", { "class": "err", id: "err-" + f.key, "aria-live": "polite" }));
    return wrap;
  }
  function readFile(input, done) {
    var f = input.files && input.files[0];
    if (!f) return;
    var reader = new FileReader();
    reader.onload = function () { done(String(reader.result)); input.value = ""; };
    reader.readAsText(f);
  }

  function buildForm(cfg) {
    fields = cfg.fields; secretsSet = cfg.secretsSet; pins = cfg.pins; editable = cfg.editable;
    var box = $("fields"); box.textContent = "";
    // One section per group, in the order groups first appear: a field listed later in the schema joins its group.
    var sections = Object.create(null);
    fields.forEach(function (f) {
      var section = sections[f.group];
      if (!section) {
        section = sections[f.group] = el("div", { id: "group-" + f.group });
        section.appendChild(el("h3", null, GROUPS[f.group] || f.group));
        box.appendChild(section);
      }
      if (f.group !== "mapping") section.appendChild(row(f, cfg.values[f.key]));
      else if (f.key === "mapping") section.appendChild(mapTable(cfg.mapping));
    });
    $("form").hidden = !editable;
    $("mode").textContent = editable ? "Setup mode" : "Home network";
    // In setup mode the settings come first; the status is there to check the meter wiring.
    if (editable) $("status-card").parentNode.insertBefore($("form"), $("status-card"));
    $("import-label").hidden = !editable;
    $("enter-setup").hidden = editable;
    $("update-link").hidden = editable;
  }
  // The mapping: one row per value, its cells compared with the defaults; only what differs is sent.
  function mapTable(m) {
    map = m;
    var wrap = el("div"), d = el("details"), t = el("table", { id: "map" }), tr = el("tr"), heads = ["Code", "On", "Index", "Zone", "Sub"];
    // "row-mapping" is where a fault marks the field: the summary, so the table's inputs keep their colours.
    d.appendChild(el("summary", { id: "row-mapping" }, m.rows.length + " values (green: in the last telegram)"));
    heads.forEach(function (c) { tr.appendChild(el("th", null, c)); });
    t.appendChild(tr);
    m.rows.forEach(function (r, i) {
      tr = el("tr", r[10] ? { "class": "seen" } : null);
      var td = el("td", null, r[0]), k, n;
      td.appendChild(el("div", { "class": "hint" }, r[1]));
      tr.appendChild(td);
      for (k = 2; k < 6; k++) {
        n = el("input", k > 2 ? { type: "text", inputmode: "numeric" } : { type: "checkbox" });
        n.id = "m" + i + "-" + k;
        n.setAttribute("aria-label", r[0] + " " + heads[k - 1]);
        if (k > 2) n.value = r[k]; else n.checked = r[2] === 1;
        td = el("td"); td.appendChild(n); tr.appendChild(td);
      }
      t.appendChild(tr);
    });
    d.appendChild(t);
    wrap.appendChild(d);
    wrap.appendChild(el("div", { "class": "err", id: "err-mapping" }, m.problem));
    return wrap;
  }
  function mapValues(v) {
    var parts = [""], j = 0;
    map.rows.forEach(function (r, i) {
      var cells = [], any = 0, k, x;
      for (k = 5; k > 1; k--) {
        x = $("m" + i + "-" + k);
        x = String(k > 2 ? x.value.trim() : x.checked ? 1 : 0);
        if (x === String(r[k + 4])) x = "";
        if (x || any) { cells.unshift(x); any = 1; }
      }
      if (!any) return;
      x = r[0] + "=" + cells.join(",");
      if (parts[j] && parts[j].length + x.length >= map.partChars) parts[++j] = "";
      parts[j] += (parts[j] ? ";" : "") + x;
    });
    v.mapping = parts[0]; v.mapping2 = parts[1] || ""; v.mapping3 = parts.slice(2).join(";");
  }
  function collect() {
    var v = {};
    fields.forEach(function (f) {
      var i = $("f-" + f.key);
      if (!i) return;
      if (f.type === "bool") v[f.key] = i.checked;
      else if (f.secret) { if (i.value !== "") v[f.key] = i.value; }
      else v[f.key] = i.value;
    });
    if (map) mapValues(v);
    return v;
  }
  function clearErrors() {
    say("form-msg", "");
    fields.forEach(function (f) { var e = $("err-" + f.key); if (e) e.textContent = ""; var r = $("row-" + f.key); if (r) r.classList.remove("bad"); });
  }
  function clearSecrets() {
    fields.forEach(function (f) { if (f.secret) { var i = $("f-" + f.key); if (i) i.value = ""; } });
  }
  function showErrors(errors, where) {
    var first = null, other = [];
    for (var k in errors) {
      var e = $("err-" + k);
      if (k !== "_" && e) {
        e.textContent = errors[k];
        $("row-" + k).classList.add("bad");
        if (!first) first = $("f-" + k);
      } else other.push(errors[k]);
    }
    var count = Object.keys(errors).length - other.length;
    var text = other.join(" ");
    if (count) text = (text ? text + " " : "") + count + (count > 1 ? " fields need" : " field needs") + " attention (marked in red).";
    say(where || "form-msg", text);
    if (first) first.focus();
  }

  function showApply(s) {
    var text = s.message || "";
    if (s.notes && s.notes.length) text += (text ? " " : "") + s.notes.join(" ");
    say("apply", text, s.state === "saved" || s.state === "testing");
    if (s.state === "failed" && s.field) {
      var e = $("err-" + s.field);
      if (e) { e.textContent = s.message; $("row-" + s.field).classList.add("bad"); }
    }
  }
  function poll() {
    api("GET", "/api/apply").then(function (r) {
      // Idle again: the device restarted since the last answer (it forgets an apply when it restarts).
      if (r.body.state === "idle") { say("apply", lastApply === "saved" ? $("apply").textContent : "The device restarted with the new settings.", true); reload(); return; }
      lastApply = r.body.state;
      showApply(r.body);
      if (r.body.state === "testing") setTimeout(poll, 700);
      else if (r.body.state === "saved" && r.body.restarting) setTimeout(reload, 4000);
    }, restarting);
  }
  function restarting() { say("apply", "The device is restarting. Reconnect to it, then reload this page.", true); }
  function afterSubmit(r, where) {
    if (r.status === 202) { clearSecrets(); lastApply = r.body.apply.state; showApply(r.body.apply); poll(); return; }
    if (r.body && r.body.errors) { showErrors(r.body.errors, where); if (where !== "form-msg") say("apply", ""); else say("apply", "Not saved."); return; }
    say(where, (r.body && r.body.error) || "Not saved (HTTP " + r.status + ").");
  }
  function save(ev) {
    ev.preventDefault();
    clearErrors();
    say("apply", "Checking...", true);
    api("POST", "/api/config", { values: collect(), untested: $("untested").checked }).then(function (r) { afterSubmit(r, "form-msg"); }, restarting);
  }
  function importFile() {
    clearErrors();
    say("import-msg", "");
    readFile($("import"), function (text) {
      var data;
      try { data = JSON.parse(text); } catch (e) { say("import-msg", "The file is not JSON."); return; }
      api("POST", "/api/import", data).then(function (r) {
        if (r.status === 202) {
          var kept = r.body.ignored && r.body.ignored.length ? " Passwords in the file were ignored (" + r.body.ignored.join(", ") + "): the device keeps its own." : "";
          say("import-msg", "Imported: the values are being applied." + kept, true);
        }
        afterSubmit(r, "import-msg");
      }, restarting);
    });
  }

  function scanNetworks() {
    api("GET", "/api/scan").then(function (r) {
      var list = $("networks"), data = $("ssids");
      if (!list) return;
      list.textContent = ""; data.textContent = "";
      (r.body.networks || []).forEach(function (n) {
        data.appendChild(el("option", { value: n.ssid }));
        var b = el("button", { type: "button", "class": "small" }, n.ssid + "  " + n.rssi + " dBm" + (n.secure ? "" : ", open"));
        b.onclick = function () { $("f-ssid").value = n.ssid; $("f-password").focus(); };
        list.appendChild(b);
      });
      if (r.body.scanning) setTimeout(scanNetworks, 2000);
      else if (!(r.body.networks || []).length) list.textContent = "No networks found.";
    });
  }

  function pair(dl, name, value) { dl.appendChild(el("dt", null, name)); dl.appendChild(el("dd", null, value)); }
  function age(s) { return s < 120 ? Math.round(s) + " s ago" : s < 7200 ? Math.round(s / 60) + " min ago" : Math.round(s / 3600) + " h ago"; }
  function showStatus(s) {
    var dl = $("status"); dl.textContent = "";
    pair(dl, "Firmware", s.firmware + (s.board ? " on " + s.board : ""));
    pair(dl, "Up", age(s.uptimeS).replace(" ago", ""));
    pair(dl, "Meter", s.meter.header || "no telegram yet");
    pair(dl, "Last telegram", s.meter.lastTelegram ? s.meter.lastTelegram + " (" + age(s.meter.lastTelegramAgeS) + ")" : "-");
    pair(dl, "Wi-Fi", s.wifi.ssid ? s.wifi.ssid + (s.wifi.rssi === null ? "" : ", " + s.wifi.rssi + " dBm") + (s.wifi.address ? ", " + s.wifi.address : "") : "not connected");
    pair(dl, "MQTT", s.mqtt.state + (s.mqtt.broker ? " (" + s.mqtt.broker + ")" : "") + (s.mqtt.lastError ? ": " + s.mqtt.lastError : ""));
    var h = $("health"); h.textContent = "";
    Object.keys(s.health).forEach(function (k) { pair(h, k, String(s.health[k])); });
  }
  function refreshStatus() {
    api("GET", "/api/live/" + P1Live.since()).then(function (r) { if (r.status === 200) { showStatus(r.body); P1Live.show(r.body); } }, function () {});
  }
  function action(path) {
    say("action-msg", "");
    api("POST", path).then(function (r) { say("action-msg", r.body.message || r.body.error || "", r.status === 200); }, restarting);
  }
  function reload() {
    return api("GET", "/api/config").then(function (r) {
      if (r.status !== 200) { say("form-msg", r.body.error || "The settings cannot be read."); return; }
      buildForm(r.body);
      $("ready").textContent = "ready";
    }, restarting);
  }

  $("form").onsubmit = save;
  $("import").onchange = importFile;
  $("restart").onclick = function () { action("/api/restart"); };
  $("enter-setup").onclick = function () { action("/api/enter-setup"); };
  reload().then(function () { if (editable) scanNetworks(); });
  refreshStatus();
  setInterval(refreshStatus, 2000);
})();
`;

/** The scripts without their indentation (the page is a string in flash; the line breaks stay, so the code reads the same). */
function unindented(script: string): string {
  return script.replace(/\n[ ]+/g, "\n");
}

export const SETUP_PAGE =
  '<!doctype html><html lang="en"><head><meta charset="utf-8">' +
  '<meta name="viewport" content="width=device-width,initial-scale=1">' +
  "<title>P1 VSCP bridge</title><style>" +
  STYLE +
  DASHBOARD_STYLE +
  "</style></head><body>" +
  '<header><h1>P1 &rarr; VSCP bridge</h1><span id="mode"></span></header><main>' +
  '<section class="card" id="status-card"><h2>Status</h2><dl id="status"></dl>' +
  DASHBOARD_HTML +
  '<details><summary>Health counters</summary><dl id="health"></dl></details>' +
  '<div><button type="button" id="restart" class="secondary">Restart</button>' +
  '<button type="button" id="enter-setup" class="secondary" hidden>Re-enter setup</button> <a href="/update" id="update-link" hidden>Firmware update</a></div><p id="action-msg"></p></section>' +
  '<form id="form" class="card" novalidate hidden><h2>Settings</h2><div id="fields"></div>' +
  '<div class="field check"><input type="checkbox" id="untested"><label for="untested">Save without testing the Wi-Fi and the broker</label></div>' +
  '<p id="form-msg"></p><button type="submit" id="save">Test and save</button><p id="apply" role="status"></p></form>' +
  '<section class="card"><h2>Configuration file</h2><p class="hint">Passwords are never exported; set them again after an import.</p>' +
  '<a id="export" class="button" href="/api/export" download="p1vscp-config.json">Export</a>' +
  '<label class="button" id="import-label" hidden>Import<input type="file" id="import" accept=".json,application/json" hidden></label>' +
  '<p id="import-msg"></p></section><span id="ready" hidden></span></main><script>' +
  unindented(DASHBOARD_SCRIPT + SCRIPT) +
  "</script></body></html>";
