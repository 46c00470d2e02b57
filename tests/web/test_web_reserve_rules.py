"""The reserve's rules table speaks the regulator's language: every parameter of every preset
has a label in both languages, and values read in yuan, tonnes, percent and years."""

from __future__ import annotations

import pytest

from openets.api.routers.reserves import rule_fields
from openets.presets import PRESETS
from openets.web import i18n
from openets.web.reserve_rules import rule_rows, shown

pytestmark = pytest.mark.db_free


def test_every_reserve_parameter_of_every_preset_is_named_in_both_languages() -> None:
    names = {n for mr in PRESETS.values() for n, _ in rule_fields(mr) if n.startswith("reserves.")}
    for cat in (i18n.ZH, i18n.EN):
        missing = {n for n in names if "rparam." + n.removeprefix("reserves.") not in cat}
        assert not missing
    assert all(f"preset.{p}" in i18n.ZH and f"preset.{p}" in i18n.EN for p in PRESETS)


def test_reserve_values_read_in_yuan_tonnes_percent_and_years() -> None:
    zh = i18n.translator("zh")
    trigger = "Trigger(base_price=1300, base_year=2021, rise_bps=700)"
    assert shown("ccr", trigger, zh) == "2021 年 13.00 元，此后每年上涨 7.00%"
    assert shown("tiers", [[4140, 10_000_000]], zh) == "41.40 元：10,000,000 吨"
    assert shown("low", 4000, zh) == "40.00 元" and shown("days", 10, zh) == "10 天"
    row = rule_rows([{"name": "reserves.band", "value": None}], zh)[0]
    assert (row["label"], row["shown"]) == ("价格区间储备", "未设")
