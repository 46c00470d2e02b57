"""The settlement bank, behind a small port: references for deposits and withdrawals, and
pay-outs. The simulated bank answers at once; a real adapter would answer ``PENDING`` and
confirm later through a callback that submits ``ConfirmWithdrawal``."""

from __future__ import annotations

import secrets
from enum import StrEnum
from typing import Protocol


class Payout(StrEnum):
    PAID = "paid"
    FAILED = "failed"
    PENDING = "pending"


class BankAdapter(Protocol):
    def reference(self, kind: str) -> str:
        """A new, unique bank reference for a deposit (``kind="DEP"``) or withdrawal."""
        ...

    def pay_out(self, account_id: str, amount_fen: int, bank_ref: str) -> Payout:
        """Ask the bank to pay ``amount_fen`` out of ``account_id``'s sub-account.

        Called in the writer, so it must not block: a real bank answers ``PENDING``.
        """
        ...


class SimulatedBank:
    """Pays every withdrawal at once, except for accounts told to fail (for tests)."""

    def __init__(self, failing_accounts: frozenset[str] = frozenset()) -> None:
        self.failing_accounts = set(failing_accounts)
        self.payouts = 0

    def reference(self, kind: str) -> str:
        return f"{kind}-{secrets.token_hex(8)}"

    def pay_out(self, account_id: str, amount_fen: int, bank_ref: str) -> Payout:
        if account_id in self.failing_accounts:
            return Payout.FAILED
        self.payouts += 1
        return Payout.PAID
