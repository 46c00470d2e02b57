"""The compliance cycle over HTTP, role by role, and its refusals: each bad step gets a 4xx naming
the field, the value and the rule, and changes nothing (journal seq and state hash unchanged).

One 2021 entity E1 (山东, a coal unit U1 and a gas unit U2) on plan 2021: prior output 1,000,000
MWh (U1) and 100,000 MWh (U2) at a load of 0.9 give a pre-allocation of 575,260 + 27,440 =
602,700 t; 2021 output of 1,100,000 and 100,000 MWh gives 903,980 + 39,200 = 943,180 t, a
true-up of 340,480 t; emissions 900,000 t (U1) and 40,000 t (U2) give the obligation
900,000 + min(40,000, 39,200) = 939,200 t (a gas unit owes at most its allocation).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from liveapi import PASSWORD, LiveApi, Participant
from marketapi import error, market_server, ok

ON_THE_RUNS_DATABASE = True  # on PostgreSQL in the PostgreSQL pass (tests/api/conftest.py)

PRE_T, FINAL_T, OBLIGATION_T = 602_700, 943_180, 939_200


def line(unit: str, mwh: int, emissions: int) -> dict[str, Any]:
    return {"unit_id": unit, "supply_mwh": mwh, "load_factor": "0.9", "emissions_t": emissions}


PRIOR = [line("U1", 1_000_000, 0), line("U2", 100_000, 0)]
REPORT = [line("U1", 1_100_000, 900_000), line("U2", 100_000, 40_000)]


@dataclass
class World:
    api: LiveApi
    e1: Participant
    other: Participant
    answers: dict[str, Any]


def staff(api: LiveApi, username: str, role: str, provinces: list[str]) -> None:
    body = {"username": username, "password": PASSWORD, "role": role, "provinces": provinces}
    body["person"] = {"name": username, "id_number": secrets.token_hex(8).upper()}
    ok(api.client("regop").request("POST", "/users", json=body), 201)
    api.client("regop2").approve_user(username)  # a different person approves


def register(api: LiveApi, entity_id: str, province: str) -> Participant:
    p = api.participant(province=province)
    regop = api.client("regop")
    body = {
        "entity_id": entity_id,
        "name": f"{entity_id} 电厂",
        "province": province,
        "account_id": p.account_id,
        "sector": "power",
    }
    ok(regop.request("POST", "/compliance/entities", json=body), 201)
    for unit, cat in (("U1", "coal_300_plus"), ("U2", "gas")):
        unit_body = {"unit_id": unit, "sector": "power", "category": cat, "capacity_mw": 600}
        ok(
            regop.request(
                "POST", f"/compliance/entities/{entity_id}/installations", json=unit_body
            ),
            201,
        )
    return p


def run_cycle(api: LiveApi, e1: Participant) -> dict[str, Any]:
    """Every step of E1's 2021 cycle over HTTP up to the final allocation; the answers."""
    out: dict[str, Any] = {}
    reg = api.client("regulator")
    run = ok(post(reg, "/compliance/allocations/preallocate", {
        "plan": "2021", "year": 2021, "prior": [{"entity_id": "E1", "lines": PRIOR}],
    }), 201)  # fmt: skip
    assert (run["kind"], run["entities"], run["issued_t"], run["scope"]) == (
        "preallocation", 1, PRE_T, "CN",
    )  # fmt: skip
    rep = ok(
        post(e1.client, "/compliance/reports", {"entity_id": "E1", "year": 2021, "lines": REPORT}),
        201,
    )
    assert (rep["status"], rep["submitted_t"], rep["submitted_by"]) == (
        "submitted", 940_000, e1.username,
    )  # fmt: skip
    queue = api.client("ver-sd").get("/compliance/reports", year=2021, status="submitted")
    assert [r["entity_id"] for r in queue["data"]] == ["E1"]
    assert api.client("ver-gd").get("/compliance/reports", year=2021)["data"] == []
    ver = ok(post(api.client("ver-sd"), "/compliance/reports/E1/2021/verify", {"lines": REPORT}))
    assert (ver["status"], ver["verified_t"], ver["adjusted"]) == ("verified", 940_000, False)
    app = ok(post(reg, "/compliance/reports/E1/2021/approve"))
    assert (app["status"], app["approver"]) == ("approved", "regulator")
    fin = ok(post(reg, "/compliance/allocations/finalize", {"plan": "2021", "year": 2021}), 201)
    assert (fin["kind"], fin["issued_t"], fin["clawed_back_t"]) == (
        "final_allocation", FINAL_T - PRE_T, 0,
    )  # fmt: skip
    out.update(pre=run, rep=rep, ver=ver, app=app, fin=fin)
    return out


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with market_server(tmp_path_factory.mktemp("cycle"), start="2022-03-01T10:00+08:00") as api:
        staff(api, "ver-sd", "verifier", ["山东"])
        staff(api, "ver-gd", "verifier", ["广东"])
        staff(api, "reg-gd", "regulator", ["广东"])
        e1 = register(api, "E1", "山东")
        other = api.participant(province="山东")
        answers = run_cycle(api, e1)
        yield World(api, e1, other, answers)


def post(client: Any, path: str, body: dict[str, Any] | None = None) -> Any:
    return client.request("POST", path, json=body if body is not None else {})


# --- the steps in order ----------------------------------------------------------------------


def test_registry_operator_registers_an_entity_and_its_installations(world: World) -> None:
    (e,) = world.e1.client.get("/compliance/entities")["data"]
    assert (e["entity_id"], e["province"], e["sector"]) == ("E1", "山东", "power")
    assert [(u["unit_id"], u["category"], u["capacity_mw"]) for u in e["installations"]] == [
        ("U1", "coal_300_plus", "600"),
        ("U2", "gas", "600"),
    ]


def test_cycle_runs_step_by_step_with_the_plans_figures(world: World) -> None:
    api, e1, out = world.api, world.e1, world.answers
    assert (out["pre"]["issued_t"], out["fin"]["issued_t"]) == (PRE_T, FINAL_T - PRE_T)
    assert out["rep"]["submitted_by"] == e1.username and out["app"]["approver"] == "regulator"
    (a,) = e1.client.get("/compliance/allocations", year=2021)["data"]
    assert (a["preallocation_t"], a["final_allocation_t"], a["true_up_t"], a["obligation_t"]) == (
        PRE_T, FINAL_T, FINAL_T - PRE_T, OBLIGATION_T,
    )  # fmt: skip
    reg = api.client("regulator")
    held = api.client("regop").account(e1.account_id)["holdings"]
    assert sum(h["available"] for h in held if h["product"] == "CEA21") == FINAL_T
    runs = reg.get("/compliance/runs", year=2021)["data"]
    assert [r["kind"] for r in runs] == ["final_allocation", "preallocation"]


def test_each_step_of_a_report_notifies_who_acts_next(world: World) -> None:
    kinds = {n["kind"] for n in world.api.client("ver-sd").get("/notifications")["data"]}
    assert "report_waiting" in kinds
    kinds = {n["kind"] for n in world.api.client("regulator").get("/notifications")["data"]}
    assert "report_to_approve" in kinds
    mine = [
        n for n in world.e1.client.get("/notifications")["data"] if n["kind"].startswith("report")
    ]
    assert {n["kind"] for n in mine} >= {"report_verified", "report_approved"}
    approved = next(n for n in mine if n["kind"] == "report_approved")
    assert approved["params"] == {"year": 2021, "emissions": 940_000}


# --- refusals --------------------------------------------------------------------------------


def test_report_for_an_unregistered_installation_is_refused(world: World) -> None:
    body = {"entity_id": "E1", "year": 2022, "lines": [*REPORT, line("U9", 1, 1)]}
    with world.api.unchanged():
        err = error(post(world.e1.client, "/compliance/reports", body), 422, "INVALID_FIELD")
    assert err["field"] == "lines[2].unit_id" and "'U9' is not registered" in err["message"]


def test_report_for_another_accounts_entity_is_refused(world: World) -> None:
    body = {"entity_id": "E1", "year": 2022, "lines": REPORT}
    with world.api.unchanged():
        error(post(world.other.client, "/compliance/reports", body), 403, "NOT_PERMITTED")


def test_verification_outside_the_verifiers_provinces_is_refused(world: World) -> None:
    ok(
        post(
            world.e1.client,
            "/compliance/reports",
            {"entity_id": "E1", "year": 2023, "lines": REPORT},
        ),
        201,
    )
    with world.api.unchanged():
        err = error(
            post(
                world.api.client("ver-gd"), "/compliance/reports/E1/2023/verify", {"lines": REPORT}
            ),
            403,
            "NOT_PERMITTED",
            "actor",
        )
    assert "ver-gd is not a verifier in 山东" in err["message"]


def test_verification_that_changes_figures_needs_a_reason(world: World) -> None:
    ok(
        post(
            world.e1.client,
            "/compliance/reports",
            {"entity_id": "E1", "year": 2024, "lines": REPORT},
        ),
        201,
    )
    changed = [line("U1", 1_100_000, 905_000), line("U2", 100_000, 40_000)]
    ver = world.api.client("ver-sd")
    with world.api.unchanged():
        err = error(
            post(ver, "/compliance/reports/E1/2024/verify", {"lines": changed}),
            422,
            "INVALID_FIELD",
            "reason",
        )
    assert "give a reason" in err["message"]
    out = ok(
        post(ver, "/compliance/reports/E1/2024/verify", {"lines": changed, "reason": "燃料抽检"})
    )
    assert (out["adjusted"], out["reason"], out["verified_t"]) == (True, "燃料抽检", 945_000)


def test_approval_before_verification_is_refused(world: World) -> None:
    ok(
        post(
            world.e1.client,
            "/compliance/reports",
            {"entity_id": "E1", "year": 2025, "lines": REPORT},
        ),
        201,
    )
    with world.api.unchanged():
        err = error(
            post(world.api.client("regulator"), "/compliance/reports/E1/2025/approve"),
            409,
            "INVALID_STATE",
            "year",
        )
    assert "not verified" in err["message"]


def test_approval_by_another_provinces_regulator_is_refused(world: World) -> None:
    with world.api.unchanged():
        error(
            post(world.api.client("reg-gd"), "/compliance/reports/E1/2024/approve"),
            403,
            "NOT_PERMITTED",
            "actor",
        )


def test_allocation_run_twice_is_refused(world: World) -> None:
    body = {"plan": "2021", "year": 2021}
    with world.api.unchanged():
        err = error(
            post(world.api.client("regulator"), "/compliance/allocations/finalize", body),
            409,
            "ALREADY_DONE",
            "year",
        )
    assert "has run for every entity" in err["message"]


def test_allocation_run_for_a_year_its_plan_does_not_cover_is_refused(world: World) -> None:
    body = {"plan": "2021", "year": 2019}
    with world.api.unchanged():
        err = error(
            post(world.api.client("regulator"), "/compliance/allocations/preallocate", body),
            422,
            "INVALID_FIELD",
            "year",
        )
    assert "plan 2021 allocates 2021, not 2019" in err["message"]


def test_preallocation_without_prior_output_names_the_entities_left_out(world: World) -> None:
    body = {"plan": "2023", "year": 2023}
    with world.api.unchanged():
        err = error(
            post(world.api.client("regulator"), "/compliance/allocations/preallocate", body),
            409,
            "INVALID_STATE",
            "year",
        )
    assert "E1: no prior output given and no approved 2022 report" in err["message"]


def test_penalty_before_the_deadline_is_refused(world: World) -> None:
    with world.api.unchanged():
        err = error(
            post(world.api.client("regulator"), "/compliance/penalties/assess", {"year": 2021}),
            409,
            "INVALID_STATE",
            "year",
        )
    assert "after the deadline 2023-12-31" in err["message"]


def test_surrender_of_a_product_not_eligible_for_the_year_is_refused(world: World) -> None:
    e1 = world.e1
    world.api.client("regop").issue(
        e1.account_id, "CEA23", 10, "test", approver=world.api.client("regop2")
    )
    body = {
        "account_id": e1.account_id,
        "compliance_year": 2021,
        "items": [{"product": "CEA23", "quantity": 10}],
    }
    with world.api.unchanged():
        err = error(post(e1.client, "/registry/surrenders", body), 422, "INELIGIBLE_VINTAGE")
    assert "CEA23" in err["message"]


@pytest.mark.parametrize(
    ("role", "path"),
    [
        ("regulator", "/compliance/entities"),
        ("verifier", "/compliance/allocations/preallocate"),
        ("registry_operator", "/compliance/penalties/assess"),
        ("exchange_operator", "/compliance/reports/E1/2025/approve"),
    ],
)
def test_a_step_by_the_wrong_role_is_refused(world: World, role: str, path: str) -> None:
    body = {
        "entity_id": "E9", "name": "x", "province": "山东", "account_id": world.other.account_id,
        "sector": "power",
    }  # fmt: skip
    if "entities" not in path:
        body = {"plan": "2021", "year": 2021} if "allocations" in path else {"year": 2021}
    with world.api.unchanged():
        error(
            post(world.api.client(role), path, body if "approve" not in path else None),
            403,
            "NOT_PERMITTED",
        )


def test_verifier_provinces_must_be_provinces(world: World) -> None:
    body = {"username": "ver-x", "password": PASSWORD, "role": "verifier", "provinces": ["火星"]}
    err = error(post(world.api.client("regop"), "/users", body), 422, "INVALID_FIELD", "provinces")
    assert "'火星' is not a province" in err["message"]


def test_obligations_a_verifier_or_provincial_regulator_sees_are_those_of_its_provinces(
    world: World,
) -> None:
    year = {"year": 2021}
    seen = world.api.client("ver-sd").get("/compliance/obligations", **year)["data"]
    assert [r["entity_id"] for r in seen] == ["E1"]
    assert world.api.client("ver-gd").get("/compliance/obligations", **year)["data"] == []
    assert world.api.client("reg-gd").get("/compliance/obligations", **year)["data"] == []
    national = world.api.client("regulator").get("/compliance/obligations", **year)["data"]
    assert [r["entity_id"] for r in national] == ["E1"]
