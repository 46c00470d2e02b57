"""Money between the bank and the market, step by step: the instruction is journaled first,
then the bank is asked, then its answer is journaled.

Deposit: ``InstructDeposit`` (limits checked, nothing credited) -> the bank confirms ->
``ConfirmDeposit`` (credited). Withdrawal: ``RequestWithdrawal`` (the amount held as pending)
-> the bank pays -> ``ConfirmWithdrawal`` (paid out, or the money returns). A bank that answers
``PENDING`` confirms later through its callback, which submits the same confirmation; each
step is idempotent by the bank reference, so a crash between steps loses nothing and a
confirmation delivered twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from openets.clearing import funds
from openets.clearing.bank import BankAdapter, Payout, Receipt
from openets.domain.messages import Command, Event
from openets.domain.rejection import Code, Rejection

BANK_ACTOR = "bank"


class Submitter(Protocol):
    """The one writer: applies a command and makes it durable before returning."""

    def submit(self, cmd: Command, actor: str) -> tuple[Event, ...] | Rejection: ...


@dataclass(frozen=True, slots=True)
class Outcome:
    bank_ref: str
    status: str
    """``confirmed``/``failed``/``pending`` for a deposit, ``paid``/``failed``/``pending`` for a
    withdrawal."""
    tx_id: str | None = None


def _confirm(w: Submitter, cmd: Command) -> tuple[Event, ...]:
    r = w.submit(cmd, BANK_ACTOR)
    if isinstance(r, Rejection):  # the engine's invariant: an open instruction is confirmable
        raise RuntimeError(f"the bank's confirmation was refused: {r}")
    return r


def deposit(
    w: Submitter, bank: BankAdapter, account_id: str, amount: int, actor: str
) -> Outcome | Rejection:
    ref = bank.reference("DEP")
    r = w.submit(funds.InstructDeposit(account_id, amount, ref), actor)
    if isinstance(r, Rejection):
        return r
    if not r:
        return Rejection(Code.DUPLICATE, f"bank reference {ref} was already used", None)
    receipt = bank.collect(account_id, amount, ref)
    if receipt is Receipt.PENDING:
        return Outcome(ref, receipt.value)
    evs = _confirm(w, funds.ConfirmDeposit(ref, receipt is Receipt.RECEIVED))
    tx = next((e.tx_id for e in evs if isinstance(e, funds.FundsPosted)), None)
    return Outcome(ref, receipt.value, tx)


def withdraw(
    w: Submitter, bank: BankAdapter, account_id: str, amount: int, actor: str
) -> Outcome | Rejection:
    ref = bank.reference("WDR")
    r = w.submit(funds.RequestWithdrawal(account_id, amount, ref), actor)
    if isinstance(r, Rejection):
        return r
    status = bank.pay_out(account_id, amount, ref)
    if status is not Payout.PENDING:
        _confirm(w, funds.ConfirmWithdrawal(ref, status is Payout.PAID))
    return Outcome(ref, status.value)
