"""The terminal's words for working all day (downloads of the regulator's lists), merged into
:mod:`openets.web.i18n`'s catalogs. Same keys in both languages."""

from __future__ import annotations

ZH: dict[str, str] = {
    "export.alerts": "导出预警（CSV）",
    "export.cases": "导出案件（CSV）",
    "export.report": "导出日报（CSV）",
    "col.best_bid": "买一价",
    "col.best_ask": "卖一价",
}

EN: dict[str, str] = {
    "export.alerts": "Export alerts (CSV)",
    "export.cases": "Export cases (CSV)",
    "export.report": "Export report (CSV)",
    "col.best_bid": "Best bid",
    "col.best_ask": "Best ask",
}
