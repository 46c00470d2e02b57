"""The fund ledger: participants' sub-accounts of the settlement bank account."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

from openets.clearing.bankrefs import DEPOSIT_FAILED, BankRefs
from openets.clearing.limits import MAX_ACCOUNT_FEN, FundLimits, check_limits
from openets.domain.frozen import quick_init
from openets.domain.messages import Command, Ctx, Event
from openets.domain.money import format_yuan
from openets.domain.rejection import Code, Rejection
from openets.domain.tables import PartTable

BANK = "@BANK"


class FundBucket(IntEnum):
    AVAILABLE = 0
    LOCKED = 1  # by buy listings, buy orders, bids, block commitments (price + fees)
    RECEIVABLE = 2  # today's sale proceeds: usable for buying today, withdrawable T+1
    PENDING_WITHDRAWAL = 3


@quick_init
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
class FundsInstructed(Event):
    """A participant's deposit instruction (pending until the bank confirms it) or withdrawal
    request: counts towards the account's limit of the day (``day``, the market's date)."""

    kind: str  # deposit | withdrawal
    account_id: str
    amount: int
    bank_ref: str
    day: str


@dataclass(frozen=True, slots=True)
class DepositFailed(Event):
    """The bank reports that an instructed deposit did not arrive: nothing is credited."""

    bank_ref: str


@dataclass(frozen=True, slots=True)
class Deposit(Command):
    """The bank's credit of money paid in: confirms the instruction of the same reference if
    there is one (the bank adapter's callback), idempotent by the bank reference."""

    account_id: str
    amount: int
    bank_ref: str


@dataclass(frozen=True, slots=True)
class InstructDeposit(Command):
    """A participant's instruction to pay money in; credited when the bank confirms."""

    account_id: str
    amount: int
    bank_ref: str


@dataclass(frozen=True, slots=True)
class ConfirmDeposit(Command):
    """The bank's answer to a deposit instruction: received (credited) or failed. The account
    and the amount, where the bank states them, must be the instruction's."""

    bank_ref: str
    received: bool
    account_id: str | None = None
    amount: int | None = None


@dataclass(frozen=True, slots=True)
class RequestWithdrawal(Command):
    account_id: str
    amount: int
    bank_ref: str


@dataclass(frozen=True, slots=True)
class ConfirmWithdrawal(Command):
    """The bank's answer to a withdrawal: paid out, or failed (the money returns). The account
    and the amount, where the bank states them, must be the withdrawal's."""

    bank_ref: str
    paid: bool
    account_id: str | None = None
    amount: int | None = None


@dataclass(slots=True)
class FundsState:
    balances: dict[str, list[int]] = field(default_factory=dict)
    bank_tally: int = 0
    # "<kind>:<bank ref>" of each deposit, withdrawal and bank answer recorded (applied once)
    bank_refs: BankRefs = field(default_factory=BankRefs)
    # open withdrawals: bank_ref -> (account, amount)
    withdrawals: dict[str, tuple[str, int]] = field(default_factory=dict)
    # instructed deposits the bank has not confirmed: bank_ref -> (account, amount)
    pending_deposits: dict[str, tuple[str, int]] = field(default_factory=dict)
    # "deposit:A000001" -> (day, total of that day)
    day_totals: dict[str, tuple[str, int]] = field(default_factory=dict)

    def of(self, account_id: str) -> list[int]:
        return self.balances.get(account_id) or [0, 0, 0, 0]

    def buying_power(self, account_id: str) -> int:
        b = self.balances.get(account_id)
        return b[0] + b[2] if b else 0

    def withdrawable(self, account_id: str) -> int:
        b = self.balances.get(account_id)
        return b[0] if b else 0

    def used_today(self, kind: str, account_id: str, day: str) -> int:
        d, total = self.day_totals.get(f"{kind}:{account_id}", ("", 0))
        return total if d == day else 0

    def apply_instructed(self, ev: FundsInstructed) -> None:
        if ev.kind == "deposit":
            self.pending_deposits[ev.bank_ref] = (ev.account_id, ev.amount)
        key = f"{ev.kind}:{ev.account_id}"
        self.day_totals[key] = (ev.day, self.used_today(ev.kind, ev.account_id, ev.day) + ev.amount)

    def apply_deposit_failed(self, ev: DepositFailed) -> None:
        self.pending_deposits.pop(ev.bank_ref, None)
        self.bank_refs.add(f"{DEPOSIT_FAILED}:{ev.bank_ref}", counted=False)

    def post(self, postings: tuple[FundPosting, ...]) -> None:
        """The fund ledger's one posting path: a balanced transaction onto the balances."""
        bal = self.balances
        for p in postings:
            if p.account_id == BANK:
                self.bank_tally += p.delta
                continue
            b = bal.get(p.account_id)
            if b is None:
                b = bal[p.account_id] = [0, 0, 0, 0]
            b[p.bucket] += p.delta

    def apply_posted(self, ev: FundsPosted) -> None:
        self.post(ev.postings)
        if ev.tx_type in ("deposit", "withdrawal_request", "withdrawal", "withdrawal_failed"):
            self.bank_refs.add(f"{ev.tx_type}:{ev.ref}")
            if ev.tx_type == "deposit":
                self.pending_deposits.pop(ev.ref, None)
            elif ev.tx_type == "withdrawal_request":
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
        out: dict[str, object] = {
            "balances": sorted((k, list(v)) for k, v in self.balances.items() if any(v)),
            "bank": self.bank_tally,
            "refs": len(self.bank_refs),
        }
        if self.pending_deposits:
            out["pending_deposits"] = sorted(self.pending_deposits.items())
        if self.day_totals:
            out["day_totals"] = sorted(self.day_totals.items())
        return out


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


def _room(state: FundsState, account_id: str, amount: int) -> Rejection | None:
    """No account holds more than :data:`MAX_ACCOUNT_FEN` in all its buckets."""
    held = sum(state.of(account_id)) + sum(
        a for acct, a in state.pending_deposits.values() if acct == account_id
    )
    if held + amount > MAX_ACCOUNT_FEN:
        return Rejection(
            Code.BALANCE_LIMIT,
            f"account {account_id} may hold at most {format_yuan(MAX_ACCOUNT_FEN)} yuan: "
            f"it holds {format_yuan(held)}, {format_yuan(amount)} more asked",
            "amount",
        )
    return None


def _as_stated(
    bank_ref: str, expected: tuple[str, int], account_id: str | None, amount: int | None
) -> Rejection | None:
    """The bank's answer names the reference's account and amount, where it names them."""
    acct, amt = expected
    if account_id is not None and account_id != acct:
        return Rejection(
            Code.INVALID_FIELD,
            f"bank reference {bank_ref} is for account {acct}, the report names {account_id}",
            "account_id",
        )
    if amount is not None and amount != amt:
        return Rejection(
            Code.INVALID_FIELD,
            f"bank reference {bank_ref} is for {format_yuan(amt)} yuan, the report says "
            f"{format_yuan(amount)} yuan",
            "amount",
        )
    return None


def _credit(account_id: str, amount: int, bank_ref: str, ctx: Ctx) -> tuple[Event, ...]:
    return (
        FundsPosted(
            ctx.ids.next("F"),
            "deposit",
            (
                FundPosting(BANK, FundBucket.AVAILABLE, -amount),
                FundPosting(account_id, FundBucket.AVAILABLE, amount),
            ),
            bank_ref,
        ),
    )


def deposit(state: FundsState, cmd: Deposit, ctx: Ctx) -> tuple[Event, ...] | Rejection:
    r = check_amount(cmd.amount) or check_bank_ref(cmd.bank_ref)
    if r:
        return r
    if f"deposit:{cmd.bank_ref}" in state.bank_refs:
        return ()  # the bank sent the same message twice: nothing changes the second time
    instructed = state.pending_deposits.get(cmd.bank_ref)
    if instructed is not None:
        r = _as_stated(cmd.bank_ref, instructed, cmd.account_id, cmd.amount)
        if r:
            return r
    else:
        r = _room(state, cmd.account_id, cmd.amount)
        if r:
            return r
    return _credit(cmd.account_id, cmd.amount, cmd.bank_ref, ctx)


def instruct_deposit(
    state: FundsState,
    cmd: InstructDeposit,
    ctx: Ctx,
    limits: FundLimits | None = None,
    day: str = "",
) -> tuple[Event, ...] | Rejection:
    r = check_amount(cmd.amount) or check_bank_ref(cmd.bank_ref)
    if r:
        return r
    if f"deposit:{cmd.bank_ref}" in state.bank_refs or cmd.bank_ref in state.pending_deposits:
        return ()
    r = _room(state, cmd.account_id, cmd.amount)
    if r is None and limits is not None:
        used = state.used_today("deposit", cmd.account_id, day)
        r = check_limits("deposit", cmd.amount, used, limits.deposit_max, limits.deposit_daily)
    if r:
        return r
    return (FundsInstructed("deposit", cmd.account_id, cmd.amount, cmd.bank_ref, day),)


def confirm_deposit(
    state: FundsState, cmd: ConfirmDeposit, ctx: Ctx
) -> tuple[Event, ...] | Rejection:
    if f"deposit:{cmd.bank_ref}" in state.bank_refs:
        return ()
    instructed = state.pending_deposits.get(cmd.bank_ref)
    if instructed is None:
        return Rejection(Code.UNKNOWN_TRANSACTION, f"no open deposit {cmd.bank_ref!r}", "bank_ref")
    r = _as_stated(cmd.bank_ref, instructed, cmd.account_id, cmd.amount)
    if r:
        return r
    if not cmd.received:
        return (DepositFailed(cmd.bank_ref),)
    return _credit(instructed[0], instructed[1], cmd.bank_ref, ctx)


def request_withdrawal(
    state: FundsState,
    cmd: RequestWithdrawal,
    ctx: Ctx,
    limits: FundLimits | None = None,
    day: str = "",
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
            f"{format_yuan(have)} yuan (today's sale proceeds are withdrawable the next trading "
            f"day), asked {format_yuan(cmd.amount)} yuan",
            "amount",
        )
    tally: tuple[Event, ...] = ()
    if limits is not None:
        used = state.used_today("withdrawal", cmd.account_id, day)
        r = check_limits(
            "withdrawal", cmd.amount, used, limits.withdrawal_max, limits.withdrawal_daily
        )
        if r:
            return r
        tally = (FundsInstructed("withdrawal", cmd.account_id, cmd.amount, cmd.bank_ref, day),)
    held = FundsPosted(
        ctx.ids.next("F"),
        "withdrawal_request",
        (
            FundPosting(cmd.account_id, FundBucket.AVAILABLE, -cmd.amount),
            FundPosting(cmd.account_id, FundBucket.PENDING_WITHDRAWAL, cmd.amount),
        ),
        cmd.bank_ref,
    )
    return (held, *tally)


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
    r = _as_stated(cmd.bank_ref, open_, cmd.account_id, cmd.amount)
    if r:
        return r
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


HANDLERS = PartTable[FundsState]()
HANDLERS[Deposit] = deposit
HANDLERS[InstructDeposit] = instruct_deposit
HANDLERS[ConfirmDeposit] = confirm_deposit
HANDLERS[RequestWithdrawal] = request_withdrawal
HANDLERS[ConfirmWithdrawal] = confirm_withdrawal
APPLIERS: dict[type[Event], Callable[[FundsState, Any], None]] = {
    FundsPosted: FundsState.apply_posted,
    FundsInstructed: FundsState.apply_instructed,
    DepositFailed: FundsState.apply_deposit_failed,
}
