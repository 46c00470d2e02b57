"""The market's composition is written out: nothing is discovered, nothing is overridden by the
order modules are imported in, and a guard sits where the table is written."""

from __future__ import annotations

import pkgutil
import re
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from dsl import Given

import openets
import openets.api.routers
from openets import composition
from openets.api.app import ROUTERS
from openets.clearing import funds
from openets.domain.messages import Ctx
from openets.domain.rejection import Code
from openets.registry import commands as rc
from openets.supervision import messages as sm
from openets.supervision.messages import Authority

PACKAGE = Path(openets.__file__).parent
SERVICE_PACKAGES = (
    "openets.registry",
    "openets.trading",
    "openets.clearing",
    "openets.compliance",
    "openets.supervision",
    "openets.identity",
    "openets.audit",
    "openets.ops",
)
"""The packages whose modules may decide commands (a service module has ``register``)."""
DISCOVERY = re.compile(r"\bpkgutil\b|\bimport_module\b|__import__\(")


def test_the_package_discovers_no_module_by_name() -> None:
    found = [
        f"{path.relative_to(PACKAGE.parent)}:{n}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if DISCOVERY.search(line)
    ]
    assert found == []


def test_every_use_case_module_is_listed_in_the_composition() -> None:
    listed = {m.__name__ for m in composition.USE_CASES}
    present = {
        f"{pkg}.{i.name}"
        for pkg in SERVICE_PACKAGES
        for i in pkgutil.iter_modules([str(PACKAGE.parent / pkg.replace(".", "/"))])
    }
    with_register = {
        name for name in present if hasattr(__import__(name, fromlist=["x"]), "register")
    }
    assert with_register == listed


def test_every_router_module_is_mounted() -> None:
    present = {
        f"openets.api.routers.{i.name}"
        for i in pkgutil.iter_modules(openets.api.routers.__path__)
        if not i.name.startswith("_")
    }
    assert {m.__name__ for m in ROUTERS} == present


def _module(name: str, register: Any) -> ModuleType:
    mod = ModuleType(name)
    mod.register = register  # type: ignore[attr-defined]
    return mod


def test_two_handlers_for_one_command_type_raise() -> None:
    def claims_withdrawal(handlers: dict[type, Any], appliers: dict[type, Any]) -> None:
        handlers[funds.RequestWithdrawal] = lambda m, c, ctx: ()

    with pytest.raises(composition.CompositionError, match="RequestWithdrawal"):
        composition.compose((*composition.USE_CASES, _module("wallet", claims_withdrawal)))


def test_two_appliers_for_one_event_type_raise() -> None:
    def applies_funds(handlers: dict[type, Any], appliers: dict[type, Any]) -> None:
        appliers[funds.FundsPosted] = lambda m, ev: None

    with pytest.raises(composition.CompositionError, match="FundsPosted"):
        composition.compose((*composition.USE_CASES, _module("ledger2", applies_funds)))


def test_the_use_cases_order_does_not_change_the_tables() -> None:
    forward, _ = composition.compose(composition.USE_CASES)
    backward, _ = composition.compose(tuple(reversed(composition.USE_CASES)))
    assert forward.keys() == backward.keys()
    for cmd_t in forward:
        assert getattr(forward[cmd_t], "guarded_by", None) == getattr(
            backward[cmd_t], "guarded_by", None
        ), cmd_t.__name__


@pytest.mark.parametrize("cmd_t", [funds.RequestWithdrawal, rc.RequestTransfer, rc.Decide])
def test_transfer_restriction_guard_is_in_the_table(cmd_t: type) -> None:
    for order in (composition.USE_CASES, tuple(reversed(composition.USE_CASES))):
        handlers, _ = composition.compose(order)
        assert getattr(handlers[cmd_t], "guarded_by", None) == "transfer restriction"


def test_withdrawal_by_an_account_restricted_from_transfers_is_refused_whatever_the_order() -> None:
    g = Given.in_memory()
    a = g.account(fen=10_000)
    g.ok(sm.RestrictAccount(a, False, True, "investigation", Authority.EXCHANGE), "ex1")
    handlers, _ = composition.compose(tuple(reversed(composition.USE_CASES)))
    ctx = Ctx(g.now(), "op1", g.state.ids)
    r = handlers[funds.RequestWithdrawal](g.state, funds.RequestWithdrawal(a, 100, "wd-1"), ctx)
    assert getattr(r, "code", None) is Code.ACCOUNT_RESTRICTED
