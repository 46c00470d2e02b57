"""Market stability mechanisms over HTTP: the regulator applies the MSR (an eu-like market) and
reads the reserve's rules, holdings and actions; the movements show in the registry."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from liveapi import LiveApi
from marketapi import market_server, ok

from openets.registry.model import SystemRole

CEA = "CEA21"


@pytest.fixture
def api(tmp_path: Path) -> Iterator[LiveApi]:
    with market_server(tmp_path, preset="eu-like", auction_tick_seconds=0) as live:
        yield live


def _sys(api: LiveApi, role: SystemRole) -> str:
    acct = api.state.registry.system_account(role, "")
    assert acct is not None
    return str(acct)


def test_regulator_applies_the_msr_intake_and_the_registry_shows_the_move(api: LiveApi) -> None:
    auctioneer, reserve = _sys(api, SystemRole.AUCTION), _sys(api, SystemRole.RESERVE)
    api.client("regop").issue(
        auctioneer, CEA, 400_000_000, "2023 auction volume", approver=api.client("regop2")
    )
    reg = api.client("regulator")
    body = {"rule": "msr", "product": CEA, "year": 2023, "tnac": 1_134_794_738}
    out = ok(reg.request("POST", "/supervision/reserves/apply", json=body), 201)
    assert (out["decision"], out["decided"], out["moved"]) == ("intake", 272_350_737, 272_350_737)
    assert out["tx_id"] and out["auction_id"] is None
    view = ok(reg.request("GET", "/supervision/reserves"))
    assert view["preset"] == "eu-like" and view["reserve_account"] == reserve
    assert view["holdings"] == [{"product": CEA, "available": 272_350_737, "locked": 0}]
    assert [a["tx_id"] for a in view["actions"]] == [out["tx_id"]]
    rules = {r["name"]: r for r in view["rules"]}
    assert rules["reserves.msr.upper_threshold"]["value"] == 833_000_000
    assert rules["reserves.msr.intake_rates"]["unconfirmed"] is True
    assert api.state.registry.available(auctioneer, CEA) == 400_000_000 - 272_350_737


def test_reserve_rule_the_market_does_not_have_is_refused_naming_the_field(api: LiveApi) -> None:
    reg = api.client("regulator")
    body = {"rule": "band", "product": CEA, "instrument": "CEA21", "closes_at": ""}
    with api.unchanged():
        r = reg.request("POST", "/supervision/reserves/apply", json=body | {"closes_at": None})
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["field"] == "rule" and "band" in err["message"] and "eu-like" in err["message"]


def test_reserve_rule_with_a_negative_tnac_is_refused_naming_the_field(api: LiveApi) -> None:
    reg = api.client("regulator")
    body = {"rule": "msr", "product": CEA, "year": 2023, "tnac": -1}
    with api.unchanged():
        r = reg.request("POST", "/supervision/reserves/apply", json=body)
    assert r.status_code == 422 and r.json()["error"]["field"] == "tnac"
    assert "-1" in r.json()["error"]["message"]
