"""The simulation report reads cleanly: no raw Markdown in the HTML, money at a readable
scale, one colour per trading method, prices only where they belong in daily.csv."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from openets.sim.report import (
    METHOD_COLOURS,
    REAL_FIGURES,
    _bn,
    _html,
    comparison_rows,
    daily_csv,
    summary,
    write_report,
)
from openets.sim.simulate import SimConfig, SimResult, run_simulation

pytestmark = pytest.mark.db_free


@pytest.fixture(scope="module")
def run() -> SimResult:
    return run_simulation(SimConfig(entities=30, year=2021, seed=7, days=8))


def test_report_html_has_no_raw_markdown_backticks(run: SimResult, tmp_path: Path) -> None:
    write_report(run, tmp_path)
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "`" not in page and "<code>" in page


def test_money_is_shown_at_a_readable_scale() -> None:
    assert _bn(2_000_000) == "RMB 20,000.00"  # a fine of RMB 20,000, not "RMB 0.000 bn"
    assert _bn(123_456_789_00) == "RMB 123.46 M"
    assert _bn(766_100_000_000) == "RMB 7.661 bn"


def test_daily_csv_gives_prices_on_the_listing_row_only(run: SimResult) -> None:
    rows = list(csv.DictReader(io.StringIO(daily_csv(run))))
    assert rows and {r["method"] for r in rows} >= {"listing"}
    for r in rows:
        priced = any(r[k] for k in ("open", "high", "low", "close"))
        assert priced == (r["method"] == "listing" and bool(r["close"])), r


def test_each_trading_method_has_one_colour_in_every_chart() -> None:
    assert set(METHOD_COLOURS) == {"listing", "block", "auction"}
    assert len(set(METHOD_COLOURS.values())) == 3


def test_real_block_share_of_cycle_1_is_shown(run: SimResult) -> None:
    assert REAL_FIGURES[2021]["block_share_ppm"] == 830_000
    rows = {name: real for name, _, real in comparison_rows(summary(run))}
    assert rows["Block share of volume"] == "83.00%"


def test_markdown_code_spans_become_code_elements() -> None:
    assert "<p>run <code>openets verify</code> &amp; see</p>" in _html("run `openets verify` & see")
