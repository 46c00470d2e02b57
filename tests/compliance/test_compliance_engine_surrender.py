"""Surrender through the engine: compliance rules and registry move together or not at all."""

from __future__ import annotations

import pytest
from compliance_engine_world import (
    CCER_LIMIT_T,
    CEA21,
    FINAL_T,
    OBLIGATION_T,
    World,
    items,
    op,
)

from openets.compliance import queries
from openets.compliance.cycle_messages import RecordSurrender, SurrenderRecorded
from openets.compliance.service_reads import reconcile
from openets.domain.rejection import Code
from openets.registry import commands as rc
from openets.registry.events import LedgerPosted
from openets.registry.model import SystemRole, TxType

CCER = "CCER"


@pytest.fixture
def w() -> World:
    """E1 finalised for 2021 (943,180 t of CEA21, obligation 939,200 t), mid-2023."""
    w = World()
    w.budget(2021, 3_000_000)
    w.finalised("E1")
    w.at("2023-06-01T10:00+08:00")
    return w


def test_surrender_of_cea_moves_it_to_the_surrender_account_and_counts_on_time(w: World) -> None:
    acct = w.accounts["E1"]
    recorded, tx = w.surrender("E1", 2021, (CEA21, OBLIGATION_T))
    assert isinstance(recorded, SurrenderRecorded) and not recorded.late
    assert (tx.tx_type, tx.ref) == (TxType.SURRENDER, "2021")
    assert w.held(acct) == FINAL_T - OBLIGATION_T
    assert w.held(w.system(SystemRole.SURRENDER)) == OBLIGATION_T
    ey = w.comp.years[("E1", 2021)]
    assert (ey.on_time_t, ey.late_t, ey.by_product) == (OBLIGATION_T, 0, {CEA21: OBLIGATION_T})
    assert queries.obligation_of(w.comp, "E1", 2021).status == "compliant"  # type: ignore[union-attr]


def test_ccer_within_5_percent_is_cancelled_as_an_offset(w: World) -> None:
    acct = w.accounts["E1"]
    w.g.ok(rc.Issue(acct, CCER, 50_000, "offset credits"))
    pairs = ((CEA21, OBLIGATION_T - CCER_LIMIT_T), (CCER, CCER_LIMIT_T))
    _, surrendered, cancelled = w.surrender("E1", 2021, *pairs)
    assert surrendered.tx_type is TxType.SURRENDER
    assert (cancelled.tx_type, cancelled.ref) == (TxType.CANCELLATION, "2021")
    assert w.held(w.system(SystemRole.CANCELLATION), CCER) == CCER_LIMIT_T
    assert w.held(acct, CCER) == 50_000 - CCER_LIMIT_T
    assert w.comp.years[("E1", 2021)].ccer_t == CCER_LIMIT_T
    assert queries.obligation_of(w.comp, "E1", 2021).status == "compliant"  # type: ignore[union-attr]


def test_ccer_over_5_percent_is_rejected_with_ccer_cap_and_changes_nothing(w: World) -> None:
    acct = w.accounts["E1"]
    w.g.ok(rc.Issue(acct, CCER, 50_000, "offset credits"))
    cmd = RecordSurrender("E1", 2021, items((CEA21, 100_000), (CCER, CCER_LIMIT_T + 1)))
    r = w.g.rejects(cmd, op("E1"))
    assert r.code is Code.CCER_CAP and r.field == "items"
    assert str(CCER_LIMIT_T + 1) in r.message and str(CCER_LIMIT_T) in r.message
    assert (w.held(acct), w.held(acct, CCER)) == (FINAL_T, 50_000)
    assert w.comp.years[("E1", 2021)].on_time_t == 0


def test_ccer_cap_counts_earlier_ccer_surrenders(w: World) -> None:
    w.g.ok(rc.Issue(w.accounts["E1"], CCER, 50_000, "offset credits"))
    w.surrender("E1", 2021, (CCER, CCER_LIMIT_T))
    r = w.g.rejects(RecordSurrender("E1", 2021, items((CCER, 1))), op("E1"))
    assert r.code is Code.CCER_CAP


def test_vintage_of_a_later_cycle_is_rejected(w: World) -> None:
    w.g.ok(rc.Issue(w.accounts["E1"], "CEA23", 10, "test"))
    r = w.g.rejects(RecordSurrender("E1", 2021, items(("CEA23", 10))), op("E1"))
    assert r.code is Code.INELIGIBLE_VINTAGE and r.field == "items[0].product"


def test_banked_earlier_vintage_is_eligible(w: World) -> None:
    w.g.ok(rc.Issue(w.accounts["E1"], "CEA19-20", 1_000, "banked"))
    w.surrender("E1", 2021, ("CEA19-20", 1_000))
    assert w.held(w.system(SystemRole.SURRENDER), "CEA19-20") == 1_000


def test_surrender_beyond_the_obligation_is_rejected(w: World) -> None:
    r = w.g.rejects(RecordSurrender("E1", 2021, items((CEA21, OBLIGATION_T + 1))), op("E1"))
    assert r.code is Code.QUANTITY_OUT_OF_RANGE


def test_surrender_beyond_available_holdings_is_rejected_and_compliance_is_unchanged(
    w: World,
) -> None:
    acct = w.accounts["E1"]
    w.g.ok(rc.Freeze(acct, CEA21, 500_000, "court order"))
    r = w.g.rejects(RecordSurrender("E1", 2021, items((CEA21, 500_000))), op("E1"))
    assert r.code is Code.INSUFFICIENT_HOLDINGS and "443180 t" in r.message
    assert w.comp.years[("E1", 2021)].on_time_t == 0


def test_surrender_before_the_obligation_is_known_is_rejected() -> None:
    w = World()
    w.budget(2021, 1_000_000)
    w.entity("E1")
    w.pre("E1")
    r = w.g.rejects(RecordSurrender("E1", 2021, items((CEA21, 1))), op("E1"))
    assert r.code is Code.INVALID_STATE and r.field == "compliance_year"


def test_surrender_by_someone_not_acting_for_the_entity_is_rejected(w: World) -> None:
    r = w.g.rejects(RecordSurrender("E1", 2021, items((CEA21, 1))), "op-someone")
    assert r.code is Code.NOT_PERMITTED


def test_registry_surrender_of_an_entity_account_is_a_compliance_surrender(w: World) -> None:
    acct = w.accounts["E1"]
    events = w.g.ok(rc.Surrender(acct, 2021, ((CEA21, 1_000),)), "owner-user")
    assert [type(e) for e in events] == [SurrenderRecorded, LedgerPosted]
    assert w.comp.years[("E1", 2021)].on_time_t == 1_000
    w.g.ok(rc.Issue(acct, CCER, 50_000, "offset credits"))
    r = w.g.rejects(rc.Surrender(acct, 2021, ((CCER, CCER_LIMIT_T + 1),)), "owner-user")
    assert r.code is Code.CCER_CAP


def test_registry_surrender_of_an_account_without_an_entity_stays_a_registry_one(
    w: World,
) -> None:
    acct = w.g.account(tonnes={CEA21: 100})
    (tx,) = w.g.ok(rc.Surrender(acct, 2021, ((CEA21, 100),)))
    assert tx.tx_type is TxType.SURRENDER
    assert w.comp.years[("E1", 2021)].on_time_t == 0


def test_registry_surrender_with_malformed_items_is_rejected(w: World) -> None:
    r = w.g.rejects(rc.Surrender(w.accounts["E1"], 2021, ((CEA21,),)))  # type: ignore[arg-type]
    assert r.code is Code.INVALID_FIELD and r.field == "items"
    r = w.g.rejects(rc.Surrender(w.accounts["E1"], 2021, ((CEA21, 1.5),)))  # type: ignore[arg-type]
    assert r.code is Code.INVALID_QUANTITY and r.field == "items[0].quantity"
    r = w.g.rejects(rc.Surrender(w.accounts["E1"], "2021", ((CEA21, 1),)))  # type: ignore[arg-type]
    assert r.code is Code.INVALID_FIELD and r.field == "compliance_year"


def test_status_is_compliant_late_or_shortfall_around_the_deadline() -> None:
    """Plan 2021's deadline is 2023-12-31 (Beijing): the last minute counts, the next does not."""
    w = World()
    w.budget(2021, 3_000_000)
    for e in ("E1", "E2", "E3"):
        w.finalised(e)
    w.at("2023-12-31T23:59+08:00")
    w.surrender("E1", 2021, (CEA21, OBLIGATION_T))
    w.surrender("E2", 2021, (CEA21, 900_000))
    w.surrender("E3", 2021, (CEA21, 500_000))
    w.at("2024-01-01T00:00+08:00")
    (late, _) = w.surrender("E2", 2021, (CEA21, OBLIGATION_T - 900_000))
    assert late.late
    status = {v.entity_id: (v.status, v.shortfall_t) for v in queries.obligations(w.comp, 2021)}
    assert status == {
        "E1": ("compliant", 0),
        "E2": ("late", 0),
        "E3": ("shortfall", OBLIGATION_T - 500_000),
    }
    assert w.state.violations() == [] and reconcile(w.state) == []
