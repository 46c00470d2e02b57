"""Bodies of the fund ledger: deposits, withdrawals, balances (money as decimal strings)."""

from __future__ import annotations

from typing import Annotated, Literal

from openets.api.schemas.common import (
    AccountRef,
    Amount,
    InModel,
    OutModel,
    text_schema,
    text_validator,
)


class MoneyIn(InModel):
    account_id: AccountRef
    amount: Amount
    """Yuan as a decimal string with at most two places, e.g. ``"1000.00"``."""


class BalancesOut(OutModel):
    account_id: str
    available: str
    locked: str
    withdrawable: str
    receivable: str
    pending_withdrawal: str


class DepositOut(OutModel):
    account_id: str
    amount: str
    bank_ref: str
    status: Literal["confirmed", "failed", "pending"]
    """``confirmed``: the bank confirmed and the money is credited; ``pending``: credited when
    the bank confirms; ``failed``: the bank reports no money, nothing credited."""
    tx_id: str | None
    balances: BalancesOut


class WithdrawalOut(OutModel):
    account_id: str
    amount: str
    bank_ref: str
    status: Literal["paid", "failed", "pending"]
    balances: BalancesOut


BankRef = Annotated[str, text_validator(64, 1), text_schema(64, 1)]
BankReportKind = Literal[
    "deposit_received", "deposit_failed", "withdrawal_paid", "withdrawal_failed"
]


class BankReportIn(InModel):
    """The settlement bank's report of money it received or paid, by its reference."""

    kind: BankReportKind
    """``deposit_received`` (the money arrived: an instructed deposit, or money paid in with a
    reference of the bank's own, which then names ``account_id`` and ``amount``),
    ``deposit_failed``, ``withdrawal_paid``, ``withdrawal_failed`` (the money returns to the
    account)."""
    bank_ref: BankRef
    """The bank's reference: of the instruction or withdrawal, or its own for money paid in."""
    account_id: AccountRef | None = None
    """The account the money is for; checked against the instruction or withdrawal when given."""
    amount: Amount | None = None
    """Yuan as a decimal string; checked against the instruction or withdrawal when given."""


class BankReportOut(OutModel):
    kind: str
    bank_ref: str
    account_id: str
    amount: str
    status: Literal["recorded", "already_recorded"]
    """``already_recorded``: the bank sent this report before; nothing changed again."""
    tx_id: str | None
    """The fund transaction the report posted (none for a failed deposit, which posts none)."""
    seq: int | None
    """The journal record of the report (none when already recorded)."""


class BankReportRow(OutModel):
    seq: int
    at: str
    reported_by: str
    kind: str
    bank_ref: str
    account_id: str
    amount: str
    tx_id: str | None


class BankReportsOut(OutModel):
    data: list[BankReportRow]
    count: int
