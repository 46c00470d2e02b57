"""Types shared by request bodies: money as decimal strings, whole tonnes, bounded text.

Each validator names its error code as the pydantic error type, so the API's validation
handler answers with that code and the field (``amount "12.345"`` -> ``INVALID_AMOUNT``).
"""

from __future__ import annotations

import re
import types
import typing
from datetime import date, datetime, time
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, PlainValidator, WithJsonSchema
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError

from openets.api.errors import ApiError
from openets.domain.cells import name_error
from openets.domain.clock import BEIJING
from openets.domain.money import MoneyFormatError, format_yuan, parse_yuan
from openets.domain.rejection import Code
from openets.domain.when import WhenError, parse_day, parse_time

MAX_QUANTITY = 10**12
"""Whole tonnes in one command at most (far above any national cap; keeps journal ints small)."""

MONEY_PATTERN = r"^[0-9]{1,15}(\.[0-9]{1,2})?$"


def _money_validator(code: Code) -> Any:
    def parse(value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, str):
            kind = "a JSON number" if isinstance(value, int | float) else type(value).__name__
            raise PydanticCustomError(
                str(code),
                'must be a decimal string with at most two places such as "52.78", was {value} '
                "({kind})",
                {"value": repr(value), "kind": kind},
            )
        try:
            fen = parse_yuan(value)
        except MoneyFormatError:
            raise PydanticCustomError(
                str(code),
                "must be a decimal string of ASCII digits 0-9 with at most two places and no "
                'spaces, such as "52.78", was {value}',
                {"value": repr(value)[:40]},
            ) from None
        return fen

    return parse


def money_schema() -> WithJsonSchema:
    return WithJsonSchema(
        {"type": "string", "pattern": MONEY_PATTERN, "examples": ["52.78"]}, mode="validation"
    )


Amount = Annotated[int, PlainValidator(_money_validator(Code.INVALID_AMOUNT)), money_schema()]
"""An amount in yuan on the wire (``"52.78"``), fen (``int``) in Python; JSON numbers refused."""
Price = Annotated[int, PlainValidator(_money_validator(Code.INVALID_PRICE)), money_schema()]
"""A price in yuan per tonne on the wire, fen in Python."""


def _quantity(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise PydanticCustomError(
            str(Code.INVALID_QUANTITY),
            "must be a whole number of tonnes (a JSON integer), was {value}",
            {"value": repr(value)[:40]},
        )
    if not 1 <= value <= MAX_QUANTITY:
        raise PydanticCustomError(
            str(Code.INVALID_QUANTITY),
            "must be between 1 and {max} tonnes, was {value}",
            {"value": value if abs(value) < 10**30 else "a huge number", "max": MAX_QUANTITY},
        )
    return value


Quantity = Annotated[
    int,
    PlainValidator(_quantity),
    WithJsonSchema({"type": "integer", "minimum": 1, "maximum": MAX_QUANTITY}, mode="validation"),
]


def _year(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 2000 <= value <= 2100:
        raise PydanticCustomError(
            str(Code.INVALID_FIELD),
            "must be a year between 2000 and 2100, was {value}",
            {"value": repr(value)[:40]},
        )
    return value


Year = Annotated[
    int,
    PlainValidator(_year),
    WithJsonSchema({"type": "integer", "minimum": 2000, "maximum": 2100}, mode="validation"),
]


_CONTROL = re.compile("[\x00-\x1f\x7f]")


def text_validator(
    max_length: int, min_length: int = 0, pattern: str | None = None, *, name: bool = False
) -> Any:
    """Bounded text that is valid UTF-8 (no lone surrogates) and free of control characters;
    with ``name``, also free of bidirectional controls and zero-width characters."""
    rx = re.compile(pattern) if pattern else None

    def check(value: object) -> str:
        if not isinstance(value, str):
            raise PydanticCustomError(
                str(Code.INVALID_FIELD), "must be text, was {value}", {"value": repr(value)[:40]}
            )
        if not min_length <= len(value) <= max_length:
            raise PydanticCustomError(
                str(Code.INVALID_FIELD),
                "must have {lo} to {hi} characters, has {n}",
                {"lo": min_length, "hi": max_length, "n": len(value)},
            )
        if not value.isascii():
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise PydanticCustomError(
                    str(Code.INVALID_FIELD), "must be valid Unicode text", {}
                ) from None
        if _CONTROL.search(value) is not None:
            raise PydanticCustomError(
                str(Code.INVALID_FIELD), "must not contain control characters", {}
            )
        why = name_error(value) if name else None
        if why is not None:
            raise PydanticCustomError(
                str(Code.INVALID_FIELD), "{why}, was {value}", {"why": why, "value": ascii(value)}
            )
        if rx is not None and not rx.fullmatch(value):
            raise PydanticCustomError(
                str(Code.INVALID_FIELD),
                "must match {pattern}, was {value}",
                {"pattern": pattern, "value": repr(value)[:40]},
            )
        return value

    return PlainValidator(check)


def text_schema(max_length: int, min_length: int = 0, pattern: str | None = None) -> WithJsonSchema:
    schema: dict[str, Any] = {"type": "string", "minLength": min_length, "maxLength": max_length}
    if pattern:
        schema["pattern"] = pattern
    return WithJsonSchema(schema, mode="validation")


def _flag(value: object) -> bool:
    if value is True or value is False:
        return value
    raise PydanticCustomError(
        str(Code.INVALID_FIELD),
        "must be JSON true or false, was {value}",
        {"value": repr(value)[:40]},
    )


def _query_flag(value: object) -> bool:
    if value is True or value == "true":
        return True
    if value is False or value == "false":
        return False
    raise PydanticCustomError(
        str(Code.INVALID_FIELD),
        "must be true or false, was {value}",
        {"value": repr(value)[:40]},
    )


Flag = Annotated[bool, PlainValidator(_flag), WithJsonSchema({"type": "boolean"})]
"""A boolean in a request body: JSON ``true`` or ``false`` only (not ``"on"``, ``"yes"``, 1)."""
QueryFlag = Annotated[
    bool, PlainValidator(_query_flag), WithJsonSchema({"type": "boolean"}, mode="validation")
]
"""A boolean in a query string: ``true`` or ``false`` exactly."""


def _is_loose_bool(field: FieldInfo) -> bool:
    ann = field.annotation
    loose = ann is bool or (
        typing.get_origin(ann) in (typing.Union, types.UnionType) and bool in typing.get_args(ann)
    )
    return loose and not any(isinstance(m, PlainValidator) for m in field.metadata)


def _when_validator(parse: Any) -> Any:
    def check(value: object) -> str:
        try:
            parse(value)
        except WhenError as exc:
            raise PydanticCustomError(str(Code.INVALID_FIELD), str(exc), {}) from None
        assert isinstance(value, str)
        return value

    return PlainValidator(check)


IsoDay = Annotated[
    str,
    _when_validator(parse_day),
    WithJsonSchema({"type": "string", "format": "date", "examples": ["2021-07-16"]}),
]
"""A date ``YYYY-MM-DD`` (a real one, years 2000 to 2100), kept as sent."""
IsoTime = Annotated[
    str,
    _when_validator(parse_time),
    WithJsonSchema(
        {"type": "string", "format": "date-time", "examples": ["2021-07-16T09:30:00+08:00"]}
    ),
]
"""An ISO 8601 time with a UTC offset (years 2000 to 2100), kept as sent."""


def query_day(text: str | None, field: str) -> date | None:
    """A date from a query string, or a 422 naming ``field``."""
    if text is None:
        return None
    try:
        return parse_day(text)
    except WhenError as exc:
        raise ApiError(Code.INVALID_FIELD, f"{field} {exc}", field) from None


def query_time(text: str | None, field: str) -> datetime | None:
    """A date (its start, Beijing time) or an ISO 8601 time from a query string, or a 422."""
    if text is None:
        return None
    try:
        if len(text) == 10:
            return datetime.combine(parse_day(text), time(0), tzinfo=BEIJING)
        return parse_time(text, offset_required=False)
    except WhenError as exc:
        raise ApiError(
            Code.INVALID_FIELD, f"{field} (a date or an ISO 8601 time) {exc}", field
        ) from None


AccountRef = Annotated[str, text_validator(32, 1), text_schema(32, 1)]
"""An account id in a request (the engine says whether it exists)."""
Reason = Annotated[str, text_validator(500), text_schema(500)]
ProductCode = Annotated[str, text_validator(16, 1), text_schema(16, 1)]
Name = Annotated[str, text_validator(200, 1, name=True), text_schema(200, 1)]


class InModel(BaseModel):
    """A request body: unknown fields are refused, so a typo is not silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        loose = [name for name, f in cls.model_fields.items() if _is_loose_bool(f)]
        if loose:  # pydantic's lax bool takes "on", "yes", 1: a body's booleans are Flag
            raise TypeError(f"{cls.__name__}: declare {', '.join(loose)} as Flag, not bool")


class OutModel(BaseModel):
    model_config = ConfigDict(frozen=True)


class ErrorDetail(OutModel):
    code: str
    message: str
    field: str | None


class ErrorOut(OutModel):
    error: ErrorDetail


def yuan(fen: int) -> str:
    """Fen as the API's decimal string."""
    return format_yuan(fen)


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The ``responses=`` of a route: the error shape for each status it may answer."""
    descriptions = {
        401: "not authenticated",
        403: "not permitted (or CSRF token missing)",
        404: "not found",
        405: "method not allowed",
        409: "conflicts with the market's state",
        413: "body over the size limit",
        422: "invalid request",
        429: "too many failed logins",
        503: "the engine stopped",
    }
    return {s: {"model": ErrorOut, "description": descriptions.get(s, "error")} for s in statuses}


COMMAND_ERRORS = errors(401, 403, 404, 409, 422, 503)
QUERY_ERRORS = errors(401, 403, 404, 422)
