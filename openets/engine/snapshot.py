"""Snapshots as canonical data: the market state written as JSON, read back by its type hints.

A snapshot blob is ``MAGIC``, the SHA-256 of the data, a newline, then the data. Reading checks
the magic and the digest *before* anything is built from the data; the engine then checks the
built state against the snapshot's state hash. Nothing in a blob is run as code: it can only
produce the types the state declares.

Encoding follows the declared types (the same walk both ways): dataclasses as objects of their
fields, dicts as lists of ``[key, value]`` pairs (keys may be tuples or enums), tuples, lists,
sets and deques as lists, enums by value, dates and times in ISO 8601, fractions as
``"n/d"``, a union of several dataclasses as ``[class name, value]``. Integers beyond 64 bits
are written as decimal strings. A type that keeps its data its own way (the order books, the
registry's transaction index, the id source) writes and reads its own plain data: it has
``to_snapshot(encode)`` and the class method ``from_snapshot(data, decode)``, handed this walk
for what it holds; so this module names no context's types.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import types
import typing
from collections import deque
from collections.abc import Callable
from datetime import date, datetime, time
from fractions import Fraction
from functools import cache
from typing import Any

import orjson

from openets.market import MarketState

MAGIC = b"openets-snapshot/1 "
_I64 = 2**63


class SnapshotError(ValueError):
    """The blob is not a snapshot of this format, or its data does not match its digest."""


# --- the walk, by declared type -----------------------------------------------------------------


@cache
def _hints(cls: type) -> tuple[tuple[str, Any], ...]:
    hints = typing.get_type_hints(cls)
    return tuple((f.name, hints[f.name]) for f in dataclasses.fields(cls))


def _writes_its_own(cls: Any) -> bool:
    """Whether ``cls`` writes and reads its own snapshot data."""
    return isinstance(cls, type) and hasattr(cls, "from_snapshot") and hasattr(cls, "to_snapshot")


def _union_members(tp: Any) -> list[Any]:
    return [a for a in typing.get_args(tp) if a is not type(None)]


def _enc(tp: Any, v: Any) -> Any:  # noqa: C901  (one branch per kind of type)
    if v is None:
        return None
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        members = _union_members(tp)
        if len(members) == 1:
            return _enc(members[0], v)
        return [type(v).__name__, _enc(type(v), v)]
    if origin is dict:
        kt, vt = typing.get_args(tp)
        return [[_enc(kt, k), _enc(vt, x)] for k, x in v.items()]
    if origin in (list, deque):
        (et,) = typing.get_args(tp)
        return [_enc(et, x) for x in v]
    if origin in (set, frozenset):
        (et,) = typing.get_args(tp)
        out = [_enc(et, x) for x in v]
        try:
            return sorted(out)
        except TypeError:
            return out
    if origin is tuple:
        args = typing.get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return [_enc(args[0], x) for x in v]
        return [_enc(a, x) for a, x in zip(args, v, strict=True)]
    if origin is typing.Literal or tp is Any:
        return v
    if _writes_its_own(origin or tp):
        return v.to_snapshot(_enc)
    if isinstance(v, enum.Enum):
        return v.value
    if isinstance(v, bool | str):
        return v
    if isinstance(v, int):
        return v if -_I64 <= v < _I64 else str(v)
    if isinstance(v, datetime | date | time):
        return v.isoformat()
    if isinstance(v, Fraction):
        return f"{v.numerator}/{v.denominator}"
    if dataclasses.is_dataclass(v) and not isinstance(v, type):
        return {name: _enc(ft, getattr(v, name)) for name, ft in _hints(type(v))}
    raise TypeError(f"cannot write {type(v).__name__} (declared {tp!r}) into a snapshot")


def _dec(tp: Any, d: Any) -> Any:  # noqa: C901  (one branch per kind of type)
    if d is None:
        return None
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        members = _union_members(tp)
        if len(members) == 1:
            return _dec(members[0], d)
        name, value = d
        (cls,) = [m for m in members if isinstance(m, type) and m.__name__ == name]
        return _dec(cls, value)
    if origin is dict:
        kt, vt = typing.get_args(tp)
        return {_dec(kt, k): _dec(vt, x) for k, x in d}
    if origin in (list, deque):  # a deque field gets its own bound in _dec_dataclass
        (et,) = typing.get_args(tp)
        return [_dec(et, x) for x in d]
    if origin in (set, frozenset):
        (et,) = typing.get_args(tp)
        return origin(_dec(et, x) for x in d)
    if origin is tuple:
        args = typing.get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_dec(args[0], x) for x in d)
        return tuple(_dec(a, x) for a, x in zip(args, d, strict=True))
    if origin is typing.Literal or tp is Any:
        return d
    if _writes_its_own(origin or tp):
        return (origin or tp).from_snapshot(d, _dec)
    if isinstance(tp, type):
        if issubclass(tp, enum.Enum):
            return tp(d)
        if tp is bool or tp is str:
            return d
        if tp is int:
            return int(d)
        if tp is datetime:
            return datetime.fromisoformat(d)
        if tp is date:
            return date.fromisoformat(d)
        if tp is time:
            return time.fromisoformat(d)
        if tp is Fraction:
            return Fraction(d)
        if dataclasses.is_dataclass(tp):
            return _dec_dataclass(tp, d)
    raise TypeError(f"cannot read {tp!r} from a snapshot")


def _dec_dataclass(cls: type, d: dict[str, Any]) -> Any:
    obj: Any = object.__new__(cls)
    for name, ft in _hints(cls):
        # A field added since the snapshot was written takes its default.
        value = _dec(ft, d[name]) if name in d else _default(cls, name)
        if typing.get_origin(ft) is deque:
            value = _deque_like(cls, name, value)
        object.__setattr__(obj, name, value)
    return obj


def _default(cls: type, name: str) -> Any:
    (f,) = [f for f in dataclasses.fields(cls) if f.name == name]
    if f.default is not dataclasses.MISSING:
        return f.default
    if f.default_factory is not dataclasses.MISSING:
        return f.default_factory()
    raise SnapshotError(f"the snapshot lacks {cls.__name__}.{name}, which has no default")


def _deque_like(cls: type, name: str, items: Any) -> deque[Any]:
    """A deque with the field's own bound (a tape keeps its length limit)."""
    made = _default(cls, name)
    made.extend(items)
    return made  # type: ignore[no-any-return]


# --- the market state ---------------------------------------------------------------------------


@cache
def _state_fields() -> tuple[tuple[str, Any], ...]:
    """The state's fields with their types: the parts' classes taken from an empty state (some
    are declared only for the type checker, their modules importing this one)."""
    empty = MarketState()
    names = {
        type(getattr(empty, f.name)).__name__: type(getattr(empty, f.name))
        for f in dataclasses.fields(MarketState)
    }
    hints = typing.get_type_hints(MarketState, localns=names)
    return tuple(
        (f.name, hints[f.name])
        for f in dataclasses.fields(MarketState)
        if not f.metadata.get("derived")
    )


def dump(state: MarketState, factory: Callable[[], MarketState] = MarketState) -> bytes:
    """The snapshot blob of ``state``."""
    data = {name: _enc(ft, getattr(state, name)) for name, ft in _state_fields()}
    body = orjson.dumps(data)
    return MAGIC + hashlib.sha256(body).hexdigest().encode() + b"\n" + body


def readable(blob: bytes) -> bool:
    """Whether ``blob`` is a snapshot of this format (older ones are skipped: replay instead)."""
    return blob.startswith(MAGIC)


def load(blob: bytes, factory: Callable[[], MarketState] = MarketState) -> MarketState:
    """The state in ``blob``, checked against its digest before anything is built. A part added
    since the snapshot was written starts empty (``factory``): it had no events then."""
    if not blob.startswith(MAGIC):
        raise SnapshotError("not a snapshot of this format")
    digest, sep, body = blob[len(MAGIC) :].partition(b"\n")
    if not sep or hashlib.sha256(body).hexdigest().encode() != digest:
        raise SnapshotError("the snapshot's data does not match its digest")
    data = orjson.loads(body)
    st = factory()
    store = st.registry.transactions.store  # where the factory keeps transactions
    refs = st.funds.bank_refs.store  # and the bank references
    for name, ft in _state_fields():
        if name in data:
            setattr(st, name, _dec(ft, data[name]))
    st.registry.transactions.bind(store)
    st.funds.bank_refs.bind(refs)
    st.rebuild_derived()
    return st
