"""A handler's command type is checked where it is put in the table: the type checker (mypy
strict, as the project runs it) refuses a handler registered for a command type it does not
take, and the handler and wrapper types carry no ``Any``."""

from __future__ import annotations

import subprocess
import sys
import typing
from pathlib import Path

import openets
from openets import market

ROOT = Path(openets.__file__).resolve().parents[1]

SNIPPET = """
from openets.domain.messages import Ctx, Result
from openets.domain.tables import PartTable
from openets.market import HandlerTable, MarketState, WrapperTable, Handler
from openets.registry.commands import Issue
from openets.registry.state import RegistryState
from openets.trading.commands import CancelListing, PlaceOrder


def place(m: MarketState, cmd: PlaceOrder, ctx: Ctx) -> Result:
    return ()


def only_orders(inner: Handler[PlaceOrder]) -> Handler[PlaceOrder]:
    return inner


def issue(state: RegistryState, cmd: Issue, ctx: Ctx) -> Result:
    return ()


table = HandlerTable()
table[PlaceOrder] = place
wraps = WrapperTable()
wraps[PlaceOrder] = (only_orders,)
registry = PartTable[RegistryState]()
registry[Issue] = issue
"""


def _mypy(tmp_path: Path, source: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "snippet.py").write_text(source, encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / "cache"),
         str(tmp_path / "snippet.py")],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )  # fmt: skip


def test_handler_registered_for_another_command_type_fails_the_type_check(
    tmp_path: Path,
) -> None:
    good = _mypy(tmp_path, SNIPPET)
    assert good.returncode == 0, good.stdout
    bad = _mypy(
        tmp_path,
        SNIPPET + "table[CancelListing] = place\nwraps[CancelListing] = (only_orders,)\n"
        "registry[PlaceOrder] = issue\n",
    )
    assert bad.returncode == 1, bad.stdout
    first = SNIPPET.count("\n") + 1  # the three lines added
    for line in (first, first + 1, first + 2):
        assert f"snippet.py:{line}: error" in bad.stdout, bad.stdout


def _any_inside(tp: object) -> bool:
    return tp is typing.Any or any(_any_inside(a) for a in typing.get_args(tp))


def test_handler_and_wrapper_types_carry_no_any() -> None:
    assert not _any_inside(market.Handler)
    assert not _any_inside(market.Wrapper)
    assert not _any_inside(market.HandlerTable.__orig_bases__[0])  # type: ignore[attr-defined]


def test_context_tables_carry_no_any() -> None:
    from openets.clearing import funds
    from openets.compliance import mrv
    from openets.domain.tables import PartTable
    from openets.identity.handlers import IdentityTable
    from openets.registry import handlers as registry
    from openets.supervision import handlers as supervision

    for table in (registry.HANDLERS, funds.HANDLERS, supervision.HANDLERS, mrv.HANDLERS):
        assert isinstance(table, PartTable)
    assert not _any_inside(PartTable.__orig_bases__[0])  # type: ignore[attr-defined]
    assert not _any_inside(IdentityTable.__orig_bases__[0])  # type: ignore[attr-defined]
