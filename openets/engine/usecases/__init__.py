"""Use cases that span contexts (the service layer). Each module registers its handlers."""

from __future__ import annotations

from openets.engine.core import Applier, Handler


def register(handlers: dict[type, Handler], appliers: dict[type, Applier]) -> None:
    from openets.engine.usecases import eod, genesis, money, trade

    for mod in (genesis, money, trade, eod):
        mod.register(handlers, appliers)
