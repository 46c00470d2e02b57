"""The settlement bank, behind a small port: references for deposits and withdrawals, the
confirmation of money paid in, and pay-outs.

The simulated bank answers at once; a real adapter would answer ``PENDING`` and confirm later
through a callback that submits ``ConfirmDeposit`` or ``ConfirmWithdrawal`` (each idempotent by
the bank reference, so a callback delivered twice changes nothing the second time).
"""

from __future__ import annotations

import secrets
from enum import StrEnum
from typing import Protocol


class Payout(StrEnum):
    PAID = "paid"
    FAILED = "failed"
    PENDING = "pending"


class Receipt(StrEnum):
    """The bank's answer to a deposit instruction: the money arrived, did not, or not yet."""

    RECEIVED = "confirmed"
    FAILED = "failed"
    PENDING = "pending"


class BankAdapter(Protocol):
    def reference(self, kind: str) -> str:
        """A new, unique bank reference for a deposit (``kind="DEP"``) or withdrawal."""
        ...

    def collect(self, account_id: str, amount_fen: int, bank_ref: str) -> Receipt:
        """Ask the bank whether ``amount_fen`` arrived in ``account_id``'s sub-account.

        Called in the writer, so it must not block: a real bank answers ``PENDING``.
        """
        ...

    def pay_out(self, account_id: str, amount_fen: int, bank_ref: str) -> Payout:
        """Ask the bank to pay ``amount_fen`` out of ``account_id``'s sub-account.

        Called in the writer, so it must not block: a real bank answers ``PENDING``.
        """
        ...


class SimulatedBank:
    """Confirms every deposit and pays every withdrawal at once, except for accounts told to
    fail, or to answer later like a real bank (for tests and drills)."""

    def __init__(
        self,
        failing_accounts: frozenset[str] = frozenset(),
        slow_accounts: frozenset[str] = frozenset(),
    ) -> None:
        self.failing_accounts = set(failing_accounts)
        self.slow_accounts = set(slow_accounts)
        self.payouts = 0
        self.receipts = 0

    def reference(self, kind: str) -> str:
        return f"{kind}-{secrets.token_hex(8)}"

    def collect(self, account_id: str, amount_fen: int, bank_ref: str) -> Receipt:
        if account_id in self.slow_accounts:
            return Receipt.PENDING
        if account_id in self.failing_accounts:
            return Receipt.FAILED
        self.receipts += 1
        return Receipt.RECEIVED

    def pay_out(self, account_id: str, amount_fen: int, bank_ref: str) -> Payout:
        if account_id in self.slow_accounts:
            return Payout.PENDING
        if account_id in self.failing_accounts:
            return Payout.FAILED
        self.payouts += 1
        return Payout.PAID
