/* OpenETS browser terminal: sends forms to /api/v1 as JSON with the session's CSRF token,
   refreshes the page's fragments after a command, and draws the charts (ECharts). */
(function () {
  "use strict";
  var S = JSON.parse((document.getElementById("i18n") || {}).textContent || "{}");
  var LANG = document.documentElement.dataset.lang || "zh";
  var LOCALE = LANG === "en" ? "en-US" : "zh-CN";
  var CSRF = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  var ID_FIELDS = ["listing_id", "trade_id", "request_id", "auction_id", "bid_id", "tx_id", "case_id", "run_id", "account_id", "username"];

  function t(key, fallback) { return S[key] || fallback || key; }
  var fmt2 = new Intl.NumberFormat(LOCALE, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  var fmt0 = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 0 });
  function css(name) { return getComputedStyle(document.documentElement).getPropertyValue(name).trim(); }

  function toast(text, isErr) {
    var box = document.getElementById("toast");
    if (!box) return;
    var el = document.createElement("div");
    el.className = "t" + (isErr ? " err" : "");
    el.textContent = text;
    box.appendChild(el);
    setTimeout(function () { el.remove(); }, isErr ? 8000 : 4000);
  }

  /* An error in the page's language (static/../errors.py has the same rules): the code's label,
     the message's figures worded from a known pattern (money in yuan); in Chinese, any other
     refusal by its message's shape (fetched once: /i18n/refusals/zh.json), else the rule (the
     label), the field and the value; in English the message with "N fen" in yuan. */
  var PATTERNS = JSON.parse((document.getElementById("err-patterns") || {}).textContent || "[]");
  if (LANG === "zh" && window.fetch) {
    fetch("/i18n/refusals/zh.json", { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(function (shapes) { PATTERNS = PATTERNS.concat(shapes || []); }, function () {});
  }
  function figure(name, v) {
    if (name.indexOf("f_") === 0) return fmt2.format(parseInt(v, 10) / 100);
    if (name.indexOf("y_") === 0) return fmt2.format(parseFloat(String(v).replace(/,/g, "")));
    if (name.indexOf("q_") === 0) {
      return (String(v).charAt(0) === "+" ? "+" : "") + fmt0.format(parseInt(String(v).replace(/,/g, ""), 10));
    }
    if (name.indexOf("s_") === 0) return S["errw." + v] || v;
    if (name.indexOf("w_") === 0) {
      var alts = String(v).split("/");   /* states allowed, "active/default_pending" */
      if (!S["errw." + v] && alts.length > 1 && alts.every(function (a) { return S["errw." + a]; })) {
        return alts.map(function (a) { return S["errw." + a]; }).join(LANG === "zh" ? "或" : " or ");
      }
      if (!S["errw." + v] && LANG === "zh" && /^'[^']*'(?:, '[^']*')* or '[^']*'$/.test(v)) {
        return v.replace(/ or /g, "、").replace(/, /g, "、");   /* pydantic's choices */
      }
      return S["errw." + v] || fieldName(v);
    }
    return v;
  }
  function fieldName(field) {
    var keys = [field, field.replace(/\[\d+\]/g, ""), field.split(".").pop()];
    for (var i = 0; i < keys.length; i++) { if (S["field." + keys[i]]) return S["field." + keys[i]]; }
    return field;
  }
  function messageValue(msg) {
    var at = Math.max(msg.lastIndexOf(" was "), msg.lastIndexOf(" were "));
    if (at >= 0) return msg.slice(msg.indexOf(" ", at + 1) + 1).replace(/\.$/, "");
    var m = /'([^']*)'|"([^"]*)"|(-?\d[\d,.]*)/.exec(msg);
    return m ? (m[1] !== undefined ? m[1] : m[2] !== undefined ? m[2] : m[3]) : null;
  }
  function yuanText(msg) {
    return msg.replace(/(-?\d+) fen\b/g, function (all, n) {
      return fmt2.format(parseInt(n, 10) / 100) + " yuan";
    });
  }
  function errorText(err) {
    if (!err) return t("js.error");
    var label = S["err." + err.code] || err.code;
    var msg = err.message || "";
    var sep = LANG === "zh" ? "：" : ": ";
    for (var i = 0; i < PATTERNS.length; i++) {
      var tpl = PATTERNS[i][2] || S[PATTERNS[i][1]];
      var m = null;
      if (!tpl) continue;
      try { m = new RegExp(PATTERNS[i][0]).exec(msg); } catch (e) { m = null; }
      if (m && m.groups) {
        var g = m.groups;
        return label + sep + tpl.replace(/\{(\w+)\}/g, function (all, k) {
          return g[k] !== undefined ? figure(k, g[k]) : all;
        });
      }
    }
    if (LANG === "zh") {
      var value = messageValue(msg);
      var out = err.field ? "字段“" + fieldName(err.field) + "”" : "";
      if (value !== null) out += (err.field ? "的取值 " : "取值 ") + value + " ";
      return label + sep + out + "不符合“" + label + "”的规则";
    }
    return msg ? label + sep + yuanText(msg) : label;
  }

  /* One call to the API; resolves with the JSON body, rejects with the contract's error. */
  function api(method, path, body) {
    var headers = { "Accept": "application/json" };
    if (method !== "GET") { headers["X-CSRF-Token"] = CSRF; }
    if (body !== undefined) { headers["Content-Type"] = "application/json"; }
    return fetch(path, {
      method: method, headers: headers, credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body)
    }).then(function (r) {
      return r.text().then(function (text) {
        var data = null;
        try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
        if (r.ok) return data;
        var err = (data && data.error) || { code: "HTTP_" + r.status, message: text.slice(0, 200) };
        err.status = r.status;
        throw err;
      });
    }, function () { throw { code: "NETWORK", message: t("js.network") }; });
  }

  function setPath(obj, name, value) {
    var parts = name.split(".");
    var cur = obj;
    for (var i = 0; i < parts.length - 1; i++) {
      var k = /^\d+$/.test(parts[i]) ? Number(parts[i]) : parts[i];
      if (cur[k] === undefined) cur[k] = /^\d+$/.test(parts[i + 1]) ? [] : {};
      cur = cur[k];
    }
    var last = parts[parts.length - 1];
    cur[/^\d+$/.test(last) ? Number(last) : last] = value;
  }

  /* The form's fields as the JSON body, and the {name} values of its path. */
  function formBody(form) {
    var body = {}, inPath = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.disabled || el.tagName === "BUTTON") return;
      if (el.type === "radio" && !el.checked) return;
      var type = el.dataset.type || "text";
      var v;
      if (type === "bool") { v = el.type === "checkbox" ? el.checked : el.value === "true"; }
      else {
        v = (el.value || "").trim();
        if (v === "") return;                       /* left out: the API's default applies */
        if (type === "int" && /^-?\d+$/.test(v)) v = Number(v);
        if (type === "list") v = v.split(/[\s,，、;；]+/).filter(function (x) { return x !== ""; });
      }
      if (el.dataset.in === "path") inPath[el.name] = v; else setPath(body, el.name, v);
    });
    return { body: body, inPath: inPath };
  }

  function refresh() {
    if (window.htmx) window.htmx.trigger(document.body, "refresh");
    document.dispatchEvent(new CustomEvent("openets:refresh"));
  }

  function summary(data) {
    if (!data || typeof data !== "object") return "";
    var src = data.trade && typeof data.trade === "object" ? data.trade : data;
    for (var i = 0; i < ID_FIELDS.length; i++) {
      if (src[ID_FIELDS[i]]) return " · " + src[ID_FIELDS[i]];
    }
    return "";
  }

  function markInvalid(form, field) {
    Array.prototype.forEach.call(form.querySelectorAll(".invalid"), function (el) { el.classList.remove("invalid"); });
    if (!field) return;
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.name && (el.name === field || el.name.split(".").pop() === field)) el.classList.add("invalid");
    });
  }

  function submitApiForm(form) {
    var spec = form.dataset.api.split(" ");
    var method = spec[0];
    var parts = formBody(form);
    var path = spec[1].replace(/\{(\w+)\}/g, function (_, k) { return encodeURIComponent(parts.inPath[k] || ""); });
    var msg = form.querySelector(".form-msg");
    if (form.dataset.confirm && !window.confirm(t(form.dataset.confirm))) return;
    var buttons = form.querySelectorAll("button");
    Array.prototype.forEach.call(buttons, function (b) { b.disabled = true; });
    if (msg) { msg.className = "form-msg"; msg.textContent = t("js.working"); }
    var hasBody = method !== "DELETE" || Object.keys(parts.body).length > 0;
    api(method, path, hasBody ? parts.body : undefined).then(function (data) {
      var text = t(form.dataset.ok || "msg.done") + summary(data);
      if (msg) { msg.className = "form-msg ok"; msg.textContent = text; }
      markInvalid(form, null);
      toast(text, false);
      if (form.dataset.show) {                      /* show fields of the answer (a new secret) */
        var box = document.getElementById(form.dataset.show);
        if (box) {
          Array.prototype.forEach.call(box.querySelectorAll("[data-field]"), function (el) {
            el.textContent = data && data[el.dataset.field] != null ? String(data[el.dataset.field]) : "";
          });
          box.hidden = false;
        }
      }
      if (!form.classList.contains("inline")) {
        Array.prototype.forEach.call(form.elements, function (el) {
          if (el.type !== "hidden" && el.type !== "radio" && el.type !== "checkbox" && el.tagName !== "SELECT" && el.tagName !== "BUTTON") el.value = "";
        });
      }
      refresh();
    }, function (err) {
      if (err.status === 401) { location.href = "/login?next=" + encodeURIComponent(location.pathname); return; }
      var text = errorText(err);
      if (msg) { msg.className = "form-msg err"; msg.textContent = text; msg.title = err.message || ""; msg.dataset.code = err.code || ""; }
      markInvalid(form, err.field);
      toast(text, true);
    }).then(function () {
      Array.prototype.forEach.call(buttons, function (b) { b.disabled = false; });
    });
  }

  function login(form) {
    var msg = form.querySelector(".form-msg");
    var body = { username: form.username.value.trim(), password: form.password.value };
    if (form.otp && form.otp.value.trim()) { body.otp = form.otp.value.trim(); }
    msg.className = "form-msg"; msg.textContent = t("js.working");
    api("POST", "/api/v1/auth/session", body).then(function () {
      location.href = form.dataset.next || "/";
    }, function (err) {
      msg.className = "form-msg err";
      msg.textContent = t("js.login_failed") + " · " + errorText(err);
    });
  }

  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (form.matches("form[data-login]")) { e.preventDefault(); login(form); }
    else if (form.matches("form[data-api]")) { e.preventDefault(); submitApiForm(form); }
  });

  document.addEventListener("click", function (e) {
    if (!e.target.closest("[data-logout]")) return;
    api("POST", "/api/v1/auth/logout").then(null, function () { return null; }).then(function () {
      location.href = "/login";
    });
  });

  /* Keep a fragment still while the user types in it: skip its refresh. */
  document.addEventListener("htmx:beforeRequest", function (e) {
    var elt = e.detail && e.detail.elt;
    if (elt && elt.id === "bell" && elt.querySelector("details[open]")) { e.preventDefault(); return; }
    if (elt && elt.classList.contains("frag") && elt.contains(document.activeElement) &&
        document.activeElement.tagName === "INPUT") { e.preventDefault(); }
  });
  document.addEventListener("htmx:afterSwap", function (e) { initCharts(e.detail.target); });

  /* ------------------------------------------------------------------ charts */
  var charts = [];

  function num(x) { var n = parseFloat(x); return isNaN(n) ? null : n; }
  function rowsOf(body) { return Array.isArray(body) ? body : (body && Array.isArray(body.data) ? body.data : []); }
  function side(body, names) {
    for (var i = 0; i < names.length; i++) { if (body && Array.isArray(body[names[i]])) return body[names[i]]; }
    return [];
  }
  function level(x) {
    if (Array.isArray(x)) return { p: num(x[0]), q: num(x[1]) || 0 };
    return { p: num(x.price), q: num(x.quantity != null ? x.quantity : (x.remaining != null ? x.remaining : x.volume)) || 0 };
  }
  function noData(chart) {
    chart.setOption({ title: { text: t("chart.no_data"), left: "center", top: "middle", textStyle: { color: "#999", fontSize: 13, fontWeight: "normal" } } }, true);
  }

  function drawDepth(chart, body) {
    var bids = side(body, ["bids", "buy", "buys"]).map(level).filter(function (l) { return l.p !== null; });
    var asks = side(body, ["asks", "sell", "sells"]).map(level).filter(function (l) { return l.p !== null; });
    if (!bids.length && !asks.length) return noData(chart);
    bids.sort(function (a, b) { return b.p - a.p; });
    asks.sort(function (a, b) { return a.p - b.p; });
    /* Cumulative quantity away from the middle: bids rise to the left, asks to the right;
       each side drops to zero at its best price and runs on a little past its last level. */
    var all = bids.concat(asks).map(function (l) { return l.p; });
    var pad = Math.max((Math.max.apply(null, all) - Math.min.apply(null, all)) * 0.15, all[0] * 0.005);
    var cum = 0, bidPts = bids.map(function (l) { cum += l.q; return [l.p, cum]; }).reverse();
    if (bidPts.length) { bidPts.unshift([bidPts[0][0] - pad, bidPts[0][1]]); bidPts.push([bids[0].p, 0]); }
    cum = 0;
    var askPts = asks.map(function (l) { cum += l.q; return [l.p, cum]; });
    if (askPts.length) { askPts.unshift([asks[0].p, 0]); askPts.push([askPts[askPts.length - 1][0] + pad, cum]); }
    var lo = Math.floor((Math.min.apply(null, all) - pad) * 100) / 100;
    var hi = Math.ceil((Math.max.apply(null, all) + pad) * 100) / 100;
    var up = css("--up"), down = css("--down");
    chart.setOption({
      animation: false,
      grid: { left: 56, right: 14, top: 26, bottom: 30 },
      legend: { data: [t("chart.bids"), t("chart.asks")], top: 0, textStyle: { fontSize: 11 } },
      tooltip: { trigger: "axis", valueFormatter: function (v) { return fmt0.format(v); } },
      /* about one price label per 80 px, and none drawn over another (a 1024 px page gives
         the book a narrow column) */
      xAxis: { type: "value", min: lo, max: hi, splitNumber: Math.max(2, Math.floor(chart.getWidth() / 80)),
               axisLabel: { hideOverlap: true, margin: 10, showMinLabel: false, showMaxLabel: false, formatter: function (v) { return fmt2.format(v); } } },
      yAxis: { type: "value", minInterval: 1, axisLabel: { formatter: function (v) { return fmt0.format(v); } } },
      series: [
        { name: t("chart.bids"), type: "line", step: "start", data: bidPts, symbol: "none", lineStyle: { color: up }, itemStyle: { color: up }, areaStyle: { color: up, opacity: 0.18 } },
        { name: t("chart.asks"), type: "line", step: "end", data: askPts, symbol: "none", lineStyle: { color: down }, itemStyle: { color: down }, areaStyle: { color: down, opacity: 0.18 } }
      ]
    }, true);
  }

  /* A price axis a little wider than the data (a flat series gets ±2% instead of ECharts' wide default). */
  function padMin(v) { return Math.floor((v.min - Math.max((v.max - v.min) * 0.08, v.min * 0.02)) * 100) / 100; }
  function padMax(v) { return Math.ceil((v.max + Math.max((v.max - v.min) * 0.08, v.max * 0.02)) * 100) / 100; }

  function drawProvinces(chart, rows) {
    if (!rows.length) return noData(chart);
    var top = rows.slice(0, 15);
    chart.setOption({
      animation: false,
      legend: { top: 0, data: [t("chart.obligation"), t("chart.surrendered")] },
      tooltip: { trigger: "axis", valueFormatter: function (v) { return fmt0.format(v); } },
      grid: { left: 70, right: 14, top: 28, bottom: 40 },
      xAxis: { type: "category", data: top.map(function (r) { return r[0]; }), axisLabel: { interval: 0, rotate: top.length > 8 ? 30 : 0 } },
      yAxis: { type: "value", axisLabel: { formatter: function (v) { return fmt0.format(v); } } },
      series: [
        { name: t("chart.obligation"), type: "bar", data: top.map(function (r) { return r[1]; }), itemStyle: { color: "#8aa4bd" } },
        { name: t("chart.surrendered"), type: "bar", data: top.map(function (r) { return r[2]; }), itemStyle: { color: "#12629b" } }
      ]
    }, true);
  }

  var SOURCES = {
    depth: function (code) { return "/api/v1/market/" + encodeURIComponent(code) + "/depth"; },
    kline: function (code) { return "/api/v1/market/" + encodeURIComponent(code) + "/bars?interval=1d"; }
  };
  var DRAW = { depth: drawDepth };   /* the K-line and the intraday line: static/terminal.js */
  var FETCH = {};                    /* a chart whose data takes more than one request */

  function load(entry) {
    var el = entry.el, kind = el.dataset.chart;
    if (kind === "provinces") {
      var rows = []; try { rows = JSON.parse(el.dataset.rows || "[]"); } catch (e) { rows = []; }
      drawProvinces(entry.chart, rows);
      el.dataset.drawn = "1";
      return;
    }
    var code = el.dataset.instrument;
    (FETCH[kind] ? FETCH[kind](code) : api("GET", SOURCES[kind](code))).then(function (body) {
      entry.body = body;                 /* kept: the live feed updates it (static/live.js) */
      DRAW[kind](entry.chart, body);
      el.dataset.drawn = "1";
    }, function () { noData(entry.chart); el.dataset.drawn = "0"; });
  }

  function initCharts(root) {
    if (!window.echarts) return;
    Array.prototype.forEach.call((root || document).querySelectorAll(".chart[data-chart]"), function (el) {
      var existing = window.echarts.getInstanceByDom(el);
      /* the depth chart is drawn as SVG: crisp in a narrow column, its labels real text */
      var opts = el.dataset.chart === "depth" ? { renderer: "svg" } : undefined;
      var entry = { el: el, chart: existing || window.echarts.init(el, null, opts) };
      if (!existing) charts.push(entry);
      load(entry);
    });
  }

  function reloadCharts() {
    charts = charts.filter(function (c) { return document.body.contains(c.el); });
    charts.forEach(function (c) { if (c.el.dataset.chart !== "provinces") load(c); });
  }

  /* Redraw the charts of one kind with their data changed by ``change(body)`` (a pushed
     depth, trade or bar; static/live.js), without asking the server. */
  function updateCharts(kind, change) {
    charts.forEach(function (c) {
      if (c.el.dataset.chart !== kind || c.body === undefined || !document.body.contains(c.el)) return;
      c.body = change(c.body);
      DRAW[kind](c.chart, c.body);
      c.el.dataset.drawn = "1";
    });
  }

  /* The market's pages take their figures from the live feed while it is connected
     (static/live.js marks <html data-live-feed="1">); without it they fetch them again every
     few seconds. */
  function feedLive() { return document.documentElement.dataset.liveFeed === "1"; }

  /* A participant's private feed: notifications (fills and the rest) arrive without a reload;
     every other message (the snapshot, the account's listings as they rest, fill and end, its
     fills) goes to the page as an "openets:private" event (static/live.js applies it).
     <html data-private-feed="1"> while it is connected. */
  var toastNote = null;
  function privateFeed() {
    var who = document.getElementById("who");
    if (!who || who.dataset.role !== "participant" || !window.WebSocket) return;
    var url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/api/v1/ws/private";
    var tries = 0, root = document.documentElement;
    function open() {
      var ws = new WebSocket(url);
      ws.onopen = function () { tries = 0; who.dataset.live = "1"; };
      ws.onmessage = function (e) {
        var msg = {};
        try { msg = JSON.parse(e.data); } catch (err) { return; }
        if (!msg || !msg.type || !msg.data) return;
        if (msg.type === "snapshot") root.dataset.privateFeed = "1";
        if (msg.type !== "notification") {
          document.dispatchEvent(new CustomEvent("openets:private", { detail: msg }));
          return;
        }
        toastNote = msg.data.notification_id;
        if (window.htmx) window.htmx.trigger(document.body, "notify");
      };
      ws.onclose = function (e) {
        who.dataset.live = "0";
        root.dataset.privateFeed = "0";
        if (e.code === 4401 || e.code === 4403) return;
        tries += 1;
        setTimeout(open, Math.min(30000, 1000 * tries));
      };
    }
    open();
  }
  document.addEventListener("htmx:afterSwap", function (e) {
    if (!toastNote || !e.detail.target || e.detail.target.id !== "bell") return;
    var a = e.detail.target.querySelector('[data-note="' + toastNote + '"]');
    toastNote = null;
    if (a) {
      var when = a.querySelector(".when");
      var text = a.textContent.replace(when ? when.textContent : "", "").trim();
      toast(t("js.new_note") + " · " + text, false);
    }
  });
  document.addEventListener("DOMContentLoaded", privateFeed);

  /* The header clock shows the market's clock (simulated, it may run many times faster than
     real time): read from /ops/clock every CLOCK_MS while the page is open, in the page's
     language (Beijing wall time, as the server formats it). */
  var CLOCK_MS = 2000;
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  function clockText(iso) {
    var m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})/.exec(iso || "");
    if (!m) return null;
    var hms = m[4] + ":" + m[5] + ":" + m[6];
    if (LANG === "en") return m[3] + " " + MONTHS[parseInt(m[2], 10) - 1] + " " + m[1] + " " + hms;
    return m[1] + "-" + m[2] + "-" + m[3] + " " + hms;
  }
  function marketClock() {
    var el = document.getElementById("market-clock");
    if (!el) return;
    var busy = false;
    function tick() {
      if (busy || document.hidden) return;
      busy = true;
      api("GET", "/api/v1/ops/clock").then(function (body) {
        var text = body && clockText(body.now);
        if (text) { el.textContent = text; el.dataset.now = body.now; }
      }, function () { return null; }).then(function () { busy = false; });
    }
    setInterval(tick, CLOCK_MS);
  }
  document.addEventListener("DOMContentLoaded", marketClock);

  document.addEventListener("openets:refresh", reloadCharts);
  document.addEventListener("DOMContentLoaded", function () {
    initCharts(document);
    if (charts.length) setInterval(function () { if (!feedLive()) reloadCharts(); }, 5000);
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.chart.resize(); }); });
  window.OpenETS = {
    api: api, refresh: refresh, t: t, toast: toast, submit: submitApiForm, when: clockText, feedLive: feedLive,
    charts: { DRAW: DRAW, SOURCES: SOURCES, FETCH: FETCH, update: updateCharts, css: css, num: num, rowsOf: rowsOf, side: side,
              noData: noData, padMin: padMin, padMax: padMax, fmt0: fmt0, fmt2: fmt2 }
  };
})();
