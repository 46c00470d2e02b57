"""Two-factor login for a participant's transfers where the ``cn`` preset asks for it: a
surrender and a pledge move allowances out of the account, so each needs a session opened with
a one-time code, as a withdrawal does. Refused without one, nothing changes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from liveapi import PASSWORD, LiveApi, Participant
from test_api_mfa import Codes, mfa_market

from openets.client import Client


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveApi, Codes]]:
    with mfa_market(tmp_path_factory.mktemp("mfa_transfers")) as w:
        yield w


def _err(r: Any) -> tuple[int, str, str | None]:
    e = r.json()["error"]
    return r.status_code, e["code"], e["field"]


def _with_a_code(api: LiveApi, codes: Codes, p: Participant) -> Client:
    """Enrol ``p`` and open a session with a one-time code."""
    secret = p.client.post("/auth/mfa/enroll")["secret"]
    p.client.post("/auth/mfa/confirm", {"otp": codes.next(p.username, secret)})
    return Client.login(api.base_url, p.username, PASSWORD, codes.next(p.username, secret))


def test_participant_surrender_needs_a_session_opened_with_a_code(
    world: tuple[LiveApi, Codes],
) -> None:
    api, codes = world
    p = api.participant(tonnes={"CEA19-20": 100})
    body = {
        "account_id": p.account_id,
        "compliance_year": 2020,
        "items": [{"product": "CEA19-20", "quantity": 90}],
    }
    with api.unchanged():
        r = p.client.request("POST", "/registry/surrenders", json=body)
    assert _err(r) == (401, "MFA_REQUIRED", "otp")
    coded = _with_a_code(api, codes, p)
    assert coded.request("POST", "/registry/surrenders", json=body).status_code == 201
    assert api.state.registry.bucket(p.account_id, "CEA19-20")[0] == 10


def test_participant_pledge_needs_a_session_opened_with_a_code(
    world: tuple[LiveApi, Codes],
) -> None:
    api, codes = world
    owner = api.participant(tonnes={"CEA21": 1000})
    lender = api.participant()
    body = {
        "pledgor": owner.account_id, "lender": lender.account_id, "product": "CEA21",
        "quantity": 600, "loan": "20000.00", "maturity": "2099-06-30", "reference": "贷-101",
    }  # fmt: skip
    with api.unchanged():
        r = owner.client.request("POST", "/finance/pledges", json=body)
    assert _err(r) == (401, "MFA_REQUIRED", "otp")
    coded = _with_a_code(api, codes, owner)
    assert coded.request("POST", "/finance/pledges", json=body).status_code == 201
