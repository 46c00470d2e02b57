"""Bodies of the fund ledger: deposits, withdrawals, balances (money as decimal strings)."""

from __future__ import annotations

from typing import Literal

from openets.api.schemas.common import AccountRef, Amount, InModel, OutModel


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
