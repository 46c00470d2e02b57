"""A context's own command table: each command type's handler on the context's part of the
state. Setting an entry is checked by the type checker: ``table[Issue] = issue`` passes when
``issue`` takes an Issue (or a supertype of it), and fails for a handler of another command;
the engine looks a handler up by the command's own type, so each runs only with the command it
was set for. (:class:`openets.market.HandlerTable` is the same on the whole market's state.)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar, cast

from openets.domain.messages import Command, Ctx, Result

S = TypeVar("S")
C = TypeVar("C", bound=Command)


class PartTable(dict[type[Command], Callable[[S, Command, Ctx], Result]]):
    """Command type -> its handler on a part of the state ``S``."""

    def __setitem__(self, cmd_t: type[C], handler: Callable[[S, C, Ctx], Result]) -> None:
        super().__setitem__(cmd_t, cast("Callable[[S, Command, Ctx], Result]", handler))
