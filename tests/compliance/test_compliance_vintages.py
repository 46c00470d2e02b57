"""Surrender eligibility by vintage over every vintage the market lists (CEA19-20 … CEA25) and
every compliance year the plans cover (2019-2024), plus a 2025 plan made from the 2024 one."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest

from openets.compliance.obligations import eligible_vintages
from openets.compliance.plans import (
    PLAN_2019_2020,
    PLAN_2021,
    PLAN_2022,
    PLAN_2023,
    PLAN_2024,
    Plan,
)
from openets.compliance.rules import SurrenderCheck, SurrenderItem, check_eligible_vintage
from openets.domain.clock import BEIJING
from openets.domain.products import vintage_years
from openets.domain.rejection import Code
from openets.trading.vintages import CN_VINTAGES

pytestmark = pytest.mark.db_free  # never opens a database (no market, no journal on disk)


VINTAGES = tuple(v.code for v in CN_VINTAGES.vintages)
PLAN_2025 = replace(
    PLAN_2024, name="2025", years=(2025,), cycle_years=(2025,), deadline=date(2026, 12, 31)
)
LAST_ELIGIBLE = {2019: 2020, 2020: 2020, 2021: 2022, 2022: 2022, 2023: 2023, 2024: 2024}
LAST_ELIGIBLE[2025] = 2025
PLANS = {
    2019: PLAN_2019_2020,
    2020: PLAN_2019_2020,
    2021: PLAN_2021,
    2022: PLAN_2022,
    2023: PLAN_2023,
    2024: PLAN_2024,
    2025: PLAN_2025,
}


def _check(plan: Plan, year: int, product: str) -> SurrenderCheck:
    at = datetime(year + 1, 6, 1, tzinfo=BEIJING)
    return SurrenderCheck(plan, year, (SurrenderItem(product, 1),), at, 1_000)


def test_the_listed_vintages_are_the_products_of_every_compliance_year() -> None:
    assert VINTAGES == ("CEA19-20", "CEA21", "CEA22", "CEA23", "CEA24", "CEA25")
    assert eligible_vintages(PLAN_2025, 2025) == VINTAGES


@pytest.mark.parametrize("year", sorted(PLANS))
def test_each_compliance_year_may_surrender_the_vintages_of_its_cycle_and_earlier_only(
    year: int,
) -> None:
    plan = PLANS[year]
    for code in VINTAGES:
        r = check_eligible_vintage(_check(plan, year, code))
        if max(vintage_years(code)) <= LAST_ELIGIBLE[year]:
            assert r is None, (year, code, r)
        else:
            assert r is not None and r.code is Code.INELIGIBLE_VINTAGE, (year, code)
            assert r.field == "items[0].product" and code in r.message
            assert ", ".join(eligible_vintages(plan, year)) in r.message
