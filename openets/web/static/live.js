/* OpenETS live market: the public feeds applied to the page in place, without a reload and
   without asking the server again.
   - /ws/market (the market watch and the trade page's quote): each instrument's ticker row
     (open, high, low, last, change, volume, turnover, best bid and ask) as it moves;
   - /ws/market/{instrument} (the trade page): the depth (table and chart), each trade (the
     tape and the intraday line) and the running bar (the K-line).
   The best listings are fetched again after a push (they carry listing ids and the user's own
   marks, which the public feed does not). A participant's own listings ("my listings", and
   their rows among the best listings) are updated in place from the private feed
   (/ws/private, relayed by static/app.js as "openets:private"): a listing's new remaining
   and locked funds, a filled, cancelled or expired one removed; they are fetched again only
   for what its messages lack (a new listing's row, a gap in the feed) or while it is down.
   While a feed is down the page falls back to fetching its market fragments every few
   seconds. */
(function () {
  "use strict";
  var O = window.OpenETS;
  if (!O || !window.WebSocket) return;
  var C = O.charts, t = O.t, num = C.num;
  var DASH = "—", TAPE_ROWS = 20, FALLBACK_MS = 5000;
  var feeds = [];                                   /* {open: bool} per socket of the page */
  var root = document.documentElement;

  function esc(s) { return window.CSS && CSS.escape ? CSS.escape(s) : String(s).replace(/"/g, '\\"'); }
  function price(x) { var n = num(x); return n === null ? DASH : C.fmt2.format(n); }
  function qty(x) { var n = num(x); return n === null ? DASH : C.fmt0.format(n); }
  function signed(x) {
    var n = num(x);
    if (n === null) return DASH;
    return n === 0 ? "0.00" : (n > 0 ? "+" : "-") + C.fmt2.format(Math.abs(n));
  }
  function pct(x) {
    var n = num(String(x === null || x === undefined ? "" : x).replace("%", ""));
    if (n === null) return DASH;
    return n === 0 ? "0.00%" : (n > 0 ? "+" : "-") + Math.abs(n).toFixed(2) + "%";
  }
  function updown(v) { return v === null || isNaN(v) ? "" : v > 0 ? "up" : v < 0 ? "down" : "flat"; }
  function vs(x, prev) { var n = num(x); return n === null || prev === null ? "" : updown(n - prev); }

  /* A cell's text and its rise/fall colour; the other classes stay. */
  function put(el, text, move) {
    if (!el) return;
    ["up", "down", "flat", "muted"].forEach(function (c) { el.classList.remove(c); });
    if (move) el.classList.add(move);
    if (el.textContent !== text) {
      el.textContent = text;
      el.classList.remove("pushed");
      void el.offsetWidth;                          /* restart the highlight */
      el.classList.add("pushed");
    }
  }

  /* ------------------------------------------------------------ the ticker */
  function applyTicker(r) {
    var prev = num(r.prev_close), chg = num(r.change), code = esc(r.instrument);
    var places = document.querySelectorAll('table.market-watch tr[data-instrument="' + code + '"], .quote[data-quote="' + code + '"]');
    Array.prototype.forEach.call(places, function (box) {
      function col(name) { return box.querySelector('[data-col="' + name + '"]'); }
      put(col("open"), price(r.open), vs(r.open, prev));
      put(col("high"), price(r.high), vs(r.high, prev));
      put(col("low"), price(r.low), vs(r.low, prev));
      put(col("bid"), price(r.best_bid), vs(r.best_bid, prev));
      put(col("ask"), price(r.best_ask), vs(r.best_ask, prev));
      put(col("volume"), qty(r.volume), "");
      put(col("turnover"), price(r.turnover), "");
      if (box.classList.contains("quote")) {        /* the trade page's quote */
        if (r.last === null || r.last === undefined) return;
        put(col("last"), price(r.last), updown(chg));
        put(col("chg"), signed(r.change) + " (" + pct(r.change_pct) + ")", updown(chg));
      } else {
        put(col("last"), price(r.last), updown(chg));
        put(col("change"), signed(r.change), updown(chg));
        put(col("pct"), pct(r.change_pct), updown(chg));
      }
    });
  }

  /* ------------------------------------------------------------ depth, tape, bars */
  function fillLevels(rows, levels, reversed, prev) {
    var n = rows.length;
    for (var i = 0; i < n; i++) {
      var lv = levels[reversed ? n - 1 - i : i];
      var cells = rows[i].querySelectorAll("td");
      if (cells.length < 2) continue;
      put(cells[0], lv ? price(lv.price) : DASH, lv ? vs(lv.price, prev) : "");
      put(cells[1], lv ? qty(lv.quantity) : "", "");
    }
  }

  function applyDepth(d) {
    var table = document.querySelector("#f-depth table.depth");
    if (table) {
      var prev = num((table.dataset.prevClose || "").replace(/,/g, ""));
      fillLevels(table.querySelectorAll("tr.ask"), d.asks || [], true, prev);
      fillLevels(table.querySelectorAll("tr.bid"), d.bids || [], false, prev);
    }
    C.update("depth", function () { return d; });
  }

  function applyTrade(x) {
    var body = document.querySelector("#f-tape table.tape tbody");
    if (body && !body.querySelector('tr[data-trade="' + esc(x.trade_id) + '"]')) {
      var empty = body.querySelector("td.empty");
      if (empty) empty.parentNode.remove();
      var tr = document.createElement("tr");
      tr.dataset.trade = x.trade_id;
      tr.className = "pushed";
      [[O.when(x.time) || x.time, ""], [price(x.price), "num"], [qty(x.quantity), "num"],
       [t("method." + x.method, x.method), ""]].forEach(function (c) {
        var td = document.createElement("td");
        td.textContent = c[0];
        if (c[1]) td.className = c[1];
        tr.appendChild(td);
      });
      body.insertBefore(tr, body.firstChild);
      while (body.rows.length > TAPE_ROWS) body.deleteRow(-1);
    }
    C.update("intraday", function (b) {
      var trades = C.rowsOf(b.trades).slice();
      if (!trades.some(function (y) { return y.trade_id === x.trade_id; })) trades.unshift(x);
      return { trades: trades, day: b.day, prev_close: b.prev_close };
    });
  }

  function applyBar(bar) {
    C.update("kline", function (b) {
      var rows = (C.rowsOf(b).length ? C.rowsOf(b) : C.side(b, ["bars"])).slice();
      var i = rows.length - 1;
      while (i >= 0 && rows[i].day !== bar.day) i--;
      if (i >= 0) rows[i] = bar; else rows.push(bar);
      return rows;
    });
  }

  /* The listings with their ids and the user's marks: fetched once after a burst of pushes
     (the user's own only while their private feed is down). */
  var refetch = null;
  function listingsChanged() {
    clearTimeout(refetch);
    refetch = setTimeout(function () {
      if (!window.htmx) return;
      window.htmx.trigger(document.body, "feed");
      if (root.dataset.privateFeed !== "1") window.htmx.trigger(document.body, "mine");
    }, 150);
  }

  /* ------------------------------------------------------------ the private feed */
  var refetchMine = null;
  function mineChanged() {
    clearTimeout(refetchMine);
    refetchMine = setTimeout(function () { if (window.htmx) window.htmx.trigger(document.body, "mine"); }, 150);
  }

  function cell(row, name) { return row.querySelector('[data-col="' + name + '"]'); }

  /* One of the user's listings as the private feed tells it: ``status`` open with its
     remaining and locked funds, or filled, cancelled or expired (off the book). */
  function applyListing(x) {
    if (!x || !x.listing_id) return;
    var id = esc(x.listing_id), open = x.status === "open";
    var table = document.querySelector("#f-my_listings table.my-listings");
    if (table) {
      var row = table.querySelector('tr[data-listing="' + id + '"]');
      var here = !table.dataset.instrument || table.dataset.instrument === x.instrument;
      if (row && open) {
        put(cell(row, "remaining"), qty(x.remaining), "");
        put(cell(row, "locked"), price(x.locked), "");
      } else if (row) {
        var body = row.parentNode;
        row.remove();
        if (!body.querySelector("tr[data-listing]") && !body.querySelector("td.empty")) {
          var tr = body.insertRow(-1), td = tr.insertCell(-1);
          td.colSpan = 8;
          td.className = "empty";
          td.textContent = table.dataset.empty || "";
        }
      } else if (open && here) mineChanged();      /* a new listing: its row (and form) from the server */
    }
    Array.prototype.forEach.call(document.querySelectorAll('#f-best_listings tr[data-listing="' + id + '"]'), function (r) {
      if (open) put(cell(r, "remaining"), qty(x.remaining), ""); else r.remove();
    });
  }

  var hadPrivate = false;
  document.addEventListener("openets:private", function (e) {
    var msg = e.detail || {};
    if (msg.type === "snapshot") {
      if (hadPrivate) mineChanged();                /* back after a gap */
      hadPrivate = true;
    } else if (msg.type === "listing") applyListing(msg.data);
  });

  /* ------------------------------------------------------------ connections */
  function mark() {
    var live = feeds.length > 0 && feeds.every(function (f) { return f.open; });
    root.dataset.liveFeed = live ? "1" : "0";
  }

  function connect(path, el, attr, onMessage) {
    var url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/api/v1" + path;
    var feed = { open: false }, tries = 0, had = false;
    feeds.push(feed);
    function open() {
      var ws = new WebSocket(url);
      ws.onmessage = function (e) {
        var msg;
        try { msg = JSON.parse(e.data); } catch (err) { return; }
        if (!msg || !msg.type) return;
        if (msg.type === "snapshot") {
          tries = 0;
          feed.open = true;
          el.dataset[attr] = "1";
          mark();
          if (had) listingsChanged();                /* back after a gap */
          had = true;
        }
        onMessage(msg.type, msg.data || {});
      };
      ws.onclose = function (e) {
        feed.open = false;
        el.dataset[attr] = "0";
        mark();
        if (e.code === 4404) return;
        tries += 1;
        setTimeout(open, Math.min(30000, 1000 * tries));
      };
    }
    open();
  }

  function onWatch(type, data) {
    if (type === "snapshot") (data.ticker || []).forEach(applyTicker);
    else if (type === "ticker") applyTicker(data);
  }

  function onInstrument(type, data) {
    if (type === "snapshot") {
      if (data.depth) applyDepth(data.depth);
      (data.trades || []).slice().reverse().forEach(applyTrade);
      var bars = data.bars || [];
      if (bars.length) applyBar(bars[bars.length - 1]);
    } else if (type === "depth") { applyDepth(data); listingsChanged(); }
    else if (type === "trade") { applyTrade(data); listingsChanged(); }
    else if (type === "bar") applyBar(data);
    else if (type === "status") listingsChanged();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var watch = document.getElementById("f-overview") || document.querySelector(".quote-card");
    if (watch) connect("/ws/market", root, "watchLive", onWatch);
    var el = document.querySelector("[data-feed]");
    if (el) connect("/ws/market/" + encodeURIComponent(el.dataset.feed), el, "live", onInstrument);
    if (!feeds.length) return;
    mark();
    setInterval(function () {                       /* the fallback while a feed is down */
      if (root.dataset.liveFeed !== "1" && !document.hidden && window.htmx) window.htmx.trigger(document.body, "stale");
    }, FALLBACK_MS);
  });
})();
