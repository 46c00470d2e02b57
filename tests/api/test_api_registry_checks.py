"""Registry transaction checks over HTTP: the surrender account and double reversals."""

from __future__ import annotations

from typing import Any

import pytest
from liveapi import LiveApi

from openets.client import ApiError
from openets.registry.model import SystemRole

P = "CEA19-20"


def _fails(fn: Any, *args: Any, **kw: Any) -> ApiError:
    with pytest.raises(ApiError) as exc:
        fn(*args, **kw)
    return exc.value


def _retired(api: LiveApi) -> int:
    return sum(t["retired"] for t in api.client("regop").report(P)["totals"])


def _surrender_account(api: LiveApi) -> str:
    sink = api.state.registry.system_account(SystemRole.SURRENDER)
    assert sink is not None
    return sink


def test_manual_transfer_out_of_the_surrender_account_is_rejected_over_http(
    api: LiveApi,
) -> None:
    p = api.participant(tonnes={P: 100})
    p.client.surrender(p.account_id, 2020, [(P, 60)])
    sink = _surrender_account(api)
    retired = _retired(api)
    with api.unchanged():
        e = _fails(api.client("regop").request_transfer, sink, p.account_id, P, 50)
    assert (e.status, e.code, e.field) == (409, "ACCOUNT_TYPE_NOT_ALLOWED", "from_account")
    assert _retired(api) == retired


def test_manual_transfer_into_the_surrender_account_is_rejected_over_http(
    api: LiveApi,
) -> None:
    p = api.participant(tonnes={P: 100})
    sink = _surrender_account(api)
    with api.unchanged():
        e = _fails(api.client("regop").request_transfer, p.account_id, sink, P, 50)
    assert (e.status, e.code, e.field) == (409, "ACCOUNT_TYPE_NOT_ALLOWED", "to_account")


def test_issuance_into_the_surrender_account_is_rejected_over_http(api: LiveApi) -> None:
    sink = _surrender_account(api)
    retired = _retired(api)
    with api.unchanged():
        e = _fails(api.client("regop").issue, sink, P, 50)
    assert (e.status, e.code, e.field) == (409, "ACCOUNT_TYPE_NOT_ALLOWED", "account_id")
    assert _retired(api) == retired


def test_two_corrections_of_one_transaction_pending_together_are_rejected_over_http(
    api: LiveApi,
) -> None:
    p = api.participant()
    tx = api.client("regop").issue(p.account_id, P, 100, approver=api.client("regop2"))
    first = api.client("regop").request_correction(tx["tx_id"], "typo")
    with api.unchanged():
        e = _fails(api.client("regop2").request_correction, tx["tx_id"], "typo")
    assert (e.status, e.code, e.field) == (409, "REVERSAL_PENDING", "tx_id")
    assert first["request_id"] in e.message
    api.client("regop2").approve_correction(first["request_id"])
    assert api.state.registry.bucket(p.account_id, P)[0] == 0
