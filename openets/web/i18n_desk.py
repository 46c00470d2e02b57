"""The words of the trader's and the registry's desks (the listing entry's figures, the order
history's filters, trades with their statement lines, an account's own page, the demo's
clock), merged into :mod:`openets.web.i18n`'s catalogs. Same keys in both languages."""

from __future__ import annotations

ZH: dict[str, str] = {
    "entry.funds": "可用资金",
    "entry.tonnes": "可用配额（{product}）",
    "entry.limit_down": "今日跌停价",
    "entry.limit_up": "今日涨停价",
    "order.filter.partly_filled": "部分成交",
    "order.partly": "部分成交",
    "orders.shown": "本页第 {a}–{b} 笔",
    "trade.statement_line": "对账单记录",
    "statement.of_trade": "结算该笔成交的对账单记录：成交",
    "statement.all_lines": "显示全部记录",
    "pace.speed": "演示时钟：1 演示分钟 = {minute} 秒（{speed} 倍速），一个交易日约 {day} 分钟。",
    "pace.agents": "您登录的演示交易员账户只由您操作；其余账户由模拟交易主体自动交易。",
    "pace.sessions": "挂牌交易时段 {listing}；大宗交易时段 {block}（北京时间）。",
}

EN: dict[str, str] = {
    "entry.funds": "Available funds",
    "entry.tonnes": "Available allowances ({product})",
    "entry.limit_down": "Limit down today",
    "entry.limit_up": "Limit up today",
    "order.filter.partly_filled": "Partly filled",
    "order.partly": "partly filled",
    "orders.shown": "showing {a}–{b}",
    "trade.statement_line": "Statement lines",
    "statement.of_trade": "The statement lines that settled trade",
    "statement.all_lines": "show all lines",
    "pace.speed": "Demo clock: 1 demo minute = {minute} s ({speed}× real time); a trading day "
    "lasts about {day} minutes.",
    "pace.agents": "The demo logins trader1–3 trade only when you do; agents trade on all the "
    "other accounts.",
    "pace.sessions": "Listing sessions {listing}; block sessions {block} (Beijing time).",
}
