"""One whole compliance cycle (cycle 1: plan 2019-2020, the 2019 year) over real HTTP, role by
role, with every figure checked against the plan's worked examples:

- A (山东), coal ≥300 MW, water-cooled, pure condensing, load 82%, 1,000,000 MWh (prior
  900,000): F_f = 1 + 0.0014 × (85 − 82) = 1.0042; final = 1,000,000 × 0.877 × 1.0042 =
  880,683.4 → 880,683; pre = 0.7 × 900,000 × 0.877 × 1.0042 = 554,830.5 → 554,831; true-up
  325,852 (the plan test's worked example). Reported 900,000 t, verified 905,000 t with a reason:
  obligation min(905,000, 880,683 + 181,000) = 905,000.
- B (广东), gas, 300,000 MWh (prior 500,000): pre = 0.7 × 500,000 × 0.392 = 137,200; final =
  117,600; true-up −19,600 is clawed back. Emissions 130,000 t: a gas unit owes at most its
  allocation, 117,600.
- C (山东), coal ≥300 MW, load 90%, 100,000 MWh (prior 100,000): pre 61,390, final 87,700.
  Emissions 200,000 t: obligation min(200,000, 87,700 + 20% × 200,000) = 127,700.

A surrenders before the interim milestone (17:00, 2021-12-15), B after the deadline (17:00,
2021-12-31): late; C surrenders 100,000 t only: shortfall 27,700 t, fined RMB 20,000 (the
lowest of Measures-2021 Art. 40) with 27,700 t deducted from its 2021 allocation.
"""

from __future__ import annotations

import secrets
from typing import Any

from liveapi import PASSWORD, LiveApi, Participant
from marketapi import error, market_server, ok

from openets.bootstrap import new_state
from openets.engine import snapshot as snapshots
from openets.ops.verify import replay_market, verify_market

ON_THE_RUNS_DATABASE = True  # on PostgreSQL in the PostgreSQL pass (tests/api/conftest.py)

PRODUCT = "CEA19-20"
A_PRE, A_FINAL, A_OBLIGATION = 554_831, 880_683, 905_000
B_PRE, B_FINAL, B_OBLIGATION = 137_200, 117_600, 117_600
C_PRE, C_FINAL, C_OBLIGATION = 61_390, 87_700, 127_700
C_SURRENDERED = 100_000


def post(client: Any, path: str, body: dict[str, Any] | None = None) -> Any:
    return client.request("POST", path, json=body if body is not None else {})


def line(mwh: int, load: str, emissions: int = 0) -> dict[str, Any]:
    return {"unit_id": "U1", "supply_mwh": mwh, "load_factor": load, "emissions_t": emissions}


def entity(api: LiveApi, entity_id: str, province: str, category: str) -> Participant:
    p = api.participant(province=province)
    regop = api.client("regop")
    ok(post(regop, "/compliance/entities", {
        "entity_id": entity_id, "name": f"{entity_id} 发电", "province": province,
        "account_id": p.account_id, "sector": "power",
    }), 201)  # fmt: skip
    ok(post(regop, f"/compliance/entities/{entity_id}/installations", {
        "unit_id": "U1", "sector": "power", "category": category, "cooling": "water",
        "capacity_mw": "660",
    }), 201)  # fmt: skip
    return p


def at(api: LiveApi, when: str) -> None:
    api.client("exop").advance_clock(to=when)


def surrender(p: Participant, qty: int) -> Any:
    body = {
        "account_id": p.account_id,
        "compliance_year": 2019,
        "items": [{"product": PRODUCT, "quantity": qty}],
    }
    return ok(post(p.client, "/registry/surrenders", body), 201)


def holding(api: LiveApi, p: Participant) -> int:
    held = api.client("regop").account(p.account_id)["holdings"]
    return sum(h["available"] for h in held if h["product"] == PRODUCT)


def test_one_whole_cycle_over_http_role_by_role(tmp_path: Any) -> None:
    with market_server(tmp_path, start="2021-03-01T10:00+08:00") as api:
        regop = api.client("regop")
        for user, provinces in (("ver-sd", ["山东"]), ("ver-gd", ["广东"])):
            body = {"username": user, "password": PASSWORD, "role": "verifier"}
            body["person"] = {"name": user, "id_number": secrets.token_hex(8).upper()}
            ok(post(regop, "/users", {**body, "provinces": provinces}), 201)
            api.client("regop2").approve_user(user)  # a different person approves
        a = entity(api, "A", "山东", "coal_300_plus")
        b = entity(api, "B", "广东", "gas")
        c = entity(api, "C", "山东", "coal_300_plus")
        reg = api.client("regulator")

        # the regulator pre-allocates on 2018 output; the registry issues it
        pre = ok(post(reg, "/compliance/allocations/preallocate", {
            "plan": "2019-2020", "year": 2019, "prior": [
                {"entity_id": "A", "lines": [line(900_000, "0.82")]},
                {"entity_id": "B", "lines": [line(500_000, "0")]},
                {"entity_id": "C", "lines": [line(100_000, "0.9")]},
            ],
        }), 201)  # fmt: skip
        assert (pre["entities"], pre["issued_t"]) == (3, A_PRE + B_PRE + C_PRE)
        assert [holding(api, p) for p in (a, b, c)] == [A_PRE, B_PRE, C_PRE]

        # each entity reports; the verifier of its province verifies; the regulator approves
        at(api, "2021-03-31T10:00+08:00")
        for p, eid, mwh, load, emissions in (
            (a, "A", 1_000_000, "0.82", 900_000),
            (b, "B", 300_000, "0", 130_000),
            (c, "C", 100_000, "0.9", 200_000),
        ):
            body = {"entity_id": eid, "year": 2019, "lines": [line(mwh, load, emissions)]}
            ok(post(p.client, "/compliance/reports", body), 201)
        queue = api.client("ver-sd").get("/compliance/reports", year=2019, status="submitted")
        assert [r["entity_id"] for r in queue["data"]] == ["A", "C"]
        at(api, "2021-06-15T10:00+08:00")
        ver = ok(post(api.client("ver-sd"), "/compliance/reports/A/2019/verify", {
            "lines": [line(1_000_000, "0.82", 905_000)], "reason": "煤质化验复核，排放量上调",
        }))  # fmt: skip
        assert (ver["verified_t"], ver["adjusted"]) == (905_000, True)
        ok(post(api.client("ver-sd"), "/compliance/reports/C/2019/verify", {
            "lines": [line(100_000, "0.9", 200_000)],
        }))  # fmt: skip
        ok(post(api.client("ver-gd"), "/compliance/reports/B/2019/verify", {
            "lines": [line(300_000, "0", 130_000)],
        }))  # fmt: skip
        for eid in ("A", "B", "C"):
            ok(post(reg, f"/compliance/reports/{eid}/2019/approve"))
        approved = reg.get("/compliance/reports", year=2019, status="approved")["data"]
        assert {r["entity_id"]: r["verified_t"] for r in approved} == {
            "A": 905_000, "B": 130_000, "C": 200_000,
        }  # fmt: skip
        assert approved[0]["reason"] == "煤质化验复核，排放量上调"

        # final allocation: the true-up issued, B's over-allocation clawed back
        at(api, "2021-09-30T10:00+08:00")
        fin = ok(
            post(reg, "/compliance/allocations/finalize", {"plan": "2019-2020", "year": 2019}), 201
        )
        assert (fin["issued_t"], fin["clawed_back_t"]) == (
            (A_FINAL - A_PRE) + (C_FINAL - C_PRE), B_PRE - B_FINAL,
        )  # fmt: skip
        assert [holding(api, p) for p in (a, b, c)] == [A_FINAL, B_FINAL, C_FINAL]
        allocs = {x["entity_id"]: x for x in reg.get("/compliance/allocations", year=2019)["data"]}
        figures = {
            e: (x["preallocation_t"], x["final_allocation_t"], x["true_up_t"], x["obligation_t"])
            for e, x in allocs.items()
        }
        assert figures == {
            "A": (A_PRE, A_FINAL, A_FINAL - A_PRE, A_OBLIGATION),
            "B": (B_PRE, B_FINAL, B_FINAL - B_PRE, B_OBLIGATION),
            "C": (C_PRE, C_FINAL, C_FINAL - C_PRE, C_OBLIGATION),
        }  # fmt: skip

        # A holds 880,683 t for 905,000 t owed and C 87,700 t: the registry issues what they lack
        # (a stand-in for purchases); A surrenders before the interim milestone
        second = api.client("regop2")
        regop.issue(a.account_id, PRODUCT, A_OBLIGATION - A_FINAL, "bought", approver=second)
        regop.issue(c.account_id, PRODUCT, C_SURRENDERED - C_FINAL, "bought", approver=second)
        at(api, "2021-12-10T10:00+08:00")
        status = a.client.get("/compliance/status", year=2019)
        assert (status["deadline_at"], status["interim_at"], status["days_left"]) == (
            "2021-12-31T17:00:00+08:00", "2021-12-15T17:00:00+08:00", 22,
        )  # fmt: skip
        surrender(a, A_OBLIGATION)
        surrender(c, C_SURRENDERED)

        # a penalty before the deadline (one minute before 17:00) is refused
        at(api, "2021-12-31T16:59+08:00")
        with api.unchanged():
            err = error(
                post(reg, "/compliance/penalties/assess", {"year": 2019}),
                409,
                "INVALID_STATE",
                "year",
            )
        assert "after the deadline 2021-12-31 17:00" in err["message"]

        # B surrenders after 17:00 on the deadline day: recorded as late
        at(api, "2021-12-31T17:01+08:00")
        surrender(b, B_OBLIGATION)
        rows = {r["entity_id"]: r for r in reg.get("/compliance/obligations", year=2019)["data"]}
        assert {e: (r["status"], r["on_time_t"], r["late_t"]) for e, r in rows.items()} == {
            "A": ("compliant", A_OBLIGATION, 0),
            "B": ("late", 0, B_OBLIGATION),
            "C": ("shortfall", C_SURRENDERED, 0),
        }  # fmt: skip

        # penalties after the deadline: C is fined and its shortfall deducted from 2021
        run = ok(post(reg, "/compliance/penalties/assess", {"year": 2019}), 201)
        assert (run["kind"], run["entities"], run["fines"]) == ("penalties", 1, "20000.00")
        (row,) = c.client.get("/compliance/obligations", year=2019)["data"]
        assert (row["penalty_fine"], row["deduction_scheduled_t"], row["shortfall_t"]) == (
            "20000.00", C_OBLIGATION - C_SURRENDERED, C_OBLIGATION - C_SURRENDERED,
        )  # fmt: skip
        with api.unchanged():
            error(post(reg, "/compliance/penalties/assess", {"year": 2019}), 409, "ALREADY_DONE")

        # compliance by province and nation, with the interim milestone
        st = reg.get("/compliance/status", year=2019)
        total = A_OBLIGATION + B_OBLIGATION + C_OBLIGATION
        met = A_OBLIGATION + B_OBLIGATION + C_SURRENDERED
        nat = st["national"]
        assert (nat["entities"], nat["obligation_t"], nat["compliant"], nat["late"]) == (
            3, total, 1, 1,
        )  # fmt: skip
        assert nat["rate"] == "97.59" and met * 10_000 // total == 9759
        assert {p["scope"]: p["entities"] for p in st["provinces"]} == {"山东": 2, "广东": 1}
        milestones = {m["scope"]: m for m in st["milestones"]}
        assert (milestones["national"]["met_by_interim"], milestones["national"]["target"]) == (
            1, "95.00",
        )  # fmt: skip
        assert st["deadline_passed"] and st["days_left"] == 0

        # every step was a journaled command: replay gives the same state; verify passes
        live = api.state.state_hash()
        n, replayed, _ = replay_market(api.market.db_url or "")
        assert (n, replayed) == (api.state.last_seq, live)
        ok_, lines = verify_market(api.market.db_url or "")
        assert ok_, lines
        blob = snapshots.dump(api.state, new_state)
        assert snapshots.load(blob, new_state).state_hash() == live


def test_final_allocation_leaves_out_an_entity_whose_clawback_exceeds_its_holdings(
    fresh_api: LiveApi,
) -> None:
    api = fresh_api
    d = entity(api, "D", "山东", "gas")
    reg, regop = api.client("regulator"), api.client("regop")
    ok(post(reg, "/compliance/allocations/preallocate", {
        "plan": "2019-2020", "year": 2019,
        "prior": [{"entity_id": "D", "lines": [line(500_000, "0")]}],
    }), 201)  # fmt: skip
    ok(post(d.client, "/compliance/reports", {
        "entity_id": "D", "year": 2019, "lines": [line(300_000, "0", 130_000)],
    }), 201)  # fmt: skip
    body = {"username": "ver-d", "password": PASSWORD, "role": "verifier", "provinces": ["山东"]}
    body["person"] = {"name": "ver-d", "id_number": secrets.token_hex(8).upper()}
    ok(post(regop, "/users", body), 201)
    api.client("regop2").approve_user("ver-d")
    ok(post(api.client("ver-d"), "/compliance/reports/D/2019/verify", {
        "lines": [line(300_000, "0", 130_000)],
    }))  # fmt: skip
    ok(post(reg, "/compliance/reports/D/2019/approve"))
    regop.freeze(d.account_id, PRODUCT, B_PRE - 10_000, "司法冻结")
    with api.unchanged():
        err = error(
            post(reg, "/compliance/allocations/finalize", {"plan": "2019-2020", "year": 2019}),
            409,
            "INVALID_STATE",
            "year",
        )
    assert f"D: the claw-back of {B_PRE - B_FINAL} t exceeds the 10000 t" in err["message"]


def test_preallocation_takes_the_prior_output_as_csv(fresh_api: LiveApi) -> None:
    api = fresh_api
    a = entity(api, "A", "山东", "coal_300_plus")
    reg = api.client("regulator")
    bad = "entity_id,unit_id,supply_mwh,heat_gj,heat_ratio,load_factor\nA,U1,9e5,0,0,0.82\n"
    with api.unchanged():
        err = error(post(reg, "/compliance/allocations/preallocate", {
            "plan": "2019-2020", "year": 2019, "prior_csv": bad,
        }), 422, "INVALID_FIELD", "prior_csv")  # fmt: skip
    assert "row 2" in err["message"]
    good = "entity_id,unit_id,supply_mwh,heat_gj,heat_ratio,load_factor\nA,U1,900000,0,0,0.82\n"
    run = ok(post(reg, "/compliance/allocations/preallocate", {
        "plan": "2019-2020", "year": 2019, "prior_csv": good,
    }), 201)  # fmt: skip
    assert run["issued_t"] == A_PRE and holding(api, a) == A_PRE
