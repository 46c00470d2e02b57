"""The market state is typed: one field per context's part, no dict of parts read by string
keys, and the preset's rules resolved once, when the market is configured."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from dsl import Given

import openets
from openets.engine import snapshot as snapshots
from openets.market import PARTS, MarketState
from openets.presets import preset
from openets.trading.service_checks import rules

PACKAGE = Path(openets.__file__).parent


def test_market_state_has_one_typed_field_per_part() -> None:
    names = {f.name for f in dataclasses.fields(MarketState)}
    assert set(PARTS) <= names and "ext" not in names
    empty = MarketState()
    for name in PARTS:
        assert type(getattr(empty, name)).__name__ in str(MarketState.__annotations__[name])


def test_no_part_is_read_by_a_string_key() -> None:
    pattern = re.compile(r"\.ext\b")
    found = [
        f"{path.relative_to(PACKAGE.parent)}:{n}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert found == []


def test_rules_are_resolved_once_when_the_market_is_configured() -> None:
    g = Given.in_memory(preset="cn-cda")
    assert g.state.preset == "cn-cda" and g.state.rules is preset("cn-cda")
    g.state.preset = "eu-like"  # the name is not looked up again on a call
    assert rules(g.state) is preset("cn-cda")


def test_snapshot_restores_the_rules_of_its_preset() -> None:
    g = Given.in_memory(preset="eu-like")
    restored = snapshots.load(snapshots.dump(g.state))
    assert restored.preset == "eu-like" and restored.rules is preset("eu-like")
