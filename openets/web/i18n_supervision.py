"""The words of the regulator's surveillance pages: alerts and their severity, the detectors, cases
and findings, and the market reports, merged into :mod:`openets.web.i18n`'s catalogs. Same keys
in both languages (a test checks)."""

from __future__ import annotations

ZH: dict[str, str] = {
    "severity.low": "低",
    "severity.medium": "中",
    "severity.high": "高",
    "severity.critical": "严重",
    "alerts.evidence": "证据 {n} 条",
    "case.open": "已立案",
    "case.under_review": "调查中",
    "case.closed": "已结案",
    "finding.no_violation": "未发现违规",
    "finding.violation": "违规",
    "finding.referred": "移送处理",
    "detector.wash_trade": "对倒交易",
    "detector.circular_trading": "循环交易",
    "detector.marking_the_close": "操纵收盘价",
    "detector.layering": "虚假挂牌（分层）",
    "detector.pinned_at_band": "价格封于涨跌停",
    "detector.concentration": "交易集中度",
    "report.listing_volume": "挂牌成交量（吨）",
    "report.block_volume": "大宗成交量（吨）",
    "report.auction_volume": "竞价成交量（吨）",
    "surveillance.title": "运行异常交易监测",
    "surveillance.note": "对一个交易日的全部成交与挂牌运行各监测模型；重复运行不会重复预警。",
    "alerts.cases": "案件",
    "report.for": "{date} 交易日报",
}

EN: dict[str, str] = {
    "severity.low": "low",
    "severity.medium": "medium",
    "severity.high": "high",
    "severity.critical": "critical",
    "alerts.evidence": "{n} pieces of evidence",
    "case.open": "Open",
    "case.under_review": "Under review",
    "case.closed": "Closed",
    "finding.no_violation": "No violation",
    "finding.violation": "Violation",
    "finding.referred": "Referred",
    "detector.wash_trade": "Wash trade",
    "detector.circular_trading": "Circular trading",
    "detector.marking_the_close": "Marking the close",
    "detector.layering": "Layering",
    "detector.pinned_at_band": "Pinned at the band",
    "detector.concentration": "Concentration",
    "report.listing_volume": "Listing volume (t)",
    "report.block_volume": "Block volume (t)",
    "report.auction_volume": "Auction volume (t)",
    "surveillance.title": "Run surveillance",
    "surveillance.note": "Runs every detector over one trading day; a rerun repeats no alert.",
    "alerts.cases": "Cases",
    "report.for": "Trading report for {date}",
}
