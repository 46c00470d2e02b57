"""Events to and from the journal's JSON payload.

msgspec writes frozen dataclasses (with slots), enums and tuples natively, field by field in
declaration order, compact: the same bytes as orjson (which the journal was first written with)
at about a third of the cost, and integers of any size. Reading back, replay decodes a payload
straight into its event class with msgspec (:func:`payload_decoder`); a payload that this typed
reading refuses, and every event type of a version above 1, goes through the generated decoder:
straight-line code built once per class from its type hints, with one constructor call per
nested value and a dict lookup per enum.

A journal outlives the code that wrote it. Every event type has a ``VERSION`` (1 unless
raised); a payload of a version above 1 carries it as ``"_v"``. Reading, an older payload is
brought up to date by the event's ``UPCASTERS`` one version at a time, and a field missing from
it (added later, with a default) takes its default.
"""

from __future__ import annotations

import dataclasses
import enum
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import msgspec

from openets.domain.messages import EVENT_TYPES, Event

_DECODERS: dict[type, Callable[[dict[str, Any]], Any]] = {}
_PAYLOAD_DECODERS: dict[str, Callable[[bytes | str], Any]] = {}
_PAYLOAD_PAIRS: dict[
    str, tuple[Callable[[bytes | str], Any], Callable[[bytes | str], Any]]
] = {}
_dumps = msgspec.json.Encoder().encode


def encode(event: Event) -> bytes:
    blob = _dumps(event)
    version = type(event).VERSION
    if version == 1:
        return blob
    return b'{"_v":%d' % version + (b"," + blob[1:] if blob != b"{}" else b"}")


def encode_all(events: Iterable[Event]) -> list[bytes]:
    """:func:`encode` of each event (a command's), without a call per event of version 1."""
    return [_dumps(ev) if ev.VERSION == 1 else encode(ev) for ev in events]


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
    args = ", ".join(_field_expr(gen, hints[f.name], f) for f in dataclasses.fields(cls))
    src = f"def decode(d):\n    return {gen.name(cls)}({args})\n"
    exec(compile(src, f"<decoder {cls.__name__}>", "exec"), gen.env)
    fn: Callable[[dict[str, Any]], Any] = gen.env["decode"]
    version: int = getattr(cls, "VERSION", 1)
    if version > 1:
        fn = _upcasting(cls, version, fn)
    _DECODERS[cls] = fn
    return fn


def _field_expr(gen: _Gen, tp: Any, f: dataclasses.Field[Any]) -> str:
    """The field's value: from the payload, or its default when an older payload lacks it."""
    key = repr(f.name)
    if f.default is not dataclasses.MISSING:
        present = gen.expr(tp, f"d[{key}]")
        return f"({present} if {key} in d else {gen.name(f.default)})"
    if f.default_factory is not dataclasses.MISSING:
        present = gen.expr(tp, f"d[{key}]")
        return f"({present} if {key} in d else {gen.name(f.default_factory)}())"
    return gen.expr(tp, f"d[{key}]")


def _upcasting(
    cls: type, version: int, inner: Callable[[dict[str, Any]], Any]
) -> Callable[[dict[str, Any]], Any]:
    upcasters: Mapping[int, Callable[[dict[str, Any]], dict[str, Any]]] = getattr(
        cls, "UPCASTERS", {}
    )
    missing = [v for v in range(1, version) if v not in upcasters]
    if missing:
        raise TypeError(f"{cls.__name__} v{version} has no upcaster from version {missing}")

    def decode(d: dict[str, Any]) -> Any:
        v = d.pop("_v", 1)
        while v < version:
            d = upcasters[v](d)
            v += 1
        return inner(d)

    return decode


def decoder_for(cls: type) -> Callable[[dict[str, Any]], Any]:
    """The decoder of a dataclass (events, and the values nested in them)."""
    return _build(cls)


def decode(type_name: str, payload: bytes | str) -> Event:
    result: Event = payload_decoder(type_name)(payload)
    return result


def payload_decoder(type_name: str) -> Callable[[bytes | str], Any]:
    """The decoder of one event type's raw payload (replay looks it up once per type).

    A version-1 event is read by msgspec straight into its class (missing fields take their
    defaults, unknown keys are ignored); a payload it refuses (a value of another JSON type than
    the field's) is read by the generated decoder as before. An event of a later version is
    brought up to date by its upcasters first.
    """
    fn = _PAYLOAD_DECODERS.get(type_name)
    if fn is not None:
        return fn
    fast, slow = payload_decoders(type_name)
    if fast is slow:
        fn = slow
    else:
        invalid = msgspec.ValidationError

        def fn(payload: bytes | str) -> Any:
            try:
                return fast(payload)
            except invalid:
                return slow(payload)

    _PAYLOAD_DECODERS[type_name] = fn
    return fn


def payload_decoders(
    type_name: str,
) -> tuple[Callable[[bytes | str], Any], Callable[[bytes | str], Any]]:
    """One event type's raw-payload decoders as a pair ``(fast, fallback)``.

    ``fast`` may raise :class:`msgspec.ValidationError` on a payload it refuses, which
    ``fallback`` then reads (:func:`payload_decoder` in one call). Replay calls the pair itself,
    saving a call per event. Both are the same function where no typed decoder exists.
    """
    pair = _PAYLOAD_PAIRS.get(type_name)
    if pair is not None:
        return pair
    cls = EVENT_TYPES.get(type_name)
    if cls is None:
        raise KeyError(f"unknown event type in the journal: {type_name}")
    built = _build(cls)
    loads = msgspec.json.decode  # integers of any size stay exact

    def slow(payload: bytes | str) -> Any:
        return built(loads(payload))

    fast: Callable[[bytes | str], Any] = slow
    if getattr(cls, "VERSION", 1) == 1:
        try:
            fast = msgspec.json.Decoder(cls).decode
        except TypeError:  # a field type msgspec cannot read: the generated decoder reads it
            fast = slow
    pair = _PAYLOAD_PAIRS[type_name] = (fast, slow)
    return pair


def decoder(type_name: str) -> Callable[[dict[str, Any]], Any]:
    """The decoder of one event type (replay looks it up once per type)."""
    cls = EVENT_TYPES.get(type_name)
    if cls is None:
        raise KeyError(f"unknown event type in the journal: {type_name}")
    return _build(cls)
