"""Clearing's end of day: settle every trade DvP, then roll the day (T+1).

The end of day is three commands, each atomic and idempotent, so that a crash anywhere loses
nothing and a rerun finishes the job (:func:`openets.ops.eod.run_end_of_day` drives them):

1. ``CloseDay`` (trading's, :mod:`openets.trading.day_service`): stop trading, expire every
   listing (locks released), fix each instrument's open, high, low, close and volumes.
2. ``SettleTrades``: trade by trade, gross, delivery versus payment: the seller's locked
   allowances go to the buyer's pending-delivery bucket and the fees leave the clearing
   account for the fee-income account, one registry and one fund transaction per trade
   through the ledgers' posting path (statements show them), journaled in batches of
   ``limit`` (:class:`~openets.clearing.settlement.TradesSettled`).
3. ``FinishDay``: reconcile (the clearing account is empty, every trade has its delivery),
   then roll pending deliveries and receivables to available for the next trading day.
"""

from __future__ import annotations

from dataclasses import dataclass

from openets.clearing.funds import FundBucket, FundPosting, FundsPosted
from openets.clearing.port import system_fund_account
from openets.clearing.settlement import Delivery, TradesSettled
from openets.domain.messages import Command, Ctx, Event, Result
from openets.domain.money import format_yuan
from openets.domain.rejection import Code, Rejection
from openets.market import Applier, Handler, MarketState
from openets.registry.events import LedgerPosted
from openets.registry.model import Bucket, Posting, SystemRole, TxType
from openets.trading.events import DayFinished


@dataclass(frozen=True, slots=True)
class SettleTrades(Command):
    limit: int = 10_000


@dataclass(frozen=True, slots=True)
class FinishDay(Command):
    pass


def settle_trades(m: MarketState, cmd: SettleTrades, ctx: Ctx) -> Result:
    t = m.trading
    if t.phase != "closed":
        return (
            ()
            if t.phase == "idle"
            else Rejection(Code.INVALID_STATE, f"close the day {t.day} before settling it", None)
        )
    if isinstance(cmd.limit, bool) or not isinstance(cmd.limit, int) or cmd.limit <= 0:
        return Rejection(
            Code.INVALID_FIELD, f"limit must be a positive integer, was {cmd.limit!r}", "limit"
        )
    clearing = system_fund_account(m, SystemRole.EXCHANGE_CLEARING)
    fee_income = system_fund_account(m, SystemRole.FEE_INCOME)
    products = {code: inst.product for code, inst in t.instruments.items()}
    deliveries = []
    nxt = ctx.ids.next
    for n, trade in enumerate(t.unsettled.values()):
        if n == cmd.limit:
            break
        deliveries.append(
            Delivery(
                trade.trade_id,
                nxt("TX"),
                products[trade.instrument],
                trade.seller,
                trade.buyer,
                trade.quantity,
                trade.buyer_fee + trade.seller_fee,
            )
        )
    if not deliveries:
        return ()
    return (TradesSettled(t.day, clearing, fee_income, tuple(deliveries)),)


def apply_settled(m: MarketState, ev: TradesSettled) -> None:
    """Each delivery through the ledgers' one posting path: the registry's DELIVERY
    transaction (seller's locked -> buyer's pending), the fees' fund transaction (clearing ->
    fee income); then the trade leaves the day's unsettled trades."""
    post, post_funds, settle = m.registry.post, m.funds.post, m.trading.settle
    fee_postings = ev.fee_postings
    for d in ev.deliveries:
        post(d.tx_id, TxType.DELIVERY, d.postings(), d.trade_id)
        if d.fees:
            post_funds(fee_postings(d))
        settle(d.trade_id)


def finish_day(m: MarketState, cmd: FinishDay, ctx: Ctx) -> Result:
    t = m.trading
    if t.phase == "idle":
        return ()
    if t.phase != "closed":
        return Rejection(Code.INVALID_STATE, f"close the day {t.day} before finishing it", None)
    if t.unsettled:
        return Rejection(
            Code.INVALID_STATE, f"{len(t.unsettled)} trades of {t.day} are not settled yet", None
        )
    clearing = system_fund_account(m, SystemRole.EXCHANGE_CLEARING)
    left = m.funds.of(clearing)
    if any(left):
        return Rejection(
            Code.INVALID_STATE,
            f"reconciliation failed: the clearing account still holds "
            f"{format_yuan(sum(left))} yuan after settlement",
            None,
        )
    events: list[Event] = []
    roll = tuple(
        p
        for (acct, prod), b in sorted(m.registry.holdings.items())
        if b[Bucket.PENDING]
        for p in (
            Posting(acct, prod, Bucket.PENDING, -b[Bucket.PENDING]),
            Posting(acct, prod, Bucket.AVAILABLE, b[Bucket.PENDING]),
        )
    )
    if roll:
        events.append(
            LedgerPosted(
                ctx.ids.next("TX"),
                TxType.ROLL,
                roll,
                t.day,
                "pending deliveries usable from the next trading day",
            )
        )
    recv = tuple(
        p
        for acct, b in sorted(m.funds.balances.items())
        if b[FundBucket.RECEIVABLE]
        for p in (
            FundPosting(acct, FundBucket.RECEIVABLE, -b[FundBucket.RECEIVABLE]),
            FundPosting(acct, FundBucket.AVAILABLE, b[FundBucket.RECEIVABLE]),
        )
    )
    if recv:
        events.append(FundsPosted(ctx.ids.next("F"), "settled_proceeds", recv, t.day))
    events.append(DayFinished(t.day))
    return tuple(events)


def register(handlers: dict[type, Handler], appliers: dict[type, Applier]) -> None:
    handlers.update({SettleTrades: settle_trades, FinishDay: finish_day})
    appliers[TradesSettled] = apply_settled
