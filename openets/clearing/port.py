"""Clearing's port for the trading services: buying power, fund locks and a trade's payment.

A trading service moves an account's funds only through these functions (the fund ledger's
own events, :class:`~openets.clearing.funds.FundsPosted`); it never reads another use case's
internals. Sale proceeds sit in *receivable* until the end of day: usable for buying the same
day where the market's settlement rules say so, never withdrawable before the next day.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from openets.clearing.funds import FundBucket, FundPosting
from openets.clearing.funds import FundsPosted as FundsPosted
from openets.domain.messages import Ctx
from openets.domain.money import format_yuan
from openets.domain.rejection import Code, Rejection
from openets.registry import port as registry_port
from openets.registry.port import SystemRole

if TYPE_CHECKING:
    from openets.market import MarketState


def system_fund_account(m: MarketState, role: SystemRole) -> str:
    return registry_port.system_account(m, role)


def open_for_account(m: MarketState, account_id: str) -> list[str]:
    """What clearing still has open for ``account_id``, in words (a fund balance, fund
    instructions the bank has not settled): the registry refuses to close the account until
    they are gone."""
    out: list[str] = []
    bal = m.funds.balances.get(account_id)
    if bal and any(bal):
        out.append(f"a fund balance of {format_yuan(sum(bal))} yuan")
    fu = m.funds
    refs = [r for r, (a, _) in fu.withdrawals.items() if a == account_id]
    refs += [r for r, (a, _) in fu.pending_deposits.items() if a == account_id]
    if refs:
        out.append(f"fund instructions {', '.join(sorted(refs))}")
    return out


def usable_proceeds(m: MarketState, receivable: int) -> int:
    """The part of today's unsettled sale proceeds that is buying power (settlement rules)."""
    return receivable if m.rules.settlement.sale_proceeds_reusable_same_day else 0


def lock_funds(
    m: MarketState, account_id: str, amount: int, ctx: Ctx, ref: str
) -> tuple[FundsPosted, int] | Rejection:
    """Lock ``amount`` fen, from available first, then from today's unsettled proceeds (if the
    market's settlement rules let sale proceeds be reused the same day).

    Returns the event and how much came from the receivable (so a release can return it).
    """
    bal = m.funds.of(account_id)
    power = bal[FundBucket.AVAILABLE] + usable_proceeds(m, bal[FundBucket.RECEIVABLE])
    if power < amount:
        return Rejection(
            Code.INSUFFICIENT_FUNDS,
            f"account {account_id} has {format_yuan(power)} yuan of "
            f"buying power, needs {format_yuan(amount)} yuan (price × quantity + fees)",
            "quantity",
        )
    from_avail = min(amount, bal[FundBucket.AVAILABLE])
    from_recv = amount - from_avail
    postings = [FundPosting(account_id, FundBucket.LOCKED, amount)]
    if from_avail:
        postings.append(FundPosting(account_id, FundBucket.AVAILABLE, -from_avail))
    if from_recv:
        postings.append(FundPosting(account_id, FundBucket.RECEIVABLE, -from_recv))
    return FundsPosted(ctx.ids.next("F"), "lock", tuple(postings), ref), from_recv


def release_funds(
    account_id: str, amount: int, to_receivable: int, ctx: Ctx, ref: str
) -> FundsPosted:
    postings = [FundPosting(account_id, FundBucket.LOCKED, -amount)]
    if amount - to_receivable:
        postings.append(FundPosting(account_id, FundBucket.AVAILABLE, amount - to_receivable))
    if to_receivable:
        postings.append(FundPosting(account_id, FundBucket.RECEIVABLE, to_receivable))
    return FundsPosted(ctx.ids.next("F"), "unlock", tuple(postings), ref)


def lock_event(acct: str, spent: tuple[int, int], ctx: Ctx, ref: str) -> FundsPosted:
    postings = [FundPosting(acct, FundBucket.LOCKED, spent[0] + spent[1])]
    if spent[0]:
        postings.append(FundPosting(acct, FundBucket.AVAILABLE, -spent[0]))
    if spent[1]:
        postings.append(FundPosting(acct, FundBucket.RECEIVABLE, -spent[1]))
    return FundsPosted(ctx.ids.next("F"), "lock", tuple(postings), ref)


def posted(ctx: Ctx, kind: str, postings: tuple[FundPosting, ...], ref: str) -> FundsPosted:
    """The fund ledger's event of ``postings`` (one fund transaction)."""
    return FundsPosted(ctx.ids.next("F"), kind, postings, ref)


def trade_payment(
    m: MarketState,
    wallets: Wallets,
    *,
    buyer: str,
    seller: str,
    notional: int,
    fees: tuple[int, int],
    buyer_locked: int,
) -> tuple[tuple[FundPosting, ...], int] | Rejection:
    """The postings of one trade's payment through the clearing account, and how much of it
    came from the buyer's lock: the buyer pays ``notional`` + its fee (first from up to
    ``buyer_locked`` of its locked bucket, then from its buying power), the seller's
    proceeds less its fee go to its *receivable*, both fees to the clearing account."""
    fee_b, fee_s = fees
    pay = notional + fee_b
    from_lock = min(buyer_locked, pay)
    rest = pay - from_lock
    clearing = system_fund_account(m, SystemRole.EXCHANGE_CLEARING)
    postings = [FundPosting(seller, FundBucket.RECEIVABLE, notional - fee_s)]
    if fee_b + fee_s:
        postings.append(FundPosting(clearing, FundBucket.AVAILABLE, fee_b + fee_s))
    if from_lock:
        postings.append(FundPosting(buyer, FundBucket.LOCKED, -from_lock))
    if rest:
        spent = wallets.spend(buyer, rest)
        if isinstance(spent, Rejection):
            return spent
        if spent[0]:
            postings.append(FundPosting(buyer, FundBucket.AVAILABLE, -spent[0]))
        if spent[1]:
            postings.append(FundPosting(buyer, FundBucket.RECEIVABLE, -spent[1]))
    return tuple(postings), from_lock


class Wallets:
    """Buying power of the accounts one command spends from, as it is spent.

    A command that makes several trades (an order sweeping levels) must not spend the same
    fen twice: the state changes only after the handler returns.
    """

    def __init__(self, m: MarketState) -> None:
        self.m = m
        self.left: dict[str, list[int]] = {}

    def of(self, acct: str) -> list[int]:
        w = self.left.get(acct)
        if w is None:
            bal = self.m.funds.of(acct)
            recv = usable_proceeds(self.m, bal[FundBucket.RECEIVABLE])
            w = self.left[acct] = [bal[FundBucket.AVAILABLE], recv]
        return w

    def spend(self, acct: str, amount: int) -> tuple[int, int] | Rejection:
        """Take ``amount`` (available first): (from available, from receivable)."""
        w = self.of(acct)
        if w[0] + w[1] < amount:
            return Rejection(
                Code.INSUFFICIENT_FUNDS,
                f"account {acct} has {format_yuan(w[0] + w[1])} yuan of "
                f"buying power, needs {format_yuan(amount)} yuan (price × quantity + fees)",
                "quantity",
            )
        a = min(amount, w[0])
        w[0] -= a
        w[1] -= amount - a
        return a, amount - a
