"""The regulator's lists as CSV (``format=csv``): alerts and cases, one row per item, with
column names in the asked language and every cell a spreadsheet could run as a formula made
harmless (:func:`openets.supervision.reports.fmt.csv_text`)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Query
from starlette.responses import Response

from openets.api.schemas.supervision import AlertOut, CaseOut
from openets.supervision.reports.fmt import csv_text

Lang = Literal["zh", "en"]
CsvFormat = Annotated[Literal["json", "csv"], Query()]
CsvLang = Annotated[Lang, Query()]

ALERT_COLUMNS = {
    "zh": (
        "预警编号", "监测批次", "交易日", "监测模型", "级别", "交易品种", "对象", "涉及账户",
        "摘要", "证据条数", "案件编号",
    ),
    "en": (
        "alert_id", "run_id", "day", "detector", "severity", "instrument", "subject",
        "accounts", "summary", "evidence_count", "case_id",
    ),
}  # fmt: skip
CASE_COLUMNS = {
    "zh": ("案件编号", "标题", "状态", "关联预警", "立案人", "立案时间", "结论", "说明"),
    "en": ("case_id", "title", "status", "alert_ids", "opened_by", "opened_at", "finding", "note"),
}


def csv_responses(model: str) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI answer of a list that also comes as CSV."""
    return {
        200: {
            "content": {
                "application/json": {"schema": {"$ref": f"#/components/schemas/{model}"}},
                "text/csv": {"schema": {"type": "string"}},
            },
            "description": "the list (JSON, or CSV with format=csv)",
        }
    }


def csv_response(text: str, filename: str) -> Response:
    """A CSV download: UTF-8 with a byte-order mark, so a spreadsheet reads the Chinese."""
    return Response(
        "\ufeff" + text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def alerts_csv(rows: list[AlertOut], lang: Lang) -> str:
    return csv_text(
        ALERT_COLUMNS[lang],
        (
            (
                a.alert_id,
                a.run_id,
                a.day,
                a.detector,
                a.severity,
                a.instrument,
                a.subject,
                " ".join(a.accounts),
                a.summary,
                a.evidence_count,
                a.case_id or "",
            )
            for a in rows
        ),
    )


def cases_csv(rows: list[CaseOut], lang: Lang) -> str:
    return csv_text(
        CASE_COLUMNS[lang],
        (
            (
                c.case_id,
                c.title,
                c.status,
                " ".join(c.alert_ids),
                c.opened_by,
                c.opened_at,
                c.finding or "",
                c.note or "",
            )
            for c in rows
        ),
    )
