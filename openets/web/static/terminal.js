/* OpenETS trade page: the daily K-line (moving averages, volume by trading method), the
   intraday line of the day's listing trades, and keyboard entry of a listing
   (F1 buy, F2 sell, Enter submits, Esc clears). Uses the helpers static/app.js exposes. */
(function () {
  "use strict";
  var O = window.OpenETS;
  if (!O) return;
  var C = O.charts, t = O.t, num = C.num;
  var MA_DAYS = [5, 10, 20];
  var METHODS = [["listing", "#12629b"], ["block", "#e39b2d"], ["auction", "#8a6bbf"]];
  var MA_COLOURS = { 5: "#c79100", 10: "#7b3fa0", 20: "#2a7fb8" };

  /* The average close of the last n days (null until n days are there), to the fen. */
  function movingAverage(closes, n) {
    var out = [], sum = 0;
    for (var i = 0; i < closes.length; i++) {
      sum += closes[i];
      if (i >= n) sum -= closes[i - n];
      out.push(i >= n - 1 ? Math.round((sum / n) * 100) / 100 : null);
    }
    return out;
  }

  function methodVolume(b, m) {
    var x = b[m];
    return x && typeof x === "object" ? (num(x.volume) || 0) : 0;
  }

  function drawKline(chart, body) {
    var bars = C.rowsOf(body).length ? C.rowsOf(body) : C.side(body, ["bars"]);
    var days = [], candles = [], closes = [], vols = { listing: [], block: [], auction: [] };
    bars.forEach(function (b) {
      var close = num(b.close), open = num(b.open), high = num(b.high), low = num(b.low);
      if (close === null) return;
      open = open === null ? close : open; high = high === null ? Math.max(open, close) : high; low = low === null ? Math.min(open, close) : low;
      days.push(String(b.day || b.date || b.time || "").slice(0, 10));
      var item = { value: [open, close, low, high] };
      var prev = num(b.prev_close);
      if (open === close && prev !== null && close !== prev) {   /* a doji takes the day's direction */
        var c = C.css(close > prev ? "--up" : "--down");
        item.itemStyle = { color: c, color0: c, borderColor: c, borderColor0: c };
      }
      candles.push(item);
      closes.push(close);
      METHODS.forEach(function (m) { vols[m[0]].push(methodVolume(b, m[0])); });
    });
    if (!candles.length) return C.noData(chart);
    var up = C.css("--up"), down = C.css("--down");
    var series = [{ name: t("chart.kline"), type: "candlestick", data: candles, barMaxWidth: 18,
      itemStyle: { color: up, color0: down, borderColor: up, borderColor0: down } }];
    MA_DAYS.forEach(function (n) {
      series.push({ name: "MA" + n, id: "ma" + n, type: "line", data: movingAverage(closes, n), symbol: "none",
        smooth: false, connectNulls: false, lineStyle: { width: 1, color: MA_COLOURS[n] }, itemStyle: { color: MA_COLOURS[n] } });
    });
    METHODS.forEach(function (m) {
      series.push({ name: t("chart.vol_" + m[0]), id: "vol-" + m[0], type: "bar", stack: "volume", xAxisIndex: 1, yAxisIndex: 1,
        data: vols[m[0]], barMaxWidth: 18, itemStyle: { color: m[1] } });
    });
    chart.setOption({
      animation: false,
      legend: { top: 0, textStyle: { fontSize: 11 }, data: ["MA5", "MA10", "MA20"].concat(METHODS.map(function (m) { return t("chart.vol_" + m[0]); })) },
      tooltip: { trigger: "axis", axisPointer: { type: "cross" } },
      axisPointer: { link: [{ xAxisIndex: "all" }] },
      grid: [{ left: 64, right: 24, top: 30, height: "52%" }, { left: 64, right: 24, top: "76%", height: "16%" }],
      xAxis: [{ type: "category", data: days, boundaryGap: true, axisLabel: { show: false } },
              { type: "category", data: days, gridIndex: 1, boundaryGap: true, axisLabel: { hideOverlap: true } }],
      yAxis: [{ scale: true, min: C.padMin, max: C.padMax, axisLabel: { formatter: function (v) { return C.fmt2.format(v); } } },
              { gridIndex: 1, splitNumber: 2, minInterval: 1, axisLabel: { formatter: function (v) { return C.fmt0.format(v); } } }],
      dataZoom: [{ type: "inside", xAxisIndex: [0, 1], start: candles.length > 60 ? 60 : 0, end: 100 }],
      series: series
    }, true);
  }

  /* The day's listing trades in time order, against the previous close. */
  function drawIntraday(chart, body) {
    var day = body.day, prev = num(body.prev_close);
    var trades = C.rowsOf(body.trades).filter(function (x) {
      return x.method === "listing" && String(x.time || "").slice(0, 10) === day;
    }).reverse();
    if (!trades.length) return C.noData(chart);
    var times = trades.map(function (x) { return String(x.time).slice(11, 19); });
    var prices = trades.map(function (x) { return num(x.price); });
    var last = prices[prices.length - 1];
    var colour = C.css(prev === null || last >= prev ? "--up" : "--down");
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis" },
      grid: { left: 64, right: 64, top: 14, bottom: 28 },
      xAxis: { type: "category", data: times, boundaryGap: false, axisLabel: { hideOverlap: true } },
      yAxis: { scale: true, min: C.padMin, max: C.padMax, axisLabel: { formatter: function (v) { return C.fmt2.format(v); } } },
      series: [{ name: t("chart.intraday"), id: "intraday", type: "line", data: prices,
        symbol: prices.length === 1 ? "circle" : "none", symbolSize: 6, // one trade: a dot, not nothing
        lineStyle: { width: 1.5, color: colour }, itemStyle: { color: colour },
        markLine: prev === null ? undefined : { symbol: "none", silent: true, label: { formatter: t("chart.prev_close") + " {c}" },
          lineStyle: { type: "dashed", color: "#999" }, data: [{ yAxis: prev }] } }]
    }, true);
  }

  C.DRAW.kline = drawKline;
  C.SOURCES.kline = function (code) { return "/api/v1/market/" + encodeURIComponent(code) + "/bars?interval=1d"; };
  C.DRAW.intraday = drawIntraday;
  C.FETCH.intraday = function (code) {
    var enc = encodeURIComponent(code);
    return Promise.all([O.api("GET", "/api/v1/market/" + enc + "/trades?limit=1000"), O.api("GET", "/api/v1/market/ticker")])
      .then(function (r) {
        var row = C.rowsOf(r[1]).filter(function (x) { return x.instrument === code; })[0] || {};
        return { trades: r[0], day: row.day || "", prev_close: row.prev_close };
      });
  };

  /* ---------------------------------------------------------- the entry's figures */
  /* Beside the listing form: the chosen instrument's available tonnes and price band. */
  function showEntry() {
    var sel = document.querySelector("form.post-listing select[name=instrument]");
    if (!sel) return;
    Array.prototype.forEach.call(document.querySelectorAll("[data-entry-for]"), function (el) {
      el.hidden = el.dataset.entryFor !== sel.value;
    });
  }
  document.addEventListener("change", function (e) {
    if (e.target.matches && e.target.matches("form.post-listing select[name=instrument]")) showEntry();
  });
  document.addEventListener("htmx:afterSwap", function (e) {
    if (e.detail.target && e.detail.target.id === "f-entry") showEntry();
  });

  /* ---------------------------------------------------------- keyboard entry */
  function entryForm() { return document.querySelector("form.post-listing"); }

  function choose(form, side) {
    var radio = form.querySelector('input[name="side"][value="' + side + '"]');
    if (radio) radio.checked = true;
    form.dataset.side = side;
    var price = form.querySelector('input[name="price"]');
    if (price) { price.focus(); price.select(); }
  }

  function clear(form) {
    ["price", "quantity"].forEach(function (n) { var el = form.querySelector('input[name="' + n + '"]'); if (el) el.value = ""; });
    Array.prototype.forEach.call(form.querySelectorAll(".invalid"), function (el) { el.classList.remove("invalid"); });
    var msg = form.querySelector(".form-msg");
    if (msg) { msg.textContent = ""; msg.className = "form-msg"; }
    choose(form, "buy");
  }

  document.addEventListener("keydown", function (e) {
    var form = entryForm();
    if (!form || e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.key === "F1" || e.key === "F2") {
      e.preventDefault();
      choose(form, e.key === "F1" ? "buy" : "sell");
    } else if (e.key === "Escape") {
      e.preventDefault();
      clear(form);
    } else if (e.key === "Enter" && form.contains(document.activeElement) && document.activeElement.tagName !== "BUTTON") {
      e.preventDefault();
      if (form.requestSubmit) form.requestSubmit(); else O.submit(form);
    }
  });
})();
