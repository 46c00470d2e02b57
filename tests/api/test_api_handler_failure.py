"""A handler that raises is a bug: over HTTP it answers 500 with a request id (the id it was
logged under), never a business rejection, and changes nothing."""

from __future__ import annotations

from typing import Any

from liveapi import LiveApi

from openets.clearing import funds


def test_handler_exception_answers_500_with_a_request_id_not_a_rejection(
    fresh_api: LiveApi,
) -> None:
    p = fresh_api.participant()

    def broken(m: Any, cmd: Any, ctx: Any) -> Any:
        raise TypeError("a bug in the deposit handler")

    fresh_api.market.engine.handlers[funds.InstructDeposit] = broken
    with fresh_api.unchanged():
        r = p.client.request(
            "POST", "/funds/deposits", json={"account_id": p.account_id, "amount": "12.00"}
        )
    assert r.status_code == 500
    body = r.json()
    assert body["error"]["code"] == "INTERNAL_ERROR"
    assert body["request_id"] and body["request_id"] in body["error"]["message"]
    assert r.headers["X-Request-Id"] == body["request_id"]


def test_server_goes_on_after_a_failed_command(fresh_api: LiveApi) -> None:
    p = fresh_api.participant()
    real = fresh_api.market.engine.handlers[funds.InstructDeposit]

    def broken(m: Any, cmd: Any, ctx: Any) -> Any:
        raise KeyError("balances")

    fresh_api.market.engine.handlers[funds.InstructDeposit] = broken
    body = {"account_id": p.account_id, "amount": "12.00"}
    assert p.client.request("POST", "/funds/deposits", json=body).status_code == 500
    fresh_api.market.engine.handlers[funds.InstructDeposit] = real
    r = p.client.request("POST", "/funds/deposits", json=body)
    assert r.status_code == 201, r.text
