"""Idempotency keys: a retried POST gets the first answer without a second submission."""

from __future__ import annotations

import secrets
from concurrent.futures import ThreadPoolExecutor

import httpx
from liveapi import LiveApi
from sqlalchemy import select

from openets.store import schema

ON_THE_RUNS_DATABASE = True  # on PostgreSQL in the PostgreSQL pass (tests/api/conftest.py)


def _key() -> str:
    return f"k-{secrets.token_hex(8)}"


def test_retried_deposit_with_the_same_key_returns_the_first_answer(api: LiveApi) -> None:
    p = api.participant()
    key = _key()
    body = {"account_id": p.account_id, "amount": "10.00"}
    first = p.client.request("POST", "/funds/deposits", json=body, idempotency_key=key)
    seq = api.seq()
    again = p.client.request("POST", "/funds/deposits", json=body, idempotency_key=key)
    assert (again.status_code, again.content) == (first.status_code, first.content)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert api.seq() == seq and api.state.funds.of(p.account_id)[0] == 1000


def test_same_key_from_another_user_is_a_new_command(api: LiveApi) -> None:
    a, b = api.participant(), api.participant()
    key = _key()
    a.client.deposit(a.account_id, "1.00", idempotency_key=key)
    out = b.client.deposit(b.account_id, "2.00", idempotency_key=key)
    assert out["account_id"] == b.account_id and api.state.funds.of(b.account_id)[0] == 200


def test_same_key_with_a_different_request_is_refused(api: LiveApi) -> None:
    p = api.participant()
    key = _key()
    p.client.deposit(p.account_id, "1.00", idempotency_key=key)
    with api.unchanged():
        r = p.client.request(
            "POST",
            "/funds/deposits",
            json={"account_id": p.account_id, "amount": "2.00"},
            idempotency_key=key,
        )
    assert r.status_code == 422 and r.json()["error"]["code"] == "IDEMPOTENCY_KEY_REUSED"


def test_a_rejection_is_replayed_as_it_was_first_answered(api: LiveApi) -> None:
    p = api.participant()
    key = _key()
    body = {"account_id": p.account_id, "amount": "5.00"}
    first = p.client.request("POST", "/funds/withdrawals", json=body, idempotency_key=key)
    assert first.status_code == 409
    p.client.deposit(p.account_id, "100.00")
    with api.unchanged():
        again = p.client.request("POST", "/funds/withdrawals", json=body, idempotency_key=key)
    assert (again.status_code, again.content) == (409, first.content)


def test_concurrent_retries_with_one_key_run_the_command_once(api: LiveApi) -> None:
    p = api.participant()
    key = _key()
    url = f"{api.base_url}/api/v1/funds/deposits"
    headers = {"Authorization": f"Bearer {p.client.token}", "Idempotency-Key": key}
    body = {"account_id": p.account_id, "amount": "3.00"}

    def post(_: int) -> tuple[int, bytes]:
        r = httpx.post(url, json=body, headers=headers)
        return r.status_code, r.content

    with ThreadPoolExecutor(8) as pool:
        answers = set(pool.map(post, range(16)))
    assert len(answers) == 1 and next(iter(answers))[0] == 201
    assert api.state.funds.of(p.account_id)[0] == 300


def test_answer_is_stored_in_the_market_database(api: LiveApi) -> None:
    p = api.participant()
    key = _key()
    p.client.deposit(p.account_id, "1.00", idempotency_key=key)
    t = schema.idempotency
    with api.services.side.engine.connect() as conn:
        row = conn.execute(
            select(t.c.status).where(t.c.key == key, t.c.username == p.username)
        ).first()
    assert row is not None and row[0] == 201


def test_malformed_idempotency_key_is_refused(api: LiveApi) -> None:
    p = api.participant()
    with api.unchanged():
        r = p.client.request(
            "POST",
            "/funds/deposits",
            json={"account_id": p.account_id, "amount": "1.00"},
            idempotency_key="x" * 129,
        )
    assert r.status_code == 422 and r.json()["error"]["field"] == "Idempotency-Key"
