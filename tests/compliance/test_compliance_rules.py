"""Surrender rules (one test per rule) and compliance audits."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any

import pytest

from openets.compliance.obligations import Position
from openets.compliance.plans import PLAN_2021, PLAN_2022, PLAN_2023, PLAN_2024, CarryOver
from openets.compliance.rules import (
    RULES,
    SurrenderCheck,
    SurrenderItem,
    audit,
    check_borrowing_limit,
    check_carry_over_limit,
    check_ccer_cap,
    check_deadline,
    check_eligible_vintage,
    check_items_well_formed,
    check_obligation_determined,
    check_within_obligation,
    validate_surrender,
)
from openets.domain.clock import BEIJING
from openets.domain.rejection import Code

pytestmark = pytest.mark.db_free  # never opens a database (no market, no journal on disk)


IN_TIME = datetime(2024, 12, 31, 23, 59, tzinfo=BEIJING)
LATE = datetime(2025, 1, 1, 0, 0, tzinfo=BEIJING)


def check(*items: tuple[str, int], **kw: Any) -> SurrenderCheck:
    base: dict[str, Any] = {
        "plan": PLAN_2023,
        "year": 2023,
        "items": tuple(SurrenderItem(p, q) for p, q in items),
        "at": IN_TIME,
        "obligation_t": 1_000_000,
    }
    base.update(kw)
    return SurrenderCheck(**base)


def test_every_surrender_rule_is_listed() -> None:
    assert len(RULES) == 8
    assert validate_surrender(check(("CEA23", 950_000), ("CCER", 50_000))) is None


def test_ccer_within_5_percent_of_the_obligation_is_accepted() -> None:
    assert check_ccer_cap(check(("CCER", 50_000))) is None


def test_ccer_above_5_percent_of_the_obligation_is_rejected() -> None:
    r = check_ccer_cap(check(("CCER", 50_001)))
    assert r is not None and r.code is Code.CCER_CAP
    assert "50001" in r.message and "50000" in r.message


def test_ccer_cap_counts_ccer_already_surrendered() -> None:
    r = check_ccer_cap(check(("CCER", 10_001), surrendered_ccer_t=40_000))
    assert r is not None and r.code is Code.CCER_CAP


def test_vintage_of_the_compliance_cycle_is_eligible() -> None:
    assert check_eligible_vintage(check(("CEA19-20", 1), ("CEA23", 1))) is None
    assert check_eligible_vintage(check(("CEA22", 1), plan=PLAN_2021, year=2021)) is None


def test_future_vintage_is_ineligible() -> None:
    r = check_eligible_vintage(check(("CEA24", 10)))
    assert r is not None and r.code is Code.INELIGIBLE_VINTAGE
    assert r.field == "items[0].product" and "CEA24" in r.message


def test_borrowed_vintage_is_ineligible_without_borrowing() -> None:
    r = check_eligible_vintage(check(("CEA23", 10), plan=PLAN_2022, year=2022))
    assert r is not None and r.code is Code.INELIGIBLE_VINTAGE


def test_borrowed_vintage_is_eligible_up_to_the_quantity_borrowed() -> None:
    c = check(("CEA23", 60_000), plan=PLAN_2022, year=2022, borrowed_t=100_000)
    assert check_eligible_vintage(c) is None
    assert check_borrowing_limit(c) is None
    over = replace(c, borrowed_used_t=40_001)
    r = check_borrowing_limit(over)
    assert r is not None and r.code is Code.CAP_EXCEEDED


def test_old_vintages_beyond_the_carry_over_quota_are_rejected_from_2025() -> None:
    c = check(
        ("CEA24", 5_000),
        ("CEA25", 100_000),
        plan=PLAN_2024,
        year=2025,
        carry_over=CarryOver(),
        carry_over_quota_t=10_000,
        carry_over_used_t=6_000,
    )
    r = check_carry_over_limit(c)
    assert r is not None and r.code is Code.CAP_EXCEEDED and "11000" in r.message
    assert check_carry_over_limit(replace(c, carry_over_used_t=5_000)) is None


def test_carry_over_limit_does_not_bind_2024_or_earlier() -> None:
    c = check(("CEA19-20", 900_000), plan=PLAN_2024, year=2024, carry_over=CarryOver())
    assert check_carry_over_limit(c) is None


def test_surrender_before_the_deadline_passes_the_deadline_rule() -> None:
    assert check_deadline(check(("CEA23", 1))) is None


def test_surrender_after_the_deadline_is_accepted_as_late_by_default() -> None:
    assert check_deadline(check(("CEA23", 1), at=LATE)) is None


def test_surrender_after_the_deadline_is_rejected_when_the_plan_refuses_late() -> None:
    plan = replace(PLAN_2023, accept_late_surrender=False)
    r = check_deadline(check(("CEA23", 1), at=LATE, plan=plan))
    assert r is not None and r.code is Code.DEADLINE_PASSED and "2024-12-31" in r.message


def test_surrender_beyond_the_obligation_is_rejected() -> None:
    r = check_within_obligation(check(("CEA23", 300_001), surrendered_t=700_000))
    assert r is not None and r.code is Code.QUANTITY_OUT_OF_RANGE
    assert "300000 t outstanding" in r.message


def test_surrender_before_the_obligation_is_determined_is_rejected() -> None:
    r = check_obligation_determined(check(("CEA23", 1), obligation_t=None))
    assert r is not None and r.code is Code.INVALID_STATE


def test_surrender_of_zero_tonnes_is_rejected() -> None:
    r = check_items_well_formed(check(("CEA23", 0)))
    assert r is not None and r.code is Code.INVALID_QUANTITY and r.field == "items[0].quantity"


def test_surrender_of_an_unknown_product_is_rejected() -> None:
    r = check_items_well_formed(check(("EUA", 5)))
    assert r is not None and r.code is Code.UNKNOWN_PRODUCT


def test_surrender_naming_a_product_twice_is_rejected() -> None:
    r = check_items_well_formed(check(("CEA23", 5), ("CEA23", 5)))
    assert r is not None and r.code is Code.DUPLICATE


def test_surrender_without_items_is_rejected() -> None:
    r = check_items_well_formed(check())
    assert r is not None and r.code is Code.INVALID_QUANTITY


def _position(on_time: int, late: int, ccer: int = 0) -> Position:
    return Position("E1", "广东", 2023, date(2024, 12, 31), 1000, on_time, late, ccer)


def test_audit_finds_a_shortfall_only_after_the_deadline() -> None:
    assert audit(PLAN_2023, _position(500, 0), date(2024, 12, 31)) == []
    (f,) = audit(PLAN_2023, _position(500, 0), date(2025, 1, 1))
    assert f.rule == "shortfall_after_deadline" and "500 t of 1000 t" in f.message


def test_audit_finds_a_late_surrender() -> None:
    (f,) = audit(PLAN_2023, _position(500, 500), date(2025, 2, 1))
    assert f.rule == "late_surrender"


def test_audit_finds_ccer_over_the_cap() -> None:
    (f,) = audit(PLAN_2023, _position(1000, 0, ccer=51), date(2024, 6, 1))
    assert f.rule == "ccer_cap"
