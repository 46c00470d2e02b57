"""Errors on the wire: one JSON shape, one table from rejection codes to HTTP statuses.

Every error the API returns is ``{"error": {"code": ..., "message": ..., "field": ...}}``.
Business rejections come from the engine (:class:`openets.domain.rejection.Code`); the API adds a
few codes of its own (authentication, CSRF, rate limits, routing) in :class:`ApiCode`.

Status of each code (the one table; new codes fall back by prefix, see :func:`status_of`):

=========================================================  ======  ==============================
Code                                                       Status  Why
=========================================================  ======  ==============================
UNKNOWN_ACCOUNT, UNKNOWN_PRODUCT, UNKNOWN_INSTRUMENT,      404     the thing named does not exist
UNKNOWN_LISTING, UNKNOWN_ORDER, UNKNOWN_TRANSACTION,
UNKNOWN_USER, UNKNOWN_PERSON, NOT_FOUND
NOT_PERMITTED, CSRF_FAILED                                 403     the caller may not do this
UNAUTHENTICATED, MFA_REQUIRED                              401     no valid token or session,
                                                                   or no one-time code
METHOD_NOT_ALLOWED                                         405     the path exists, not the verb
INSUFFICIENT_HOLDINGS, INSUFFICIENT_FUNDS                  409     not enough right now
INVALID_STATE, ACCOUNT_NOT_ACTIVE, ACCOUNT_RESTRICTED,     409     conflicts with the current
ALREADY_DONE, DUPLICATE, DUPLICATE_SUBJECT,                        state of the market
SAME_PERSON_APPROVAL, PERSON_HAS_STAFF_LOGIN,
MARKET_CLOSED, INSTRUMENT_SUSPENDED,
AUCTION_CLOSED, DEADLINE_PASSED, POSITION_LIMIT,
NOT_SELLABLE_TODAY, SELF_TRADE, CAP_EXCEEDED,
DAILY_LIMIT, BALANCE_LIMIT, ACCOUNT_TYPE_NOT_ALLOWED,
NOT_CORRECTABLE, REVERSAL_PENDING, PENDING_TRANSACTIONS,
OPEN_REQUESTS
INVALID_FIELD, INVALID_QUANTITY, INVALID_AMOUNT,           422     the request itself is wrong
INVALID_PRICE, INVALID_ID_CODE, PRICE_OUT_OF_BAND,
QUANTITY_OUT_OF_RANGE, TICK_SIZE, BEYOND_BEST_FIVE,
CCER_CAP, INELIGIBLE_VINTAGE, AMOUNT_OVER_LIMIT,
IDEMPOTENCY_KEY_REUSED
RATE_LIMITED                                               429     too many failed logins
BODY_TOO_LARGE                                             413     body over the size limit
REQUEST_TIMEOUT                                            408     body sent too slowly
SERVICE_UNAVAILABLE                                        503     the engine stopped (restart)
INTERNAL_ERROR                                             500     a bug
=========================================================  ======  ==============================
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import orjson
from starlette.responses import Response

from openets.domain.rejection import Code, Rejection


class ApiCode(StrEnum):
    """Codes the API adds to the engine's rejection codes. Never renamed."""

    UNAUTHENTICATED = "UNAUTHENTICATED"
    CSRF_FAILED = "CSRF_FAILED"
    RATE_LIMITED = "RATE_LIMITED"
    NOT_FOUND = "NOT_FOUND"
    METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
    IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED"
    SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
    INTERNAL_ERROR = "INTERNAL_ERROR"
    BODY_TOO_LARGE = "BODY_TOO_LARGE"
    REQUEST_TIMEOUT = "REQUEST_TIMEOUT"
    MFA_REQUIRED = "MFA_REQUIRED"


_404 = (
    Code.UNKNOWN_ACCOUNT,
    Code.UNKNOWN_PRODUCT,
    Code.UNKNOWN_INSTRUMENT,
    Code.UNKNOWN_LISTING,
    Code.UNKNOWN_ORDER,
    Code.UNKNOWN_TRANSACTION,
    Code.UNKNOWN_USER,
    Code.UNKNOWN_PERSON,
    ApiCode.NOT_FOUND,
)
_409 = (
    Code.INSUFFICIENT_HOLDINGS,
    Code.INSUFFICIENT_FUNDS,
    Code.INVALID_STATE,
    Code.ACCOUNT_NOT_ACTIVE,
    Code.ACCOUNT_RESTRICTED,
    Code.ALREADY_DONE,
    Code.DUPLICATE,
    Code.DUPLICATE_SUBJECT,
    Code.SAME_PERSON_APPROVAL,
    Code.PERSON_HAS_STAFF_LOGIN,
    Code.MARKET_CLOSED,
    Code.INSTRUMENT_SUSPENDED,
    Code.AUCTION_CLOSED,
    Code.DEADLINE_PASSED,
    Code.POSITION_LIMIT,
    Code.NOT_SELLABLE_TODAY,
    Code.SELF_TRADE,
    Code.CAP_EXCEEDED,
    Code.DAILY_LIMIT,
    Code.BALANCE_LIMIT,
    Code.ACCOUNT_TYPE_NOT_ALLOWED,
    Code.NOT_CORRECTABLE,
    Code.REVERSAL_PENDING,
    Code.PENDING_TRANSACTIONS,
    Code.OPEN_REQUESTS,
)
_422 = (
    Code.INVALID_FIELD,
    Code.INVALID_QUANTITY,
    Code.INVALID_AMOUNT,
    Code.INVALID_PRICE,
    Code.INVALID_ID_CODE,
    Code.PRICE_OUT_OF_BAND,
    Code.QUANTITY_OUT_OF_RANGE,
    Code.TICK_SIZE,
    Code.BEYOND_BEST_FIVE,
    Code.CCER_CAP,
    Code.INELIGIBLE_VINTAGE,
    Code.AMOUNT_OVER_LIMIT,
    ApiCode.IDEMPOTENCY_KEY_REUSED,
)

STATUS: dict[str, int] = {
    **dict.fromkeys(_404, 404),
    **dict.fromkeys(_409, 409),
    **dict.fromkeys(_422, 422),
    Code.NOT_PERMITTED: 403,
    ApiCode.CSRF_FAILED: 403,
    ApiCode.UNAUTHENTICATED: 401,
    ApiCode.MFA_REQUIRED: 401,
    ApiCode.METHOD_NOT_ALLOWED: 405,
    ApiCode.RATE_LIMITED: 429,
    ApiCode.BODY_TOO_LARGE: 413,
    ApiCode.REQUEST_TIMEOUT: 408,
    ApiCode.SERVICE_UNAVAILABLE: 503,
    ApiCode.INTERNAL_ERROR: 500,
}
"""The HTTP status of every known code (the table in this module's docstring)."""


def status_of(code: str) -> int:
    """The HTTP status of a code; codes added later fall back by their prefix."""
    known = STATUS.get(code)
    if known is not None:
        return known
    if code.startswith("UNKNOWN_"):
        return 404
    if code.startswith("INVALID_"):
        return 422
    return 409


class ApiError(Exception):
    """Raised by routes and dependencies; turned into the error shape by the app's handler."""

    def __init__(
        self,
        code: str,
        message: str,
        field: str | None = None,
        *,
        status: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = str(code)
        self.message = message
        self.field = field
        self.status = status if status is not None else status_of(self.code)
        self.headers = headers

    @classmethod
    def from_rejection(cls, r: Rejection) -> ApiError:
        return cls(r.code, r.message, r.field)


def error_body(code: str, message: str, field: str | None = None) -> bytes:
    return orjson.dumps({"error": {"code": str(code), "message": message, "field": field}})


def rejection_body(r: Rejection) -> tuple[int, bytes]:
    """(status, body) of a rejection, as the API answers it."""
    return status_of(r.code), error_body(r.code, r.message, r.field)


def error_response(
    code: str,
    message: str,
    field: str | None = None,
    *,
    status: int | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    return Response(
        error_body(code, message, field),
        status_code=status if status is not None else status_of(code),
        media_type="application/json",
        headers=headers,
    )


def internal_error_response(request_id: str) -> Response:
    """500 for a bug: the error and the request id it was logged under (never a rejection)."""
    message = f"internal error (a bug); it was logged as request {request_id}"
    body = {
        "error": {"code": str(ApiCode.INTERNAL_ERROR), "message": message, "field": None},
        "request_id": request_id,
    }
    return Response(
        orjson.dumps(body),
        status_code=500,
        media_type="application/json",
        headers={"X-Request-Id": request_id},
    )


def api_error_response(exc: ApiError) -> Response:
    return error_response(exc.code, exc.message, exc.field, status=exc.status, headers=exc.headers)


def describe_value(value: Any, limit: int = 60) -> str:
    """A short ``repr`` for messages that state the value the caller sent."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


_FIELD_CODES = {
    "quantity": Code.INVALID_QUANTITY,
    "amount": Code.INVALID_AMOUNT,
    "price": Code.INVALID_PRICE,
    "reference_price": Code.INVALID_PRICE,
}


def field_path(loc: tuple[Any, ...] | list[Any]) -> str | None:
    """``("body", "items", 0, "quantity")`` -> ``"items[0].quantity"``; None for the body."""
    parts = list(loc)
    if parts and parts[0] in ("body", "query", "path", "header", "cookie"):
        parts = parts[1:]
    out = ""
    for p in parts:
        if isinstance(p, int):
            out += f"[{p}]"
        else:
            out += ("." if out else "") + str(p)
    return out or None


def validation_error(errors: list[dict[str, Any]]) -> tuple[str, str, str | None]:
    """(code, message, field) of the first problem pydantic found in a request."""
    if not errors:
        return Code.INVALID_FIELD, "the request is not valid", None
    err = errors[0]
    kind = str(err.get("type", ""))
    loc = tuple(err.get("loc", ()))
    field = field_path(loc)
    if kind == "json_invalid":
        return Code.INVALID_FIELD, "the request body is not valid JSON", "body"
    if kind == "missing":
        if field is None:  # no body at all where one is needed
            return Code.INVALID_FIELD, "the request body is required: a JSON object", "body"
        return Code.INVALID_FIELD, f"{field} is required", field
    if kind.isupper():  # our own validators name their code as the error type
        code = kind
    else:
        leaf = str(loc[-1]) if loc else ""
        code = _FIELD_CODES.get(leaf, Code.INVALID_FIELD)
    msg = str(err.get("msg", "is not valid"))
    if kind.isupper():
        message = f"{field} {msg}" if field else msg
    else:
        shown = describe_value(err["input"]) if "input" in err else "nothing"
        message = f"{field or 'the body'}: {msg}, was {shown}"
    return code, message, field
