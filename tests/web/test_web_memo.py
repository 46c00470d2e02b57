"""The memos the market writes itself are said in Chinese on the zh pages; typed text stays."""

from __future__ import annotations

import pytest

from openets.clearing.settlement import DELIVERY_MEMO
from openets.web.memo import say_memo


@pytest.mark.parametrize(
    ("memo", "zh"),
    [
        (DELIVERY_MEMO, "交收：货银对付"),
        ("preallocation 2025", "2025年度配额预分配"),
        ("pre-allocation 2025 of E0001", "2025年度配额预分配（E0001）"),
        ("final allocation 2024 of E0002", "2024年度配额核定（E0002）"),
        ("over-allocation 2024 of E0002", "2024年度多发配额收回（E0002）"),
        ("allocation 2021", "2021年度配额分配"),
        ("CCER offset for compliance year 2023", "2023年度CCER抵销清缴"),
        ("borrowed for 2025 by E0003", "2025年度预借配额（E0003）"),
        ("项目减排量 (filed 2016-05-01)", "项目减排量（备案日 2016-05-01）"),
        (
            "restrict: 违规 (asked by regop1, approved by regop2)",
            "限制账户：违规（regop1 申请，regop2 批准）",
        ),
    ],
)
def test_a_system_memo_is_said_in_chinese_on_the_zh_pages(memo: str, zh: str) -> None:
    assert say_memo(memo, "zh") == zh
    assert say_memo(memo, "en") == memo


def test_a_memo_a_person_typed_stays_as_typed() -> None:
    assert say_memo("moved to our trading account", "zh") == "moved to our trading account"
    assert say_memo("", "zh") == ""
