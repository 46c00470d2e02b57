"""What the API and the CLI read: obligations with status, summaries, the report; and that a
market on disk comes back with the same compliance state."""

from __future__ import annotations

import json
from pathlib import Path

from compliance_engine_world import (
    CEA21,
    FINAL_T,
    OBLIGATION_T,
    PRE_T,
    World,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from openets.bootstrap import open_market
from openets.cli import app
from openets.compliance import queries
from openets.compliance.cycle_messages import RecordSurrender
from openets.compliance.rules import SurrenderItem
from openets.compliance.service_reads import reconcile
from openets.domain.clock import SimulatedClock, parse_iso
from openets.domain.rejection import Rejection
from openets.registry import commands as rc
from openets.registry.model import SystemRole


def _three_entities(db: Path | None = None) -> World:
    """E1 compliant, E2 short by 39,200 t, E3 only pre-allocated (pending), at 2024-01-05."""
    w = World(db=db)
    w.budget(2021, 3_000_000)
    w.finalised("E1")
    w.finalised("E2")
    w.entity("E3")
    w.pre("E3")
    w.at("2023-12-01T10:00+08:00")
    w.surrender("E1", 2021, (CEA21, OBLIGATION_T))
    w.surrender("E2", 2021, (CEA21, 900_000))
    w.at("2024-01-05T10:00+08:00")
    return w


def test_obligations_of_an_account_show_the_status() -> None:
    w = _three_entities()
    (view,) = queries.obligations(w.comp, 2021, account_id=w.accounts["E2"])
    assert (view.entity_id, view.obligation_t, view.surrendered_t) == ("E2", OBLIGATION_T, 900_000)
    assert (view.shortfall_t, view.status, view.report_status) == (39_200, "shortfall", "approved")
    assert view.as_dict()["deadline"] == "2023-12-31"
    assert view.as_dict()["surrendered_by_product"] == {CEA21: 900_000}


def test_entity_year_without_an_obligation_is_pending() -> None:
    w = _three_entities()
    view = queries.obligation_of(w.comp, "E3", 2021)
    assert view is not None
    assert (view.status, view.obligation_t, view.preallocation_t) == ("pending", None, PRE_T)


def test_obligations_of_a_province_and_the_national_summary() -> None:
    w = _three_entities()
    assert [v.entity_id for v in queries.obligations(w.comp, 2021, province="山东")] == [
        "E1",
        "E2",
        "E3",
    ]
    assert queries.obligations(w.comp, 2021, province="广东") == ()
    national = queries.national_summary(w.comp, 2021)
    assert (national.entities, national.compliant, national.shortfall) == (2, 1, 1)
    assert national.shortfall_t == 39_200
    (province,) = queries.province_summaries(w.comp, 2021)
    assert queries.summary_dict(province)["rate"] == "97.91"


def test_account_of_no_entity_has_no_obligations() -> None:
    w = _three_entities()
    other = w.g.account()
    assert queries.entity_of_account(w.comp, other) is None
    assert queries.obligations(w.comp, 2021, account_id=other) == ()


def test_market_on_disk_reopens_with_the_same_compliance_state(tmp_path: Path) -> None:
    db = tmp_path / "market.db"
    w = _three_entities(db)
    before = (w.state.state_hash(), queries.canonical(w.comp))
    w.g.engine.journal.close()
    again = open_market(f"sqlite:///{db}", SimulatedClock(parse_iso("2024-01-06T10:00+08:00")))
    assert again.state.state_hash() == before[0]
    assert queries.canonical(again.state.compliance) == before[1]


def test_snapshot_of_the_compliance_state_recovers_to_the_same_hash() -> None:
    w = _three_entities()
    snap = w.g.engine.snapshot()
    w.surrender("E2", 2021, (CEA21, 1_000))
    after = w.state.state_hash()
    assert w.g.engine.recover(use_snapshot=True) == 2  # the surrender and its registry move
    assert snap.state_hash != after == w.state.state_hash()
    assert w.comp.years[("E2", 2021)].late_t == 1_000


def test_cli_report_lists_each_entity_with_its_status(tmp_path: Path) -> None:
    db = tmp_path / "market.db"
    _three_entities(db).g.engine.journal.close()
    url = f"sqlite:///{db}"
    out = CliRunner().invoke(app, ["compliance", "report", "--db", url, "--year", "2021"])
    assert out.exit_code == 0, out.output
    lines = out.stdout.splitlines()
    assert lines[0].startswith("entity_id,province,year,obligation_t")
    assert lines[1] == f"E1,山东,2021,{OBLIGATION_T},{OBLIGATION_T},0,0,100.00,compliant"
    assert lines[2] == f"E2,山东,2021,{OBLIGATION_T},900000,0,39200,95.83,shortfall"
    args = ["compliance", "report", "--db", url, "--year", "2021", "--format", "json"]
    doc = json.loads(CliRunner().invoke(app, args).stdout)
    assert doc["national"]["shortfall"] == 1 and len(doc["entities"]) == 2


def test_cli_report_with_an_unknown_format_exits_1(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    args = ["compliance", "report", "--db", url, "--year", "2021", "--format", "xml"]
    out = CliRunner().invoke(app, args)
    assert out.exit_code == 1 and "--format must be csv or json" in out.stderr


_ITEM = st.tuples(
    st.sampled_from([CEA21, "CCER", "CEA19-20", "CEA23", "CEA2X"]),
    st.one_of(st.integers(-5, 50_000), st.integers(50_000, 400_000)),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.lists(_ITEM, min_size=1, max_size=3), st.integers(0, 800), st.booleans()),
        min_size=1,
        max_size=6,
    )
)
def test_any_surrender_sequence_conserves_allowances_and_matches_the_registry(
    attempts: list[tuple[list[tuple[str, int]], int, bool]],
) -> None:
    """Whatever is tried, on time or late, through compliance or the registry: no invariant
    breaks, CCER stays within 5%, and the registry retired exactly what compliance counts."""
    w = World()
    w.budget(2021, 1_000_000)
    acct = w.finalised("E1")
    for prod, q in (("CCER", 60_000), ("CEA19-20", 10_000)):
        w.g.ok(rc.Issue(acct, prod, q, "holdings"))
    w.at("2023-06-01T10:00+08:00")
    for pairs, days, via_registry in attempts:
        w.g.clock.advance(seconds=days * 86_400)
        cmd = (
            rc.Surrender(acct, 2021, tuple(pairs))
            if via_registry
            else RecordSurrender("E1", 2021, tuple(SurrenderItem(p, q) for p, q in pairs))
        )
        before = w.state.state_hash()
        r = w.g.engine.submit(cmd, "op-E1")
        if isinstance(r, Rejection):
            assert w.state.state_hash() == before
    ey = w.comp.years[("E1", 2021)]
    assert w.state.violations() == [] and reconcile(w.state) == []
    assert ey.ccer_t <= 46_960 and ey.on_time_t + ey.late_t <= OBLIGATION_T
    for prod in (CEA21, "CEA19-20"):
        assert w.held(w.system(SystemRole.SURRENDER), prod) == ey.by_product.get(prod, 0)
    assert w.held(w.system(SystemRole.CANCELLATION), "CCER") == ey.ccer_t
    assert w.held(acct) == FINAL_T - ey.by_product.get(CEA21, 0)


def test_registry_report_shows_compliance_by_holder(tmp_path: Path) -> None:
    w = _three_entities(tmp_path / "m.db")
    res = CliRunner().invoke(
        app,
        ["report", "registry", "--db", f"sqlite:///{tmp_path / 'm.db'}", "--format", "json",
         "--lang", "en"],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    lines = {c["account_id"]: c for c in json.loads(res.output)["compliance"]}
    e1, e2, e3 = (w.accounts[e] for e in ("E1", "E2", "E3"))
    assert (lines[e1]["status"], lines[e1]["surrendered_t"]) == ("compliant", str(OBLIGATION_T))
    assert (lines[e2]["status"], lines[e2]["surrendered_t"]) == ("shortfall", "900000")
    assert lines[e3]["status"] == "pending"
