"""A pledge's enforcement over HTTP is held to a transfer's rules: the second registry
operator's approval is refused with 409 when the pledgor is frozen (a court's freeze stops the
creditor's enforcement) or the lender may not receive; the refusal names the field and changes
nothing, and the enforcement stays requested."""

from __future__ import annotations

from typing import Any

import pytest
from liveapi import LiveApi

from openets.client import ApiError
from openets.registry import commands as rc
from openets.registry.model import AccountStatus
from openets.supervision.finance import RegisterPledge

CEA = "CEA21"


def _refused(api: LiveApi, call: Any, *args: Any) -> ApiError:
    with api.unchanged(), pytest.raises(ApiError) as exc:
        call(*args)
    return exc.value


def _in_default(api: LiveApi) -> tuple[str, str, str]:
    owner, bank = api.participant(tonnes={CEA: 1_000}), api.participant()
    evs = api.submit(
        RegisterPledge(owner.account_id, bank.account_id, CEA, 600, 2_000_000, "2099-06-30", "贷-1")
    )
    pid = str(evs[-1].pledge_id)
    api.client("regop").post(f"/finance/pledges/{pid}/default", {"reason": "逾期未还"})
    return owner.account_id, bank.account_id, pid


def test_enforcement_of_a_pledge_on_a_frozen_pledgor_is_refused_over_http(api: LiveApi) -> None:
    owner, _, pid = _in_default(api)
    api.submit(rc.ChangeAccountStatus(owner, AccountStatus.FROZEN, "司法冻结"), "regop")
    path = f"/finance/pledges/{pid}/default/approve"
    e = _refused(api, api.client("regop2").post, path, {"reason": "违约"})
    assert (e.status, e.code, e.field) == (409, "ACCOUNT_NOT_ACTIVE", "pledgor")
    assert "frozen" in str(e)


def test_enforcement_of_a_pledge_to_a_frozen_lender_is_refused_over_http(api: LiveApi) -> None:
    _, bank, pid = _in_default(api)
    api.submit(rc.ChangeAccountStatus(bank, AccountStatus.FROZEN, "司法冻结"), "regop")
    path = f"/finance/pledges/{pid}/default/approve"
    e = _refused(api, api.client("regop2").post, path, {"reason": "违约"})
    assert (e.status, e.code, e.field) == (409, "ACCOUNT_NOT_ACTIVE", "lender")
