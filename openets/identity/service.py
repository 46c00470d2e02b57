"""Identity's service: persons and logins are journaled, so replay restores who may do what.

The handlers of :mod:`openets.identity.handlers` read the registry's accounts through its port
(a representative's account must exist and not be closed); they change only the identity part
of the state.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TypeVar

from openets.domain.messages import Command, Ctx, Result
from openets.identity.handlers import HANDLERS, Accounts
from openets.identity.model import APPLIERS, IdentityState
from openets.market import ApplierTable, Handler, HandlerTable, MarketState
from openets.registry import port as registry_port

__all__ = ["IdentityState", "identity", "register"]


def identity(m: MarketState) -> IdentityState:
    st: IdentityState = m.identity
    return st


C = TypeVar("C", bound=Command)


def _route(fn: Callable[[IdentityState, Accounts, C, Ctx], Result]) -> Handler[C]:
    """``fn`` on the identity part, reading the registry's accounts (a representative's)."""

    @functools.wraps(fn)
    def h(m: MarketState, cmd: C, ctx: Ctx) -> Result:
        return fn(m.identity, functools.partial(registry_port.account, m), cmd, ctx)

    return h


def register(handlers: HandlerTable, appliers: ApplierTable) -> None:
    from openets.market import apply_part

    for cmd_t, fn in HANDLERS.items():
        handlers[cmd_t] = _route(fn)
    for ev_t, ap in APPLIERS.items():
        appliers[ev_t] = apply_part("identity", ap)
