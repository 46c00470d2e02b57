"""Steel, cement and aluminium through the compliance cycle over HTTP: the registry registers
the entity and its installations, the entity reports direct emissions and output, the 2024
final allocation equals verified emissions, the 2025 pre-allocation is 70% of them, and the
entity's page names its sector (中文 and English)."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from liveapi import PASSWORD, LiveApi, Participant
from marketapi import error, market_server, ok

SECTORS = {"S1": ("steel", "钢铁", "Steel"), "C1": ("cement", "水泥", "Cement"),
           "A1": ("aluminium", "铝冶炼", "Aluminium")}  # fmt: skip
VERIFIED = {"S1": 2_345_678, "C1": 1_234_567, "A1": 876_543}
OUTPUT = {"S1": 1_800_000, "C1": 1_500_000, "A1": 60_000}


def post(client: Any, path: str, body: dict[str, Any] | None = None) -> Any:
    return client.request("POST", path, json=body if body is not None else {})


def staff(api: LiveApi, username: str, role: str, provinces: list[str]) -> None:
    body = {"username": username, "password": PASSWORD, "role": role, "provinces": provinces}
    body["person"] = {"name": username, "id_number": secrets.token_hex(8).upper()}
    ok(api.client("regop").request("POST", "/users", json=body), 201)
    api.client("regop2").approve_user(username)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveApi, dict[str, Any]]]:
    path = tmp_path_factory.mktemp("sectors")
    with market_server(path, start="2025-04-15T10:00+08:00") as api:
        staff(api, "ver-sd", "verifier", ["山东"])
        regop, reg = api.client("regop"), api.client("regulator")
        entities: dict[str, Participant] = {}
        for eid, (sector, _, _) in SECTORS.items():
            p = entities[eid] = api.participant(province="山东")
            body = {"entity_id": eid, "name": f"{eid} 示例", "province": "山东",
                    "account_id": p.account_id, "sector": sector}  # fmt: skip
            ok(post(regop, "/compliance/entities", body), 201)
            unit = {"unit_id": "L1", "sector": sector}
            ok(post(regop, f"/compliance/entities/{eid}/installations", unit), 201)
            lines = [{"unit_id": "L1", "emissions_t": VERIFIED[eid], "output_t": OUTPUT[eid]}]
            report = {"entity_id": eid, "year": 2024, "lines": lines}
            ok(post(p.client, "/compliance/reports", report), 201)
            ok(post(api.client("ver-sd"), f"/compliance/reports/{eid}/2024/verify",
                    {"lines": lines}))  # fmt: skip
            ok(post(reg, f"/compliance/reports/{eid}/2024/approve"))
        out = {"entities": entities}
        out["final"] = ok(post(reg, "/compliance/allocations/finalize",
                               {"plan": "2024", "year": 2024}), 201)  # fmt: skip
        out["pre"] = ok(post(reg, "/compliance/allocations/preallocate",
                             {"plan": "2025", "year": 2025}), 201)  # fmt: skip
        yield api, out


def test_industrial_installations_register_and_report_direct_emissions_and_output(
    world: tuple[LiveApi, dict[str, Any]],
) -> None:
    _api, out = world
    for eid, (sector, _, _) in SECTORS.items():
        p = out["entities"][eid]
        (e,) = p.client.get("/compliance/entities")["data"]
        assert (e["sector"], [(u["unit_id"], u["sector"], u["category"])
                for u in e["installations"]]) == (sector, [("L1", sector, None)])  # fmt: skip
        (r,) = p.client.get("/compliance/reports", year=2024)["data"]
        assert (r["status"], r["verified_t"]) == ("approved", VERIFIED[eid])
        assert r["verified"][0]["output_t"] == OUTPUT[eid]


def test_industrial_2024_allocation_over_http_equals_verified_2024_emissions(
    world: tuple[LiveApi, dict[str, Any]],
) -> None:
    _api, out = world
    assert (out["final"]["entities"], out["final"]["issued_t"]) == (3, sum(VERIFIED.values()))
    for eid in SECTORS:
        p = out["entities"][eid]
        (a,) = p.client.get("/compliance/allocations", year=2024)["data"]
        assert (a["preallocation_t"], a["final_allocation_t"], a["obligation_t"]) == (
            0, VERIFIED[eid], VERIFIED[eid],
        )  # fmt: skip


def test_industrial_2025_preallocation_over_http_is_70_percent_of_verified_2024(
    world: tuple[LiveApi, dict[str, Any]],
) -> None:
    api, out = world
    expected = {"S1": 1_641_975, "C1": 864_197, "A1": 613_580}  # 0.7 × verified, half-up
    assert out["pre"]["issued_t"] == sum(expected.values())
    for eid, t in expected.items():
        (a,) = out["entities"][eid].client.get("/compliance/allocations", year=2025)["data"]
        assert a["preallocation_t"] == t
        held = api.client("regop").account(out["entities"][eid].account_id)["holdings"]
        assert sum(h["available"] for h in held if h["product"] == "CEA25") == t


def test_industrial_report_line_with_negative_output_is_refused(
    world: tuple[LiveApi, dict[str, Any]],
) -> None:
    api, out = world
    p = out["entities"]["S1"]
    body = {"entity_id": "S1", "year": 2025,
            "lines": [{"unit_id": "L1", "emissions_t": 1, "output_t": -5}]}  # fmt: skip
    with api.unchanged():
        err = error(post(p.client, "/compliance/reports", body), 422, "INVALID_FIELD")
    assert "output_t" in err["field"] and "-5" in err["message"]


def test_the_entitys_page_names_its_industrial_sector_in_chinese_and_english(
    world: tuple[LiveApi, dict[str, Any]],
) -> None:
    api, out = world
    for eid, (_, zh, en) in SECTORS.items():
        for lang, word in (("zh", zh), ("en", en)):
            with httpx.Client(base_url=api.base_url, timeout=30.0) as h:
                h.cookies.set("openets_lang", lang)
                body = {"username": out["entities"][eid].username, "password": PASSWORD}
                assert h.post("/api/v1/auth/session", json=body).status_code == 200
                text = h.get("/frag/my_cycle", params={"year": 2024}).text
            assert f"<dd>{word}</dd>" in text, (eid, lang)


def test_industrial_2025_preallocation_takes_prior_verified_emissions_as_csv(
    world: tuple[LiveApi, dict[str, Any]],
) -> None:
    """Without an approved 2024 report the regulator gives the prior verified emissions in the
    prior CSV's optional ``emissions_t`` column; a bad value names the row and the column."""
    api, _ = world
    p = api.participant(province="山东")
    regop, reg = api.client("regop"), api.client("regulator")
    body = {"entity_id": "K2", "name": "K2 示例", "province": "山东",
            "account_id": p.account_id, "sector": "cement"}  # fmt: skip
    ok(post(regop, "/compliance/entities", body), 201)
    ok(post(regop, "/compliance/entities/K2/installations", {"unit_id": "L1", "sector": "cement"}),
       201)  # fmt: skip
    head = "entity_id,unit_id,supply_mwh,heat_gj,heat_ratio,load_factor,emissions_t\n"
    with api.unchanged():
        err = error(post(reg, "/compliance/allocations/preallocate", {
            "plan": "2025", "year": 2025, "prior_csv": head + "K2,L1,0,0,0,0,1e6\n",
        }), 422, "INVALID_FIELD", "prior_csv")  # fmt: skip
    assert "row 2, column emissions_t" in err["message"] and "'1e6'" in err["message"]
    run = ok(post(reg, "/compliance/allocations/preallocate", {
        "plan": "2025", "year": 2025, "prior_csv": head + "K2,L1,0,0,0,0,1000001\n",
    }), 201)  # fmt: skip
    assert (run["entities"], run["issued_t"]) == (1, 700_001)  # 0.7 × 1,000,001, half-up
