"""Restrictions over HTTP on the paths that move an account's allowances or funds outside
trading: an account the registry restricted (approved by a second operator) withdraws nothing and
sends no transfer, but may receive one; a frozen account receives none; an account the regulator
restricted from transfers sends and withdraws nothing. Each refusal is 409 with a stable code and
the field, and changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from liveapi import LiveApi, make_live_api

from openets.client import ApiError
from openets.registry import commands as rc
from openets.registry.model import AccountStatus

ON_THE_RUNS_DATABASE = True  # on PostgreSQL in the PostgreSQL pass (tests/api/conftest.py)


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApi]:
    with make_live_api(tmp_path_factory.mktemp("api")) as live:
        yield live

CEA = "CEA21"


def _refused(api: LiveApi, call: Any, *args: Any) -> ApiError:
    with api.unchanged(), pytest.raises(ApiError) as exc:
        call(*args)
    return exc.value


def _restricted_by_the_registry(api: LiveApi, account_id: str) -> None:
    body = {"reason": "法院协助执行"}
    rq = api.client("regop").post(f"/registry/accounts/{account_id}/restrict", body)
    api.client("regop2").post(f"/registry/requests/{rq['request_id']}/approve", {})
    assert api.client("regop").account(account_id)["status"] == "restricted"


def test_account_restricted_by_the_registry_cannot_withdraw_over_http(api: LiveApi) -> None:
    p = api.participant(fen=100_000)
    _restricted_by_the_registry(api, p.account_id)
    e = _refused(api, p.client.withdraw, p.account_id, "10.00")
    assert (e.status, e.code, e.field) == (409, "ACCOUNT_NOT_ACTIVE", "account_id")
    assert "restricted" in str(e)


def test_account_restricted_by_the_registry_sends_no_transfer_but_receives_one_over_http(
    api: LiveApi,
) -> None:
    a, b = api.participant(tonnes={CEA: 100}), api.participant(tonnes={CEA: 100})
    _restricted_by_the_registry(api, a.account_id)
    regop = api.client("regop")
    e = _refused(api, regop.request_transfer, a.account_id, b.account_id, CEA, 10)
    assert (e.status, e.code, e.field) == (409, "ACCOUNT_NOT_ACTIVE", "from_account")
    rq = regop.request_transfer(b.account_id, a.account_id, CEA, 10, "归还")
    api.client("regop2").approve_transfer(rq["request_id"])
    assert api.state.registry.bucket(a.account_id, CEA)[0] == 110


def test_frozen_account_receives_no_transfer_over_http(api: LiveApi) -> None:
    a, b = api.participant(tonnes={CEA: 100}), api.participant(tonnes={CEA: 100})
    rq = api.client("regop").request_transfer(b.account_id, a.account_id, CEA, 10, "归还")
    api.submit(rc.ChangeAccountStatus(a.account_id, AccountStatus.FROZEN, "司法冻结"), "regop")
    e = _refused(api, api.client("regop2").approve_transfer, rq["request_id"])
    assert (e.status, e.code, e.field) == (409, "ACCOUNT_NOT_ACTIVE", "to_account")
    e = _refused(api, api.client("regop").request_transfer, b.account_id, a.account_id, CEA, 10)
    assert (e.status, e.code, e.field) == (409, "ACCOUNT_NOT_ACTIVE", "to_account")


def test_account_restricted_from_transfers_by_the_regulator_sends_and_withdraws_nothing(
    api: LiveApi,
) -> None:
    a, b = api.participant(tonnes={CEA: 100}, fen=100_000), api.participant()
    body = {"account_id": a.account_id, "trading": False, "transfer": True, "reason": "异常交易"}
    api.client("regulator").post("/supervision/restrictions", body)
    e = _refused(api, a.client.withdraw, a.account_id, "10.00")
    assert (e.status, e.code, e.field) == (409, "ACCOUNT_RESTRICTED", "account_id")
    e = _refused(api, api.client("regop").request_transfer, a.account_id, b.account_id, CEA, 10)
    assert (e.status, e.code, e.field) == (409, "ACCOUNT_RESTRICTED", "from_account")
