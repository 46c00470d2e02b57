"""The simulator runs the compliance cycle through the engine: its report and the registry's
compliance report read the same records."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from openets.bootstrap import open_market
from openets.domain.clock import SimulatedClock, parse_iso
from openets.sim.report import summary
from openets.sim.seed_cycle import REGULATOR
from openets.sim.seed_market import cycle_for, cycle_positions, seed_market
from openets.sim.simulate import SimConfig, run_simulation


def _report(db: str, year: int, cwd: Path) -> dict:  # type: ignore[type-arg]
    out = subprocess.run(
        [sys.executable, "-m", "openets.cli", "compliance", "report", "--db", db,
         "--year", str(year), "--format", "json"],
        capture_output=True, text=True, cwd=cwd, check=True,
    )  # fmt: skip
    doc: dict = json.loads(out.stdout)  # type: ignore[type-arg]
    return doc


def test_simulator_and_compliance_report_give_the_same_figures_on_one_database(
    tmp_path: Path,
) -> None:
    db = f"sqlite:///{tmp_path / 'sim.db'}"
    result = run_simulation(SimConfig(entities=24, year=2021, seed=5, days=6, db_url=db))
    s = summary(result)
    reports = [_report(db, year, tmp_path) for year in (2019, 2020)]
    # per entity: the cycle's obligation and surrenders are the report's two years summed
    by_entity: dict[str, list[int]] = {}
    for doc in reports:
        for row in doc["entities"]:
            acc = by_entity.setdefault(row["entity_id"], [0, 0])
            acc[0] += row["obligation_t"]
            acc[1] += row["surrendered_t"]
    assert {o.entity_id: [o.obligation_t, o.surrendered_t] for o in result.outcomes} == by_entity
    # nationally: obligations, surrenders, the rate and the fully compliant entities
    obligation = sum(d["national"]["obligation_t"] for d in reports)
    surrendered = sum(d["national"]["surrendered_t"] for d in reports)
    assert obligation == s["obligation_t"] == result.totals["obligation_t"]
    assert surrendered == sum(o.surrendered_t for o in result.outcomes) > 0
    met = sum(min(o.surrendered_t, o.obligation_t) for o in result.outcomes)
    assert s["compliance_ppm"] == met * 1_000_000 // obligation
    assert all(d["national"]["entities"] == 24 for d in reports)


def test_simulated_allocation_is_the_regulators_final_allocation_run() -> None:
    cycle = cycle_for(2021)
    positions = cycle_positions(cycle, 10, 2)
    market = open_market(None, SimulatedClock(parse_iso("2021-07-16T09:00+08:00")))
    seed_market(market.engine, cycle, positions, {})
    runs = market.state.compliance.runs
    assert [(r.kind, r.year, r.regulator, r.entities) for r in runs] == [
        ("final_allocation", 2019, REGULATOR, 10),
        ("final_allocation", 2020, REGULATOR, 10),
    ]
    assert sum(r.issued_t for r in runs) == sum(p.allocation_t for p in positions)
    reports = market.state.compliance.reports
    assert len(reports) == 20 and all(r.status.value == "approved" for r in reports.values())


def test_a_cycle_run_to_its_deadline_has_its_penalties_assessed_by_the_regulator(
    tmp_path: Path,
) -> None:
    db = f"sqlite:///{tmp_path / 'full.db'}"
    result = run_simulation(SimConfig(entities=40, year=2021, seed=3, db_url=db))
    p = result.penalties
    assert p.non_compliant > 0, "the seed must leave someone short for this test"
    # the regulator's runs fined every entity-year short of its obligation, at the lowest fine
    assert p.assessed_fen == p.fine_min_fen > 0
    short = {
        row["entity_id"]
        for year in (2019, 2020)
        for row in _report(db, year, tmp_path)["entities"]
        if row["status"] == "shortfall"
    }
    assert len(short) == p.non_compliant


def test_a_cycle_cut_before_its_deadline_assesses_no_penalty() -> None:
    result = run_simulation(SimConfig(entities=12, year=2021, seed=3, days=3))
    assert result.penalties.assessed_fen is None


def test_a_2024_cycle_run_to_its_deadline_has_the_carry_over_applied_by_the_regulator(
    tmp_path: Path,
) -> None:
    """The 2024 obligations are surrendered by 2025-12-31; after it the regulator applies the
    carry-over (one journaled ``ApplyCarryOver``) from the dated trade ledger."""
    db = f"sqlite:///{tmp_path / 'carry.db'}"
    result = run_simulation(SimConfig(entities=20, year=2025, seed=3, db_url=db))
    assert result.cycle.years == (2024,) and result.days[-1] == result.cycle.deadline
    market = open_market(db, SimulatedClock(parse_iso("2026-01-05T09:00+08:00")))
    try:
        comp = market.state.compliance
        assert set(comp.carry_over_applied) == set(comp.entities)  # power and industry
        traded = market.state.trading.traded(2019, 2024)
        for entity_id, (sold, bought, quota, held, excess) in comp.carry_over_applied.items():
            acct = comp.entities[entity_id].account_id
            assert (sold, bought) == traded.get(acct, (0, 0))
            assert quota == 10_000 + 3 * max(0, sold - bought) // 2
            assert excess == max(0, held - quota)
        kinds = [r.type for r in market.engine.journal.read(0) if r.type == "CarryOverApplied"]
        assert len(kinds) == len(comp.entities) >= 20
        assert {r.actor for r in market.engine.journal.read(0) if r.type == "CarryOverApplied"} == {
            REGULATOR
        }
    finally:
        market.engine.journal.close()
