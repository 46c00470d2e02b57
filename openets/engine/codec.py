"""Events to and from the journal's JSON payload.

orjson writes frozen dataclasses (with slots), enums and tuples natively. Reading back builds
a decoder per event class once, from its type hints, so replay costs one dict lookup and one
constructor call per field that needs converting.
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

Decoder = Callable[[Any], Any]
_DECODERS: dict[type, Callable[[dict[str, Any]], Any]] = {}


def encode(event: Event) -> bytes:
    return orjson.dumps(event)


def _identity(v: Any) -> Any:
    return v


def _optional(f: Decoder) -> Decoder:
    return lambda v: None if v is None else f(v)


def _tuple_of(f: Decoder) -> Decoder:
    return lambda v: tuple(f(x) for x in v)


def _fixed_tuple(convs: list[Decoder]) -> Decoder:
    return lambda v: tuple(c(x) for c, x in zip(convs, v, strict=True))


def _decoder_for(tp: Any) -> Decoder | None:
    """A converter from JSON to ``tp``; None when the JSON value is already right."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) == 1:
            inner = _decoder_for(args[0])
            return None if inner is None else _optional(inner)
        return None
    if origin is tuple:
        targs = typing.get_args(tp)
        if len(targs) == 2 and targs[1] is Ellipsis:
            inner = _decoder_for(targs[0])
            return tuple if inner is None else _tuple_of(inner)
        return _fixed_tuple([_decoder_for(a) or _identity for a in targs])
    if isinstance(tp, type):
        if issubclass(tp, enum.Enum):
            return tp
        if dataclasses.is_dataclass(tp):
            build = _build(tp)
            return build
    return None


def _build(cls: type) -> Callable[[dict[str, Any]], Any]:
    cached = _DECODERS.get(cls)
    if cached is not None:
        return cached
    hints = typing.get_type_hints(cls)
    convs = [(f.name, _decoder_for(hints[f.name])) for f in dataclasses.fields(cls)]
    names = [n for n, _ in convs]
    if all(conv is None for _, conv in convs):

        def build(d: dict[str, Any]) -> Any:
            return cls(*[d[n] for n in names])

    else:
        pairs = [(n, conv or _identity) for n, conv in convs]

        def build(d: dict[str, Any]) -> Any:
            return cls(*[conv(d[n]) for n, conv in pairs])

    _DECODERS[cls] = build
    return build


def decode(type_name: str, payload: bytes | str) -> Event:
    cls = EVENT_TYPES.get(type_name)
    if cls is None:
        raise KeyError(f"unknown event type in the journal: {type_name}")
    result: Event = _build(cls)(orjson.loads(payload))
    return result
