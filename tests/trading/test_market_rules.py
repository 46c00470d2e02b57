"""One MarketRules per preset: every rule in one value, unconfirmed values marked, all read."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest
from dsl import Given, fresh_uscc
from sources import parse as parse_source

from openets.clearing.fees import FeeRate, FeeSchedule
from openets.domain.money import parse_yuan
from openets.domain.rejection import Code
from openets.presets import CN, PRESETS, MarketRules, rule_fields
from openets.registry import commands as rc
from openets.registry.model import SubjectType
from openets.supervision.port import check_position_limit, risk_rules
from openets.supervision.risk import CN_PILOT_ANALOGUE
from openets.trading.auction import AuctionSide, PricingRule, TieBreak
from openets.trading.auction_messages import AnnounceAuction
from openets.trading.book import Side
from openets.trading.commands import PostListing, TakeListing
from openets.trading.events import TradeExecuted

CEA = "CEA19-20"
PACKAGE = Path(__file__).resolve().parents[2] / "openets"


def _market(preset: str = "cn") -> Given:
    g = Given.in_memory("2021-07-16T09:00+08:00", preset=preset)
    g.instrument(CEA, "48.00")
    g.at("2021-07-16T09:30+08:00")
    return g


def _with(g: Given, **parts: object) -> None:
    """This market's rules with some parts replaced (as a preset of them would be)."""
    g.state.rules = dataclasses.replace(g.state.rules, **parts)


# --- position limits: none in cn, the pilot's as a named option ---------------------------------


def test_cn_preset_has_no_position_limits_by_default() -> None:
    g = _market()
    rr = risk_rules(g.state)
    assert rr.position == () and rr.reporting == () and "[U]" in rr.source
    inst = g.ok(rc.OpenAccount(SubjectType.INSTITUTION, "某投资机构", fresh_uscc(), "上海"))
    acct = inst[0].account_id
    assert check_position_limit(g.state, acct, CEA, 5_000_000) is None


def test_cn_pilot_limits_preset_enforces_the_beijing_pilot_limits() -> None:
    g = _market("cn-pilot-limits")
    assert risk_rules(g.state) is CN_PILOT_ANALOGUE
    inst = g.ok(rc.OpenAccount(SubjectType.INSTITUTION, "某投资机构", fresh_uscc(), "上海"))
    acct = inst[0].account_id
    assert check_position_limit(g.state, acct, CEA, 1_000_000) is None
    r = check_position_limit(g.state, acct, CEA, 1_000_001)
    assert r is not None and r.code is Code.POSITION_LIMIT and "Beijing pilot" in r.message


def test_cn_pilot_limits_differs_from_cn_only_in_its_risk_rules() -> None:
    pilot = PRESETS["cn-pilot-limits"]
    assert dataclasses.replace(pilot, name="cn", risk=CN.risk) == CN


# --- unconfirmed values ---------------------------------------------------------------------------


def test_cn_unconfirmed_lists_the_values_the_reference_marks_unconfirmed() -> None:
    u = set(CN.unconfirmed)
    assert {"fees.rates", "risk.position", "risk.reporting", "auction.pricing"} <= u
    assert {"trading.prevent_self_trade", "auction.tie_breaks"} <= u
    verified = {"trading.listing_band_bps", "trading.listing_max_qty", "trading.best_levels"}
    assert not (verified | {"block.min_qty", "block.band_bps", "block.sessions"}) & u


def test_cn_unconfirmed_values_take_the_reference_defaults() -> None:
    assert all(CN.fees.fee(m, s, 10**9) == 0 for m in ("listing", "block", "auction")
               for s in ("buy", "sell"))  # fmt: skip
    assert (CN.risk.position, CN.risk.reporting) == ((), ())
    assert set(CN.auction.pricing) == set(PricingRule)  # selectable by configuration


def test_unconfirmed_names_only_fields_of_the_rules() -> None:
    for rules in PRESETS.values():
        names = {n for n, _ in rule_fields(rules)}
        assert set(rules.unconfirmed) <= names, rules.name
    with pytest.raises(ValueError, match=r"trading\.no_such_rule"):
        dataclasses.replace(CN, unconfirmed=("trading.no_such_rule",))


# --- block rules: written once, the market's tick and time zone -------------------------------


def test_block_rules_with_another_tick_than_the_market_are_refused() -> None:
    with pytest.raises(ValueError, match="block tick 5 fen"):
        dataclasses.replace(CN, block=dataclasses.replace(CN.block, tick_fen=5))
    with pytest.raises(ValueError, match="block time zone"):
        dataclasses.replace(CN, block=dataclasses.replace(CN.block, timezone="Europe/Berlin"))


# --- settlement and auction rules, read where they apply ---------------------------------------


def test_sale_proceeds_are_not_buying_power_when_the_settlement_rules_say_so() -> None:
    g = _market()
    _with(g, settlement=dataclasses.replace(CN.settlement, sale_proceeds_reusable_same_day=False))
    s, b, s2 = g.account(tonnes={CEA: 100}), g.account(fen=10**7), g.account(tonnes={CEA: 100})
    lid = g.ok(PostListing(s, CEA, Side.SELL, parse_yuan("50.00"), 100))[-1].listing_id
    g.ok(TakeListing(lid, b, 100))
    lid2 = g.ok(PostListing(s2, CEA, Side.SELL, parse_yuan("50.00"), 100))[-1].listing_id
    assert g.rejects(TakeListing(lid2, s, 100)).code is Code.INSUFFICIENT_FUNDS
    assert g.rejects(PostListing(s, CEA, Side.BUY, 5000, 1)).code is Code.INSUFFICIENT_FUNDS


def test_auction_pricing_the_market_does_not_offer_is_not_permitted() -> None:
    g = _market()
    _with(g, auction=dataclasses.replace(CN.auction, pricing=(PricingRule.UNIFORM,)))
    seller = g.account(tonnes={CEA: 1_000})
    cmd = AnnounceAuction(
        seller, AuctionSide.SELL, CEA, 1_000, 4000, "2021-07-16T10:00+08:00",
        pricing=PricingRule.PAY_AS_BID,
    )  # fmt: skip
    r = g.rejects(cmd, "exchange")
    assert (r.code, r.field) == (Code.NOT_PERMITTED, "pricing") and "uniform" in r.message
    _with(g, auction=dataclasses.replace(CN.auction, tie_breaks=(TieBreak.TIME,)))
    r = g.rejects(dataclasses.replace(cmd, pricing=PricingRule.UNIFORM,
                                      tie_break=TieBreak.RANDOM), "exchange")  # fmt: skip
    assert (r.code, r.field) == (Code.NOT_PERMITTED, "tie_break")


def test_fees_of_the_market_rules_are_charged_on_trades() -> None:
    g = _market()
    _with(g, fees=FeeSchedule((("listing", "buy", FeeRate(bps=10)),)))
    s, b = g.account(tonnes={CEA: 100}), g.account(fen=10**7)
    lid = g.ok(PostListing(s, CEA, Side.SELL, parse_yuan("50.00"), 100))[-1].listing_id
    (trade,) = [e for e in g.ok(TakeListing(lid, b, 100)) if isinstance(e, TradeExecuted)]
    assert (trade.buyer_fee, trade.seller_fee) == (500, 0)  # 10 bps of 5,000.00 yuan


# --- every field is read --------------------------------------------------------------------------


def _reads() -> set[str]:
    """Attribute names read in the package, outside the rule definitions' own validation."""
    out: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        tree = parse_source(path.read_text(encoding="utf-8"))
        skip: set[int] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and node.name in ("__post_init__", "errors"):
                skip |= {id(n) for n in ast.walk(node)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and id(node) not in skip:
                out.add(node.attr)
    return out


def test_every_rules_field_is_read_by_the_code() -> None:
    """Each field of every preset is read by name somewhere (not only validated or printed)."""
    reads = _reads()
    unread = sorted(
        name
        for rules in PRESETS.values()
        for name, _ in rule_fields(rules)
        if name.rsplit(".", 1)[-1] not in reads
    )
    assert unread == []
    assert isinstance(CN, MarketRules)
