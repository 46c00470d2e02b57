"""The memos the market writes itself, said in the page's language.

A ledger entry's memo is stored once, in English, as the journal keeps it for decades. The
statement pages show it to people who read Chinese, so the memos the system composes (settlement,
allocation, claw-back, CCER offset, account status) are matched here and said again in Chinese.
A memo a person typed (a reason) stays as typed: only the system's frame around it is translated.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context

from openets.web.i18n import DEFAULT_LANG

_ACTIONS_ZH = {"activate": "启用账户", "restrict": "限制账户", "close": "注销账户"}


def _of(entity: str | None) -> str:
    return f"（{entity}）" if entity else ""


_ZH: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (re.compile(r"^settlement: delivery versus payment$"), lambda m: "交收：货银对付"),
    (
        re.compile(r"^pre-?allocation (\d{4})(?: of (\S+))?$"),
        lambda m: f"{m[1]}年度配额预分配{_of(m[2])}",
    ),
    (
        re.compile(r"^final allocation (\d{4})(?: of (\S+))?$"),
        lambda m: f"{m[1]}年度配额核定{_of(m[2])}",
    ),
    (
        re.compile(r"^over-allocation (\d{4}) of (\S+)$"),
        lambda m: f"{m[1]}年度多发配额收回{_of(m[2])}",
    ),
    (re.compile(r"^allocation (\d{4})$"), lambda m: f"{m[1]}年度配额分配"),
    (re.compile(r"^CCER offset for compliance year (\d{4})$"), lambda m: f"{m[1]}年度CCER抵销清缴"),
    (re.compile(r"^borrowed for (\d{4}) by (\S+)$"), lambda m: f"{m[1]}年度预借配额{_of(m[2])}"),
    (re.compile(r"^(.*) \(filed (\d{4}-\d{2}-\d{2})\)$"), lambda m: f"{m[1]}（备案日 {m[2]}）"),
    (
        re.compile(r"^(activate|restrict|close): (.*) \(asked by (\S+), approved by (\S+)\)$"),
        lambda m: f"{_ACTIONS_ZH[m[1]]}：{m[2]}（{m[3]} 申请，{m[4]} 批准）",
    ),
)


def say_memo(memo: str, lang: str) -> str:
    """The memo in ``lang``: a system memo in Chinese on the zh pages, anything else unchanged."""
    if lang != "zh" or not memo:
        return memo
    for pattern, say in _ZH:
        m = pattern.match(memo)
        if m:
            return say(m)
    return memo


@pass_context
def memo_filter(ctx: Context, memo: Any) -> str:
    return say_memo("" if memo is None else str(memo), str(ctx.get("lang", DEFAULT_LANG)))
