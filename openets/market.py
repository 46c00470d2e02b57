"""The whole market's in-memory state: one typed field per context's part, changed only by events.

A new part is a new field here (and its appliers in :mod:`openets.composition`). Parts defined
by a context's service module are created by a factory that imports it when the state is made
(those modules import this one for its type).

A handler decides a command on the market state (``Handler``), an applier changes the state
by one event (``Applier``); :func:`part` and :func:`apply_part` route a context's own handler or
applier to its part of the state. The engine sequences them; :mod:`openets.composition` writes
the tables out.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar, cast

from openets.clearing.funds import FundsState
from openets.domain.ids import IdSource
from openets.domain.messages import Command, Ctx, Event, Result
from openets.engine.statehash import canonical_hash
from openets.identity.model import IdentityState
from openets.presets import MarketRules, preset
from openets.registry.state import RegistryState
from openets.supervision.finance import FinanceState
from openets.supervision.state import SupervisionState
from openets.trading.auction_book import AuctionBook
from openets.trading.block_book import BlockBook
from openets.trading.state import TradingState

if TYPE_CHECKING:
    from openets.audit.service import AuditState
    from openets.compliance.service import CompliancePart
    from openets.ops.clock_service import ClockState
    from openets.registry.service import AccountRequests


def _compliance() -> CompliancePart:
    from openets.compliance.service import CompliancePart

    return CompliancePart()


def _clock() -> ClockState:
    from openets.ops.clock_service import ClockState

    return ClockState()


def _account_requests() -> AccountRequests:
    from openets.registry.service import AccountRequests

    return AccountRequests()


def _audit() -> AuditState:
    from openets.audit.service import AuditState

    return AuditState()


def _default_rules() -> MarketRules:
    return preset("cn")


PARTS: tuple[str, ...] = (
    "trading",
    "auction",
    "block",
    "finance",
    "compliance",
    "supervision",
    "clock",
    "account_requests",
    "identity",
    "audit",
)
"""The parts beyond the registry and the funds (hashed and checked in name order)."""


@dataclass(slots=True)
class MarketState:
    registry: RegistryState = field(default_factory=RegistryState)
    funds: FundsState = field(default_factory=FundsState)
    trading: TradingState = field(default_factory=TradingState)
    auction: AuctionBook = field(default_factory=AuctionBook)
    block: BlockBook = field(default_factory=BlockBook)
    finance: FinanceState = field(default_factory=FinanceState)
    compliance: CompliancePart = field(default_factory=_compliance)
    supervision: SupervisionState = field(default_factory=SupervisionState)
    clock: ClockState = field(default_factory=_clock)
    account_requests: AccountRequests = field(default_factory=_account_requests)
    identity: IdentityState = field(default_factory=IdentityState)
    audit: AuditState = field(default_factory=_audit)
    preset: str = ""
    """The rules preset's name, fixed when the market is configured ('' before)."""
    rule_overrides: tuple[tuple[str, str], ...] = ()
    """Rule-by-rule changes to the preset, fixed with it (:mod:`openets.rule_overrides`)."""
    rules: MarketRules = field(default_factory=_default_rules, metadata={"derived": True})
    """The preset's rules with their changes, resolved once when the market is configured."""
    ids: IdSource = field(default_factory=IdSource)
    last_seq: int = 0
    last_cmd_seq: int = 0
    last_hash: str = "0" * 64
    last_ts: int = 0

    def configure(self, name: str, overrides: tuple[tuple[str, str], ...] = ()) -> None:
        """Fix the market's preset and resolve its rules (once, when the market is configured)."""
        self.preset = name
        self.rule_overrides = overrides
        self.rebuild_derived()

    def rebuild_derived(self) -> None:
        """Recompute what is derived from other fields (after a snapshot is read)."""
        rules = preset(self.preset or "cn")
        if self.rule_overrides:
            from openets.rule_overrides import apply_overrides, decode

            rules = apply_overrides(rules, decode(self.rule_overrides))
        self.rules = rules

    def canonical(self) -> dict[str, object]:
        out: dict[str, object] = {
            "registry": self.registry.canonical(),
            "funds": self.funds.canonical(),
            "ids": sorted(self.ids.snapshot().items()),
        }
        for name in PARTS:
            out[name] = getattr(self, name).canonical()
        if self.preset:
            out["preset"] = repr(self.preset)
        if self.rule_overrides:
            out["rule_overrides"] = [list(p) for p in self.rule_overrides]
        return dict(sorted(out.items()))

    def state_hash(self) -> str:
        return canonical_hash(self.canonical())

    def violations(self) -> list[str]:
        out = self.registry.violations() + self.funds.violations()
        for name in sorted(PARTS):
            part = getattr(self, name)
            if hasattr(part, "violations"):
                out += part.violations()
        from openets.ops.reconcile import cross_context_violations  # reads every part

        return out + cross_context_violations(self)


C = TypeVar("C", bound=Command)

Handler = Callable[[MarketState, C, Ctx], Result]
"""Decides one command of type ``C`` on the market state (pure): its events or a rejection.
``Handler[PlaceOrder]`` takes a PlaceOrder; ``Handler[Command]`` takes any command."""
Applier = Callable[[MarketState, Any], None]
"""Changes the market state by one event."""


class HandlerTable(dict[type[Command], Handler[Command]]):
    """Each command type's handler. Setting an entry checks (by the type checker) that the
    handler takes that command type: ``table[PlaceOrder] = place_order`` passes when
    ``place_order`` takes a PlaceOrder (or any supertype of it), and fails for a handler of
    another command. The engine looks handlers up by the command's own type, so each runs
    only with the command it was registered for."""

    def __setitem__(self, cmd_t: type[C], handler: Handler[C]) -> None:
        super().__setitem__(cmd_t, cast("Handler[Command]", handler))

    def handler(self, cmd_t: type[C]) -> Handler[C]:
        """The handler of ``cmd_t``, typed for it (KeyError when there is none)."""
        return self[cmd_t]


Wrapper = Callable[[Handler[C]], Handler[C]]
"""A guard of another context around a handler of ``C`` (:mod:`openets.composition`)."""


class WrapperTable(dict[type[Command], tuple[Wrapper[Command], ...]]):
    """Each command type's wrappers, checked like :class:`HandlerTable`: every wrapper of an
    entry takes (and gives back) a handler of that command type."""

    def __setitem__(self, cmd_t: type[C], wraps: tuple[Wrapper[C], ...]) -> None:
        super().__setitem__(cmd_t, cast("tuple[Wrapper[Command], ...]", wraps))


ApplierTable = dict[type, Applier]


def part(name: str, fn: Callable[[Any, C, Ctx], Result]) -> Callable[[MarketState, C, Ctx], Result]:
    """Route a command to one context's handler with that context's part of the state."""

    @functools.wraps(fn)
    def h(m: MarketState, cmd: C, ctx: Ctx) -> Result:
        return fn(getattr(m, name), cmd, ctx)

    return h


def apply_part(name: str, fn: Callable[[Any, Any], None]) -> Applier:
    """Apply an event to one context's part of the state (bound once for replay)."""

    @functools.wraps(fn)
    def a(m: MarketState, ev: Event) -> None:
        fn(getattr(m, name), ev)

    a.bind = lambda m: partial(fn, getattr(m, name))  # type: ignore[attr-defined]
    return a
