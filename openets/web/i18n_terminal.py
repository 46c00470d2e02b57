"""The terminal's words for working all day (downloads of the regulator's lists, the market
watch, the trade page's charts and keys), merged into :mod:`openets.web.i18n`'s catalogs. Same
keys in both languages."""

from __future__ import annotations

ZH: dict[str, str] = {
    "export.alerts": "导出预警（CSV）",
    "export.cases": "导出案件（CSV）",
    "export.report": "导出日报（CSV）",
    "col.best_bid": "买一价",
    "col.best_ask": "卖一价",
    "intraday.title": "分时走势（挂牌成交）",
    "chart.intraday": "分时",
    "chart.prev_close": "前收",
    "chart.vol_listing": "挂牌成交量",
    "chart.vol_block": "大宗成交量",
    "chart.vol_auction": "拍卖成交量",
    "keys.title": "键盘下单：",
    "keys.buy": "买入",
    "keys.sell": "卖出",
    "keys.enter": "回车",
    "keys.submit": "提交挂牌",
    "keys.clear": "清空",
}

EN: dict[str, str] = {
    "export.alerts": "Export alerts (CSV)",
    "export.cases": "Export cases (CSV)",
    "export.report": "Export report (CSV)",
    "col.best_bid": "Best bid",
    "col.best_ask": "Best ask",
    "intraday.title": "Intraday (listing trades)",
    "chart.intraday": "Intraday",
    "chart.prev_close": "Prev. close",
    "chart.vol_listing": "Listing volume",
    "chart.vol_block": "Block volume",
    "chart.vol_auction": "Auction volume",
    "keys.title": "Keyboard entry: ",
    "keys.buy": "buy",
    "keys.sell": "sell",
    "keys.enter": "Enter",
    "keys.submit": "posts the listing",
    "keys.clear": "clears it",
}
