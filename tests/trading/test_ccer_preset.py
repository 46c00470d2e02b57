"""The CCER venue preset (``ccer``, reference §13): listing agreement only, legal persons only,
6‰ of the value per side, product CCER; where the reference is silent (calendar, hours, band,
first day) the values are configurable and marked unconfirmed."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from openets.cli import app
from openets.presets import PRESETS, preset
from openets.trading.rules import TradingMethod

pytestmark = pytest.mark.db_free  # never opens a database (no market, no journal on disk)


def _rows(out: str) -> dict[str, str]:
    rows = {}
    for line in out.splitlines()[1:]:
        field, rest = line.split(None, 1)
        rows[field] = rest
    return rows


def test_ccer_venue_offers_listing_agreement_trading_only() -> None:
    venue = preset("ccer").venue
    assert venue.methods == frozenset({TradingMethod.LISTING})
    assert venue.method_refusal(TradingMethod.BLOCK, "ccer") is not None
    assert all(preset(n).venue.offers(TradingMethod.BLOCK) for n in PRESETS if n != "ccer")


def test_ccer_venue_admits_legal_persons_only() -> None:
    assert preset("ccer").venue.subjects == frozenset({"entity", "institution"})
    assert "individual" in preset("cn").venue.subjects


def test_ccer_listing_fee_is_6_permille_of_the_value_per_side() -> None:
    fees = preset("ccer").fees
    for side in ("buy", "sell"):
        assert fees.fee("listing", side, 2_000_000) == 12_000  # ¥20,000 → ¥120
    assert "fees.rates" not in preset("ccer").unconfirmed  # the fee is verified


def test_ccer_venue_lists_the_ccer_product_only() -> None:
    assert preset("ccer").venue.products == frozenset({"CCER"})
    assert preset("ccer").vintages.vintages == ()


def test_ccer_calendar_hours_and_band_are_configurable_and_marked_unconfirmed() -> None:
    r = CliRunner().invoke(app, ["rules", "--preset", "ccer"])
    assert r.exit_code == 0, r.output
    rows = _rows(r.stdout)
    for name in ("trading.calendar", "trading.listing_sessions", "trading.listing_band_bps",
                 "trading.first_day"):  # fmt: skip
        assert rows[name].endswith("[U]"), (name, rows[name])
    assert rows["venue.methods"] == "listing"
    assert rows["venue.subjects"] == "entity, institution"
    assert rows["fees.rates"].startswith("listing buy")
