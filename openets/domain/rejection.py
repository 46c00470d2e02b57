"""Business rejections: values with a stable code, the field, and a message stating the value."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Code(StrEnum):
    """Stable rejection codes. Never renamed: clients and reports depend on them."""

    INVALID_FIELD = "INVALID_FIELD"
    UNKNOWN_ACCOUNT = "UNKNOWN_ACCOUNT"
    UNKNOWN_PRODUCT = "UNKNOWN_PRODUCT"
    UNKNOWN_INSTRUMENT = "UNKNOWN_INSTRUMENT"
    UNKNOWN_LISTING = "UNKNOWN_LISTING"
    UNKNOWN_ORDER = "UNKNOWN_ORDER"
    UNKNOWN_TRANSACTION = "UNKNOWN_TRANSACTION"
    INVALID_QUANTITY = "INVALID_QUANTITY"
    INVALID_AMOUNT = "INVALID_AMOUNT"
    INVALID_PRICE = "INVALID_PRICE"
    INVALID_ID_CODE = "INVALID_ID_CODE"
    DUPLICATE_SUBJECT = "DUPLICATE_SUBJECT"
    DUPLICATE = "DUPLICATE"
    ACCOUNT_NOT_ACTIVE = "ACCOUNT_NOT_ACTIVE"
    ACCOUNT_RESTRICTED = "ACCOUNT_RESTRICTED"
    INVALID_STATE = "INVALID_STATE"
    INSUFFICIENT_HOLDINGS = "INSUFFICIENT_HOLDINGS"
    INSUFFICIENT_FUNDS = "INSUFFICIENT_FUNDS"
    SAME_PERSON_APPROVAL = "SAME_PERSON_APPROVAL"
    NOT_PERMITTED = "NOT_PERMITTED"
    PRICE_OUT_OF_BAND = "PRICE_OUT_OF_BAND"
    QUANTITY_OUT_OF_RANGE = "QUANTITY_OUT_OF_RANGE"
    TICK_SIZE = "TICK_SIZE"
    MARKET_CLOSED = "MARKET_CLOSED"
    INSTRUMENT_SUSPENDED = "INSTRUMENT_SUSPENDED"
    SELF_TRADE = "SELF_TRADE"
    BEYOND_BEST_FIVE = "BEYOND_BEST_FIVE"
    POSITION_LIMIT = "POSITION_LIMIT"
    NOT_SELLABLE_TODAY = "NOT_SELLABLE_TODAY"
    AUCTION_CLOSED = "AUCTION_CLOSED"
    CAP_EXCEEDED = "CAP_EXCEEDED"
    CCER_CAP = "CCER_CAP"
    INELIGIBLE_VINTAGE = "INELIGIBLE_VINTAGE"
    DEADLINE_PASSED = "DEADLINE_PASSED"
    ALREADY_DONE = "ALREADY_DONE"
    AMOUNT_OVER_LIMIT = "AMOUNT_OVER_LIMIT"
    DAILY_LIMIT = "DAILY_LIMIT"
    BALANCE_LIMIT = "BALANCE_LIMIT"
    ACCOUNT_TYPE_NOT_ALLOWED = "ACCOUNT_TYPE_NOT_ALLOWED"
    NOT_CORRECTABLE = "NOT_CORRECTABLE"
    REVERSAL_PENDING = "REVERSAL_PENDING"
    PENDING_TRANSACTIONS = "PENDING_TRANSACTIONS"
    OPEN_REQUESTS = "OPEN_REQUESTS"


@dataclass(frozen=True, slots=True)
class Rejection:
    """Why a command was refused. Nothing was changed."""

    code: Code
    message: str
    field: str | None = None

    def __str__(self) -> str:
        where = f" [{self.field}]" if self.field else ""
        return f"{self.code}{where}: {self.message}"


def reject(code: Code, message: str, field: str | None = None) -> Rejection:
    return Rejection(code, message, field)
