"""The demo runs the detectors over each trading day it closes, once, from the journal written
since the last day it surveyed (the regulator's desk has the day's alerts the next morning)."""

from __future__ import annotations

from dsl import Given

from openets.ops.eod import run_end_of_day
from openets.sim.demo import Surveyor
from openets.supervision import messages as sm
from openets.supervision.port import sup
from openets.trading.book import Side
from openets.trading.commands import PostListing, TakeListing

CEA = "CEA19-20"


def _wash_trading_day(g: Given) -> None:
    """Two linked accounts trade with each other on 2021-07-16 (a wash trade alert)."""
    g.instrument(CEA, "48.00")
    a, b = g.account(tonnes={CEA: 1_000}), g.account(fen=10**8)
    g.ok(sm.LinkAccounts("集团甲", (a, b), "same parent company"), "reg1")
    g.at("2021-07-16T09:31+08:00")
    lid = g.ok(PostListing(a, CEA, Side.SELL, 5000, 400))[-1].listing_id
    g.ok(TakeListing(lid, b, 400))
    g.at("2021-07-16T15:30+08:00")


def test_the_demo_surveys_each_day_it_closes_once() -> None:
    g = Given.in_memory("2021-07-16T09:00+08:00")
    surveyor = Surveyor.from_now(g.engine)
    _wash_trading_day(g)
    surveyor.after_step()  # the day is not closed yet: nothing to survey
    assert sup(g.state).runs == {}
    run_end_of_day(g.engine)
    surveyor.after_step()
    surveyor.after_step()  # the same day again: not surveyed twice
    runs = list(sup(g.state).runs.values())
    assert [r.day for r in runs] == ["2021-07-16"]
    detectors = {r.alert.detector for r in sup(g.state).alerts.values()}
    assert "wash_trade" in detectors


def test_the_days_closed_before_the_demo_starts_are_not_surveyed() -> None:
    g = Given.in_memory("2021-07-16T09:00+08:00")
    _wash_trading_day(g)
    run_end_of_day(g.engine)
    Surveyor.from_now(g.engine).after_step()
    assert sup(g.state).runs == {}
