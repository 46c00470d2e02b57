"""Events to and from the journal's JSON payload.

orjson writes frozen dataclasses (with slots), enums and tuples natively. Reading back, a
decoder is generated once per class from its type hints: straight-line code with one
constructor call per nested value and a dict lookup per enum, because replay runs it for
every event in the journal.
"""

from __future__ import annotations

import dataclasses
import enum
import types
import typing
from collections.abc import Callable
from typing import Any

import orjson

from openets.domain.messages import EVENT_TYPES, Event

_DECODERS: dict[type, Callable[[dict[str, Any]], Any]] = {}


def encode(event: Event) -> bytes:
    return orjson.dumps(event)


class _Gen:
    """Builds the source of one decoder, naming the helpers it needs in ``env``."""

    def __init__(self) -> None:
        self.env: dict[str, Any] = {}
        self.n = 0

    def name(self, obj: Any) -> str:
        for k, v in self.env.items():
            if v is obj:
                return k
        self.n += 1
        key = f"_h{self.n}"
        self.env[key] = obj
        return key

    def expr(self, tp: Any, src: str) -> str:
        """A Python expression converting the JSON value ``src`` to ``tp``."""
        origin = typing.get_origin(tp)
        if origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            if len(args) == 1:
                inner = self.expr(args[0], src)
                return src if inner == src else f"(None if {src} is None else {inner})"
            return src
        if origin is tuple:
            targs = typing.get_args(tp)
            if len(targs) == 2 and targs[1] is Ellipsis:
                inner = self.expr(targs[0], "_x")
                return f"tuple({src})" if inner == "_x" else f"tuple([{inner} for _x in {src}])"
            parts = [self.expr(a, f"{src}[{i}]") for i, a in enumerate(targs)]
            return "(" + "".join(p + ", " for p in parts) + ")"
        if isinstance(tp, type) and issubclass(tp, enum.Enum):
            return f"{self.name(tp._value2member_map_)}[{src}]"
        if isinstance(tp, type) and dataclasses.is_dataclass(tp):
            return f"{self.name(_build(tp))}({src})"
        return src


def _build(cls: type) -> Callable[[dict[str, Any]], Any]:
    cached = _DECODERS.get(cls)
    if cached is not None:
        return cached
    hints = typing.get_type_hints(cls)
    gen = _Gen()
    args = ", ".join(gen.expr(hints[f.name], f"d[{f.name!r}]") for f in dataclasses.fields(cls))
    src = f"def decode(d):\n    return {gen.name(cls)}({args})\n"
    exec(compile(src, f"<decoder {cls.__name__}>", "exec"), gen.env)
    fn: Callable[[dict[str, Any]], Any] = gen.env["decode"]
    _DECODERS[cls] = fn
    return fn


def decode(type_name: str, payload: bytes | str) -> Event:
    cls = EVENT_TYPES.get(type_name)
    if cls is None:
        raise KeyError(f"unknown event type in the journal: {type_name}")
    result: Event = _build(cls)(orjson.loads(payload))
    return result


def decoder(type_name: str) -> Callable[[dict[str, Any]], Any]:
    """The decoder of one event type (replay looks it up once per type)."""
    cls = EVENT_TYPES.get(type_name)
    if cls is None:
        raise KeyError(f"unknown event type in the journal: {type_name}")
    return _build(cls)
