"""Base types of the messages every context speaks: commands in, events out.

Commands and events are frozen dataclasses (``@dataclass(frozen=True, slots=True)``) deriving
from :class:`Command` or :class:`Event`. Their fields are journal-safe: ``str``, ``int``,
``bool``, ``None``, a ``StrEnum``/``IntEnum``, a nested frozen dataclass, or a ``tuple`` of
those. That keeps the journal a plain JSON document and replay exact.

A context handles a command with a pure function
``handle(state, cmd, ctx) -> tuple[Event, ...] | Rejection`` and changes its state only by
``apply(state, event)``, so replaying the journal rebuilds the same state.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from openets.domain.frozen import quick_init
from openets.domain.ids import IdSource
from openets.domain.rejection import Rejection

EVENT_TYPES: dict[str, type[Event]] = {}
"""Every event class by its journal name; filled in by subclassing."""


class Command:
    """Marker base of commands (requests that may be rejected)."""

    __slots__ = ()

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        quick_init(cls)  # the finished (slotted) dataclass; the first pass is left as it is


class Event:
    """Marker base of events (facts that happened); registered under their class name."""

    __slots__ = ()
    journal_name: ClassVar[str] = ""
    VERSION: ClassVar[int] = 1
    """The payload's version; raise it when a field is renamed, retyped or removed (a field
    added with a default needs no new version: older payloads take the default)."""
    UPCASTERS: ClassVar[Mapping[int, Callable[[dict[str, Any]], dict[str, Any]]]] = {}
    """``UPCASTERS[v]`` turns a payload of version ``v`` into one of version ``v + 1``."""

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        name = cls.__name__
        existing = EVENT_TYPES.get(name)
        if existing is not None and existing.__module__ != cls.__module__:
            raise TypeError(
                f"event name {name} is used twice: {existing.__module__}, {cls.__module__}"
            )
        cls.journal_name = name
        EVENT_TYPES[name] = cls
        quick_init(cls)  # the finished (slotted) dataclass; the first pass is left as it is


@dataclass(slots=True)
class Ctx:
    """What a handler may know besides its state: the time, the actor and the id source."""

    now: datetime
    actor: str
    ids: IdSource


Result = tuple[Event, ...] | Rejection
"""What a handler returns: the events of the command, or why it was refused."""
