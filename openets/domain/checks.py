"""Field checks every context's service shares (each a Rejection naming the field, or None):
a positive whole number, a non-empty text, a calendar day, and every field of a command of its
declared type."""

from __future__ import annotations

import typing
from dataclasses import fields, is_dataclass
from datetime import date
from enum import Enum
from types import UnionType
from typing import Any

from openets.domain.rejection import Code, Rejection
from openets.domain.when import WhenError, parse_day


def check_int(value: Any, field: str, code: Code, what: str) -> Rejection | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return Rejection(code, f"{field} must be {what}, was {value!r}", field)
    if value <= 0:
        return Rejection(code, f"{field} must be positive, was {value}", field)
    return None


def check_text(value: object, field: str) -> Rejection | None:
    if isinstance(value, str) and value.strip():
        return None
    return Rejection(Code.INVALID_FIELD, f"{field} must not be empty, was {value!r}", field)


def checked_day(value: object, field: str) -> date | Rejection:
    """The calendar day ``value`` names (YYYY-MM-DD), or INVALID_FIELD naming ``field``."""
    try:
        return parse_day(value)
    except WhenError as exc:
        return Rejection(Code.INVALID_FIELD, f"{field} {exc}", field)


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    hints = _HINTS.get(cls)
    if hints is None:
        hints = _HINTS[cls] = typing.get_type_hints(cls)
    return hints


def check_types(obj: Any) -> Rejection | None:
    """Every field of a command (and of the values inside it) has its declared type: whole
    numbers are ints (never bool or float), texts are str, enums are members."""
    for f in fields(obj):
        bad = _type_error(getattr(obj, f.name), _hints(type(obj))[f.name], f.name)
        if bad is not None:
            return bad
    return None


def _type_error(value: Any, tp: Any, where: str) -> Rejection | None:  # noqa: C901
    origin = typing.get_origin(tp)
    if origin in (typing.Union, UnionType):
        if value is None and type(None) in typing.get_args(tp):
            return None
        inner = [a for a in typing.get_args(tp) if a is not type(None)]
        return _type_error(value, inner[0], where)
    if origin is tuple:
        if not isinstance(value, tuple):
            return _wrong(where, "a tuple", value)
        args = typing.get_args(tp)
        for i, v in enumerate(value):
            bad = _type_error(v, args[0] if args[-1] is Ellipsis else args[i], f"{where}[{i}]")
            if bad is not None:
                return bad
        return None
    if tp is int and (isinstance(value, bool) or not isinstance(value, int)):
        return _wrong(where, "a whole number", value)
    if tp in (str, bool) and not isinstance(value, tp):
        return _wrong(where, "text" if tp is str else "true or false", value)
    if isinstance(tp, type) and issubclass(tp, Enum) and not isinstance(value, tp):
        return _wrong(where, "one of " + ", ".join(str(e.value) for e in tp), value)
    if isinstance(tp, type) and is_dataclass(tp):
        if not isinstance(value, tp):
            return _wrong(where, f"a {tp.__name__}", value)
        for f in fields(tp):
            bad = _type_error(getattr(value, f.name), _hints(tp)[f.name], f"{where}.{f.name}")
            if bad is not None:
                return bad
    return None


def _wrong(where: str, what: str, value: Any) -> Rejection:
    code = Code.INVALID_QUANTITY if where.endswith("quantity") else Code.INVALID_FIELD
    return Rejection(code, f"{where} must be {what}, was {value!r:.80}", where)
