"""Which handler takes which command, and which state applies which event.

Commands of one context go to that context's handler with its part of the state. Commands
that span contexts go to a use case in :mod:`openets.engine.usecases`, which calls the
contexts' pure functions and combines their events (the service layer). The tables themselves
are written out in :mod:`openets.composition`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from functools import partial
from typing import Any

from openets.domain.messages import Ctx, Event
from openets.engine.core import Applier, Handler
from openets.engine.state import MarketState

HandlerTable = dict[type, Handler]
ApplierTable = dict[type, Applier]


def part(name: str, fn: Callable[[Any, Any, Ctx], Any]) -> Handler:
    """Route a command to one context's handler with that context's part of the state."""

    @functools.wraps(fn)
    def h(m: MarketState, cmd: Any, ctx: Ctx) -> Any:
        return fn(getattr(m, name), cmd, ctx)

    return h


def apply_part(name: str, fn: Callable[[Any, Any], None]) -> Applier:
    """Apply an event to one context's part of the state (bound once for replay)."""

    @functools.wraps(fn)
    def a(m: MarketState, ev: Event) -> None:
        fn(getattr(m, name), ev)

    a.bind = lambda m: partial(fn, getattr(m, name))  # type: ignore[attr-defined]
    return a
