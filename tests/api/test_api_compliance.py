"""Compliance over a live server: obligations and their status (holder, operators, regulator,
verifier), the regulator's compliance report, and surrender through the registry endpoint,
which the engine makes a compliance surrender for a covered entity.

The covered entity E1 (山东) is driven through its 2021 cycle by engine commands (MRV and
allocation have no HTTP endpoint yet): pre-allocation 602,700 t, final allocation 943,180 t,
obligation 939,200 t. E2 (广东) is only pre-allocated (pending).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from liveapi import LiveApi, Participant
from marketapi import error, market_server, ok

from openets.compliance.cycle_messages import FinalizeAllocation, PreAllocate
from openets.compliance.mrv import (
    AppointRegulator,
    AppointVerifier,
    ApproveReport,
    RegisterEntity,
    RegisterInstallation,
    SubmitReport,
    VerifyReport,
)
from openets.compliance.plans import Category, Sector
from openets.compliance.service import IssueAllocation, ProvinceBudget
from openets.compliance.state import SYSTEM_ACTOR, ReportLine
from openets.registry.handlers import PROVINCES

ON_THE_RUNS_DATABASE = True  # on PostgreSQL in the PostgreSQL pass (tests/api/conftest.py)

NATIONAL, VERIFIER = "reg-cn", "ver-1"
OBLIGATION_T = 939_200
FINAL_T = 943_180


def line(unit: str, emissions: int, supply_mwh: int) -> ReportLine:
    return ReportLine(unit, emissions, supply_mwh * 1000, 0, 0, 900_000)


PRIOR = (line("U1", 0, 1_000_000), line("U2", 0, 100_000))
REPORT = (line("U1", 900_000, 1_100_000), line("U2", 40_000, 100_000))


@dataclass
class World:
    api: LiveApi
    e1: Participant
    e2: Participant


def _entity(api: LiveApi, entity_id: str, province: str) -> Participant:
    p = api.participant(province=province)
    op = f"op-{entity_id}"
    api.submit(
        RegisterEntity(entity_id, f"{entity_id} 电厂", province, p.account_id, (op,)), NATIONAL
    )
    for unit, cat in (("U1", Category.COAL_300_PLUS), ("U2", Category.GAS)):
        api.submit(RegisterInstallation(entity_id, unit, Sector.POWER, cat), NATIONAL)
    return p


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with market_server(
        tmp_path_factory.mktemp("compliance"), start="2022-03-01T10:00+08:00"
    ) as api:
        api.submit(AppointRegulator(NATIONAL, "CN"), SYSTEM_ACTOR)
        api.submit(AppointVerifier(VERIFIER, tuple(sorted(PROVINCES))), NATIONAL)
        budgets = (ProvinceBudget("山东", 3_000_000), ProvinceBudget("广东", 3_000_000))
        api.submit(IssueAllocation(2021, budgets), NATIONAL)
        e1 = _entity(api, "E1", "山东")
        e2 = _entity(api, "E2", "广东")
        for entity in ("E1", "E2"):
            api.submit(PreAllocate(entity, 2021, "2021", PRIOR), NATIONAL)
        api.submit(SubmitReport("E1", 2021, REPORT), "op-E1")
        api.submit(VerifyReport("E1", 2021, REPORT), VERIFIER)
        api.submit(ApproveReport("E1", 2021), NATIONAL)
        api.submit(FinalizeAllocation("E1", 2021, "2021"), NATIONAL)
        yield World(api, e1, e2)


def obligations(p: Participant, **params: object) -> dict[str, object]:
    return dict(
        ok(p.client.request("GET", "/compliance/obligations", params={"year": 2021, **params}))
    )


def test_holder_sees_its_obligation_and_status(world: World) -> None:
    (row,) = obligations(world.e1)["data"]  # type: ignore[misc]
    assert (row["entity_id"], row["account_id"], row["province"]) == (
        "E1",
        world.e1.account_id,
        "山东",
    )
    assert (row["obligation_t"], row["final_allocation_t"], row["report_status"]) == (
        OBLIGATION_T,
        FINAL_T,
        "approved",
    )
    assert (row["deadline"], row["status"]) == ("2023-12-31", "shortfall")


def test_entity_year_without_an_obligation_is_pending(world: World) -> None:
    (row,) = obligations(world.e2)["data"]  # type: ignore[misc]
    assert (row["status"], row["obligation_t"], row["preallocation_t"]) == (
        "pending",
        None,
        602_700,
    )


def test_surrender_through_the_registry_counts_towards_the_obligation(world: World) -> None:
    e1 = world.e1
    body = {
        "account_id": e1.account_id,
        "compliance_year": 2021,
        "items": [{"product": "CEA21", "quantity": 500_000}],
    }
    tx = ok(e1.client.request("POST", "/registry/surrenders", json=body), 201)
    assert tx["tx_id"] and any(p["delta"] == -500_000 for p in tx["postings"])
    (row,) = obligations(e1)["data"]  # type: ignore[misc]
    assert (row["surrendered_t"], row["surrendered_by_product"]) == (500_000, {"CEA21": 500_000})


def test_surrender_beyond_the_obligation_is_refused(world: World) -> None:
    e1 = world.e1
    body = {
        "account_id": e1.account_id,
        "compliance_year": 2021,
        "items": [{"product": "CEA21", "quantity": OBLIGATION_T + 1}],
    }
    with world.api.unchanged():
        r = e1.client.request("POST", "/registry/surrenders", json=body)
    error(r, 422, "QUANTITY_OUT_OF_RANGE", "items")


def test_participant_cannot_see_another_accounts_obligations(world: World) -> None:
    r = world.e2.client.request(
        "GET", "/compliance/obligations", params={"year": 2021, "account_id": world.e1.account_id}
    )
    error(r, 403, "NOT_PERMITTED", "account_id")


def test_participant_of_no_covered_entity_has_no_obligations(world: World) -> None:
    p = world.api.participant()
    assert obligations(p) == {"year": 2021, "data": [], "count": 0}


def test_regulator_sees_every_entity_or_one_province(world: World) -> None:
    reg = world.api.client("regulator")
    every = reg.get("/compliance/obligations", year=2021)
    assert [r["entity_id"] for r in every["data"]] == ["E1", "E2"]
    one = reg.get("/compliance/obligations", year=2021, province="广东")
    assert [r["entity_id"] for r in one["data"]] == ["E2"]


@pytest.mark.parametrize(("role", "status"), [
    ("registry_operator", 200), ("verifier", 200), ("exchange_operator", 403),
])  # fmt: skip
def test_staff_access_to_obligations(world: World, role: str, status: int) -> None:
    r = world.api.client(role).request("GET", "/compliance/obligations", params={"year": 2021})
    assert r.status_code == status, r.text


def test_regulator_gets_the_compliance_report(world: World) -> None:
    rep = world.api.client("regulator").get("/compliance/report", year=2021)
    assert rep["national"]["scope"] == "national" and rep["national"]["entities"] == 1
    assert rep["national"]["obligation_t"] == OBLIGATION_T
    assert [p["scope"] for p in rep["provinces"]] == ["山东"]
    csv = world.api.client("regulator").request(
        "GET", "/compliance/report", params={"year": 2021, "format": "csv", "level": "entity"}
    )
    assert csv.status_code == 200 and csv.text.startswith("entity_id,")


@pytest.mark.parametrize("role", ["registry_operator", "exchange_operator", "verifier"])
def test_only_the_regulator_gets_the_compliance_report(world: World, role: str) -> None:
    r = world.api.client(role).request("GET", "/compliance/report", params={"year": 2021})
    error(r, 403, "NOT_PERMITTED")


def test_participant_cannot_get_the_compliance_report(world: World) -> None:
    r = world.e1.client.request("GET", "/compliance/report", params={"year": 2021})
    error(r, 403, "NOT_PERMITTED")


def test_obligations_need_a_year(world: World) -> None:
    error(world.e1.client.request("GET", "/compliance/obligations"), 422, "INVALID_FIELD", "year")
