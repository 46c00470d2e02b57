"""Use cases that span contexts (the service layer).

Every module of this package is discovered: it registers its command handlers and event
appliers in ``register(handlers, appliers)``, and may declare ``STATE_PARTS``, the states of
the contexts it adds to :attr:`MarketState.ext` (name -> factory).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from functools import cache
from types import ModuleType
from typing import Any

from openets.engine.core import Applier, Handler


@cache
def modules() -> tuple[ModuleType, ...]:
    out = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        out.append(importlib.import_module(f"{__name__}.{info.name}"))
    return tuple(out)


def register(handlers: dict[type, Handler], appliers: dict[type, Applier]) -> None:
    for mod in modules():
        reg = getattr(mod, "register", None)
        if reg is not None:
            reg(handlers, appliers)


def state_parts() -> dict[str, Callable[[], Any]]:
    parts: dict[str, Callable[[], Any]] = {}
    for mod in modules():
        parts.update(getattr(mod, "STATE_PARTS", {}))
    return parts
