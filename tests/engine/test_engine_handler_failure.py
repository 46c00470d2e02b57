"""A handler that raises is a bug: the command halts, changes nothing, is logged with the command,
and is never answered as a business rejection."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from dsl import Given

from openets.clearing import funds
from openets.engine.core import CommandFailed


def _raises(exc: Exception) -> Any:
    def handler(m: Any, cmd: Any, ctx: Any) -> Any:
        ctx.ids.next("F")  # an id drawn before the failure is given back
        raise exc

    return handler


@pytest.mark.parametrize(
    "exc", [TypeError("bad"), KeyError("x"), ValueError("v"), ZeroDivisionError()]
)
def test_handler_exception_halts_the_command_and_changes_nothing(
    exc: Exception, caplog: pytest.LogCaptureFixture
) -> None:
    g = Given.in_memory()
    a = g.account(fen=10_000)
    before = (g.state.last_seq, g.state.state_hash(), g.state.ids.snapshot())
    g.engine.handlers[funds.Deposit] = _raises(exc)
    cmd = funds.Deposit(a, 500, "DEP-bug")
    with (
        caplog.at_level(logging.ERROR, logger="openets.engine"),
        pytest.raises(CommandFailed) as failed,
    ):
        g.engine.submit(cmd, "bank")
    assert failed.value.command is cmd and failed.value.cause is exc
    assert (g.state.last_seq, g.state.state_hash(), g.state.ids.snapshot()) == before
    assert any(repr(cmd) in r.getMessage() for r in caplog.records)


def test_market_goes_on_after_a_failed_command() -> None:
    g = Given.in_memory()
    a = g.account(fen=10_000)
    real = g.engine.handlers[funds.Deposit]
    g.engine.handlers[funds.Deposit] = _raises(KeyError("balances"))
    with pytest.raises(CommandFailed):
        g.engine.submit(funds.Deposit(a, 500, "DEP-bug"), "bank")
    g.engine.handlers[funds.Deposit] = real
    g.ok(funds.Deposit(a, 500, "DEP-after"), "bank")
    assert g.funds(a)[0] == 10_500


def test_event_that_cannot_be_encoded_halts_the_command() -> None:
    g = Given.in_memory()
    a = g.account(fen=10_000)
    before = (g.state.last_seq, g.state.state_hash())

    def unencodable(m: Any, cmd: Any, ctx: Any) -> Any:
        return (funds.FundsPosted("F-x", "deposit", (object(),), "ref"),)  # type: ignore[arg-type]

    g.engine.handlers[funds.Deposit] = unencodable
    with pytest.raises(CommandFailed):
        g.engine.submit(funds.Deposit(a, 500, "DEP-bug"), "bank")
    assert (g.state.last_seq, g.state.state_hash()) == before
