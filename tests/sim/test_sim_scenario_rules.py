"""Rule-by-rule changes in scenario files: any single field of the market rules by its dotted
path, checked before anything runs, fixed with the preset at the market's start (journaled)."""

from __future__ import annotations

from pathlib import Path

import pytest

from openets.bootstrap import open_market
from openets.domain.clock import SimulatedClock, parse_iso
from openets.domain.rejection import Rejection
from openets.ops.verify import replay_market
from openets.presets import preset
from openets.registry.genesis_service import Genesis
from openets.rule_overrides import RuleOverrideError, apply_overrides, encode
from openets.sim.scenarios import ScenarioError, parse_scenarios
from openets.sim.simulate import config_rules, run_simulation
from openets.sim.sweep import run_one
from openets.supervision.reserves import BandReserveRules

pytestmark = pytest.mark.own_db  # SQLite files of its own, whatever --db says


BASE = """
[baseline]
year = 2021
entities = 8
days = 2
"""


def test_scenario_changes_one_market_rule_by_its_dotted_path() -> None:
    base, wide = parse_scenarios(BASE + "[scenario.wide]\nrules.trading.listing_band_bps = 1500\n")
    assert config_rules(base.config).trading.listing_band_bps == 1_000  # cn: ±10%
    rules = config_rules(wide.config)
    assert rules.trading.listing_band_bps == 1_500
    assert rules.block == preset("cn").block and rules.reserves == preset("cn").reserves
    assert wide.changes == (("rules.trading.listing_band_bps", 1_500),)


def test_scenario_rule_change_replaces_the_baselines_change_of_that_rule() -> None:
    text = BASE + 'rules.auction.pricing = ["uniform"]\nrules.block.min_qty = 50000\n'
    text += "[scenario.s]\nrules.block.min_qty = 200000\n"
    base, s = parse_scenarios(text)
    assert config_rules(base.config).block.min_qty == 50_000
    got = config_rules(s.config)
    assert got.block.min_qty == 200_000 and [p.value for p in got.auction.pricing] == ["uniform"]


def test_scenario_turns_on_a_reserve_the_preset_lacks_given_whole() -> None:
    text = BASE + "[scenario.band]\n"
    text += "rules.reserves.band = {low = 4000, high = 6000, days = 3, quantity = 500000}\n"
    _, s = parse_scenarios(text)
    band = config_rules(s.config).reserves.band
    assert band == BandReserveRules(4_000, 6_000, 3, 500_000)


def test_scenario_rule_with_an_unknown_path_is_refused_naming_the_field_and_the_rules() -> None:
    with pytest.raises(ScenarioError, match=r"scenario 'x': rules\.trading\.band_bps: no such "
                       r"rule; trading has .*listing_band_bps.*, was 5"):  # fmt: skip
        parse_scenarios("[scenario.x]\nrules.trading.band_bps = 5\n")
    starts = r"starts with one of trading, block, auction, fees, risk, settlement"
    with pytest.raises(ScenarioError, match=r"rules\.clearing\.x: no such rule; a rule's path "
                       + starts):  # fmt: skip
        parse_scenarios("[scenario.x]\nrules.clearing.x = 5\n")


def test_scenario_rule_of_the_wrong_type_is_refused_naming_the_value_and_the_rule() -> None:
    with pytest.raises(ScenarioError, match=r"rules\.trading\.listing_band_bps: must be a whole "
                       r"number or \"none\", was \"wide\""):  # fmt: skip
        parse_scenarios('[scenario.x]\nrules.trading.listing_band_bps = "wide"\n')
    with pytest.raises(ScenarioError, match=r"rules\.trading\.matching: must be one of listing, "
                       r"continuous, was \"auction\""):  # fmt: skip
        parse_scenarios('[scenario.x]\nrules.trading.matching = "auction"\n')
    with pytest.raises(ScenarioError, match=r"rules\.block\.min_qty: must be a whole number, "
                       r"was true"):  # fmt: skip
        parse_scenarios("[scenario.x]\nrules.block.min_qty = true\n")


def test_scenario_rule_a_part_refuses_is_refused_with_the_parts_rule() -> None:
    text = "[scenario.x]\nrules.reserves.band = {low = 6000, high = 4000, days = 3, quantity = 1}\n"
    with pytest.raises(ScenarioError, match=r"rules\.reserves\.band: 0 < low < high"):
        parse_scenarios(text)
    with pytest.raises(ScenarioError, match=r"rules\.reserves\.band: is off in the preset: set "
                       r"it whole, with low, high, quantity, was \{\"days\": 3\}"):  # fmt: skip
        parse_scenarios("[scenario.x]\nrules.reserves.band.days = 3\n")


def test_a_run_uses_the_changed_rules_and_differs_from_the_baseline() -> None:
    text = BASE + '[scenario.no-band]\nrules.trading.listing_band_bps = "none"\n'
    base, s = parse_scenarios(text)
    r0, r1 = run_simulation(base.config), run_simulation(s.config)
    assert r1.config.rules == (("trading.listing_band_bps", '"none"'),)
    assert r0.state_hash != r1.state_hash  # the changed rules are part of the market's state


def test_market_started_with_rule_changes_replays_to_the_same_rules(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    changes = encode([("trading.listing_band_bps", 2_000), ("block.min_qty", 1_000)])
    market = open_market(url, SimulatedClock(parse_iso("2021-07-16T09:00+08:00")), rules=changes)
    st = market.engine.state
    assert (st.rules.trading.listing_band_bps, st.rules.block.min_qty) == (2_000, 1_000)
    _, replayed, _ = replay_market(url)
    assert replayed == st.state_hash()
    market.engine.journal.close()
    again = open_market(url, SimulatedClock(parse_iso("2021-07-16T09:00+08:00")))
    assert again.engine.state.rules.trading.listing_band_bps == 2_000
    again.engine.journal.close()


def test_market_start_with_a_bad_rule_change_is_rejected_naming_the_field() -> None:
    market = open_market(None, SimulatedClock(parse_iso("2021-07-16T09:00+08:00")), genesis=False)
    r = market.engine.submit(Genesis("cn", encode([("trading.tick_fen", "1")])), "system")
    assert isinstance(r, Rejection) and r.field == "rules.trading.tick_fen"
    assert '"1"' in r.message and "whole number" in r.message
    assert market.engine.state.preset == ""  # nothing configured


def test_rule_change_names_a_list_item_by_its_place() -> None:
    with pytest.raises(RuleOverrideError) as exc:
        apply_overrides(preset("cn"), [("trading.listing_sessions", [["09:30", "25:00"]])])
    assert exc.value.path == "trading.listing_sessions.0.1" and "HH:MM" in str(exc.value)


def test_a_run_with_a_band_reserve_releases_at_each_end_of_day_and_the_sweep_counts_it() -> None:
    # a band below any price (1.00-2.00 yuan), 1 close: the end of each of the 2 days releases
    # 1,000,000 t of the 5,000,000 in the reserve onto offer by one-way bidding; the first
    # bidding, closing on day 2 without bids, gives its 1,000,000 t back to the reserve
    text = BASE + "[scenario.band]\nreserve_t = 5000000\n"
    text += "rules.reserves.band = {low = 100, high = 200, days = 1, quantity = 1000000}\n"
    base, s = parse_scenarios(text)
    r = run_one(s.name, s.config, 1)
    assert (r.reserve_out_t, r.reserve_in_t, r.reserve_refused) == (1_000_000, 0, 0)
    assert run_one(base.name, base.config, 1).reserve_out_t == 0


def test_a_band_reserve_with_nothing_to_release_counts_refused_operations() -> None:
    text = BASE + "[scenario.band]\n"
    text += "rules.reserves.band = {low = 100, high = 200, days = 1, quantity = 1000000}\n"
    _, s = parse_scenarios(text)
    r = run_one(s.name, s.config, 1)
    assert (r.reserve_out_t, r.reserve_refused) == (0, 2)
