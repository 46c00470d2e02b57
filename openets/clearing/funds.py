"""The fund ledger: participants' sub-accounts of the settlement bank account."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

from openets.domain.messages import Command, Ctx, Event
from openets.domain.rejection import Code, Rejection

BANK = "@BANK"


class FundBucket(IntEnum):
    AVAILABLE = 0
    LOCKED = 1  # by buy listings, buy orders, bids, block commitments (price + fees)
    RECEIVABLE = 2  # today's sale proceeds: usable for buying today, withdrawable T+1
    PENDING_WITHDRAWAL = 3


@dataclass(frozen=True, slots=True)
class FundPosting:
    account_id: str
    bucket: FundBucket
    delta: int


@dataclass(frozen=True, slots=True)
class FundsPosted(Event):
    """A double-entry fund transaction: the postings sum to zero."""

    tx_id: str
    tx_type: str  # deposit, withdrawal_request, withdrawal, withdrawal_failed, lock, unlock, ...
    postings: tuple[FundPosting, ...]
    ref: str


@dataclass(frozen=True, slots=True)
class Deposit(Command):
    account_id: str
    amount: int
    bank_ref: str


@dataclass(frozen=True, slots=True)
class RequestWithdrawal(Command):
    account_id: str
    amount: int
    bank_ref: str


@dataclass(frozen=True, slots=True)
class ConfirmWithdrawal(Command):
    """The bank's answer to a withdrawal: paid out, or failed (the money returns)."""

    bank_ref: str
    paid: bool


@dataclass(slots=True)
class FundsState:
    balances: dict[str, list[int]] = field(default_factory=dict)
    bank_tally: int = 0
    bank_refs: dict[str, str] = field(default_factory=dict)  # bank_ref -> tx_id
    # open withdrawals: bank_ref -> (account, amount)
    withdrawals: dict[str, tuple[str, int]] = field(default_factory=dict)

    def of(self, account_id: str) -> list[int]:
        return self.balances.get(account_id) or [0, 0, 0, 0]

    def buying_power(self, account_id: str) -> int:
        b = self.balances.get(account_id)
        return b[0] + b[2] if b else 0

    def withdrawable(self, account_id: str) -> int:
        b = self.balances.get(account_id)
        return b[0] if b else 0

    def apply_posted(self, ev: FundsPosted) -> None:
        bal = self.balances
        for p in ev.postings:
            if p.account_id == BANK:
                self.bank_tally += p.delta
                continue
            b = bal.get(p.account_id)
            if b is None:
                b = bal[p.account_id] = [0, 0, 0, 0]
            b[p.bucket] += p.delta
        if ev.tx_type in ("deposit", "withdrawal_request", "withdrawal", "withdrawal_failed"):
            self.bank_refs[f"{ev.tx_type}:{ev.ref}"] = ev.tx_id
            if ev.tx_type == "withdrawal_request":
                acct = next(p.account_id for p in ev.postings if p.delta < 0)
                amt = next(p.delta for p in ev.postings if p.delta > 0)
                self.withdrawals[ev.ref] = (acct, amt)
            elif ev.tx_type in ("withdrawal", "withdrawal_failed"):
                self.withdrawals.pop(ev.ref, None)

    def violations(self) -> list[str]:
        out = []
        total = 0
        for acct, b in self.balances.items():
            for i, v in enumerate(b):
                if v < 0:
                    out.append(f"negative fund bucket {FundBucket(i).name} of {acct}: {v}")
            total += sum(b)
        if total + self.bank_tally != 0:
            out.append(
                f"funds not conserved: deposits - withdrawals = {-self.bank_tally}, "
                f"sum of balances = {total}"
            )
        return out

    def canonical(self) -> dict[str, object]:
        return {
            "balances": sorted((k, list(v)) for k, v in self.balances.items() if any(v)),
            "bank": self.bank_tally,
            "refs": len(self.bank_refs),
        }


def check_amount(amount: object, field_name: str = "amount") -> Rejection | None:
    if isinstance(amount, bool) or not isinstance(amount, int):
        return Rejection(
            Code.INVALID_AMOUNT,
            f"{field_name} must be an integer amount of fen "
            f"(a decimal string at the API), was {amount!r}",
            field_name,
        )
    if amount <= 0:
        return Rejection(
            Code.INVALID_AMOUNT, f"{field_name} must be positive, was {amount}", field_name
        )
    return None


def check_bank_ref(bank_ref: object) -> Rejection | None:
    if not isinstance(bank_ref, str) or not bank_ref.strip() or len(bank_ref) > 64:
        return Rejection(
            Code.INVALID_FIELD, f"bank_ref must be 1-64 characters, was {bank_ref!r}", "bank_ref"
        )
    return None


def deposit(state: FundsState, cmd: Deposit, ctx: Ctx) -> tuple[Event, ...] | Rejection:
    r = check_amount(cmd.amount) or check_bank_ref(cmd.bank_ref)
    if r:
        return r
    if f"deposit:{cmd.bank_ref}" in state.bank_refs:
        return ()  # the bank sent the same message twice: nothing changes the second time
    return (
        FundsPosted(
            ctx.ids.next("F"),
            "deposit",
            (
                FundPosting(BANK, FundBucket.AVAILABLE, -cmd.amount),
                FundPosting(cmd.account_id, FundBucket.AVAILABLE, cmd.amount),
            ),
            cmd.bank_ref,
        ),
    )


def request_withdrawal(
    state: FundsState, cmd: RequestWithdrawal, ctx: Ctx
) -> tuple[Event, ...] | Rejection:
    r = check_amount(cmd.amount) or check_bank_ref(cmd.bank_ref)
    if r:
        return r
    if f"withdrawal_request:{cmd.bank_ref}" in state.bank_refs:
        return ()
    have = state.withdrawable(cmd.account_id)
    if have < cmd.amount:
        return Rejection(
            Code.INSUFFICIENT_FUNDS,
            f"account {cmd.account_id} can withdraw "
            f"{have} fen (today's sale proceeds are withdrawable the next trading "
            f"day), asked {cmd.amount} fen",
            "amount",
        )
    return (
        FundsPosted(
            ctx.ids.next("F"),
            "withdrawal_request",
            (
                FundPosting(cmd.account_id, FundBucket.AVAILABLE, -cmd.amount),
                FundPosting(cmd.account_id, FundBucket.PENDING_WITHDRAWAL, cmd.amount),
            ),
            cmd.bank_ref,
        ),
    )


def confirm_withdrawal(
    state: FundsState, cmd: ConfirmWithdrawal, ctx: Ctx
) -> tuple[Event, ...] | Rejection:
    if (
        f"withdrawal:{cmd.bank_ref}" in state.bank_refs
        or f"withdrawal_failed:{cmd.bank_ref}" in state.bank_refs
    ):
        return ()
    open_ = state.withdrawals.get(cmd.bank_ref)
    if open_ is None:
        return Rejection(
            Code.UNKNOWN_TRANSACTION, f"no open withdrawal {cmd.bank_ref!r}", "bank_ref"
        )
    acct, amt = open_
    if cmd.paid:
        postings = (
            FundPosting(acct, FundBucket.PENDING_WITHDRAWAL, -amt),
            FundPosting(BANK, FundBucket.AVAILABLE, amt),
        )
        kind = "withdrawal"
    else:
        postings = (
            FundPosting(acct, FundBucket.PENDING_WITHDRAWAL, -amt),
            FundPosting(acct, FundBucket.AVAILABLE, amt),
        )
        kind = "withdrawal_failed"
    return (FundsPosted(ctx.ids.next("F"), kind, postings, cmd.bank_ref),)


HANDLERS: dict[type[Any], Callable[[FundsState, Any, Ctx], tuple[Event, ...] | Rejection]] = {
    Deposit: deposit,
    RequestWithdrawal: request_withdrawal,
    ConfirmWithdrawal: confirm_withdrawal,
}
APPLIERS: dict[type[Event], Callable[[FundsState, Any], None]] = {
    FundsPosted: FundsState.apply_posted,
}
