"""Clearing's end of day: settle every trade DvP, then roll the day (T+1).

The end of day is three commands, each atomic and idempotent, so that a crash anywhere loses
nothing and a rerun finishes the job (:func:`openets.ops.eod.run_end_of_day` drives them):

1. ``CloseDay`` (trading's, :mod:`openets.trading.day_service`): stop trading, expire every
   listing (locks released), fix each instrument's open, high, low, close and volumes.
2. ``SettleTrades``: trade by trade, gross, delivery versus payment: the seller's locked
   allowances go to the buyer's pending-delivery bucket and the fees leave the clearing
   account for the fee-income account, one registry and one fund transaction per trade
   (statements show them), journaled in batches of ``limit``
   (:class:`~openets.clearing.settlement.TradesSettled`); applying a batch moves each
   account's holdings and balances once, by the net of its transactions.
3. ``FinishDay``: reconcile (the clearing account is empty, every trade has its delivery),
   then roll pending deliveries and receivables to available for the next trading day.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from openets.clearing.funds import FundBucket, FundPosting, FundsPosted
from openets.clearing.port import system_fund_account
from openets.clearing.settlement import TradesSettled
from openets.domain.messages import Command, Ctx, Event, Result
from openets.domain.money import format_yuan
from openets.domain.rejection import Code, Rejection
from openets.market import ApplierTable, HandlerTable, MarketState
from openets.registry import port as registry_port
from openets.registry.port import Bucket, LedgerPosted, Posting, SystemRole, TxRecord, TxType
from openets.trading import port as trading_port
from openets.trading.port import DayFinished


@dataclass(frozen=True, slots=True)
class SettleTrades(Command):
    limit: int = 10_000


@dataclass(frozen=True, slots=True)
class FinishDay(Command):
    pass


def settle_trades(m: MarketState, cmd: SettleTrades, ctx: Ctx) -> Result:
    phase = trading_port.session_phase(m)
    if phase != "closed":
        return (
            ()
            if phase == "idle"
            else Rejection(
                Code.INVALID_STATE,
                f"close the day {trading_port.trading_day(m)} before settling it",
                None,
            )
        )
    if isinstance(cmd.limit, bool) or not isinstance(cmd.limit, int) or cmd.limit <= 0:
        return Rejection(
            Code.INVALID_FIELD, f"limit must be a positive integer, was {cmd.limit!r}", "limit"
        )
    clearing = system_fund_account(m, SystemRole.EXCHANGE_CLEARING)
    fee_income = system_fund_account(m, SystemRole.FEE_INCOME)
    trades = trading_port.unsettled_trades(m, cmd.limit)
    if not trades:
        return ()
    products = {i.code: i.product for i in trading_port.instruments(m)}
    tx_ids = ctx.ids.next_many("TX", len(trades))
    return (
        TradesSettled(
            trading_port.trading_day(m),
            clearing,
            fee_income,
            tuple([x.trade_id for x in trades]),
            tuple(tx_ids),
            tuple([products[x.instrument] for x in trades]),
            tuple([x.seller for x in trades]),
            tuple([x.buyer for x in trades]),
            tuple([x.quantity for x in trades]),
            tuple([x.buyer_fee + x.seller_fee for x in trades]),
        ),
    )


def apply_settled(m: MarketState, ev: TradesSettled) -> None:
    """The batch's deliveries through the ledgers' posting paths, netted: each one is a
    registry ``DELIVERY`` transaction (seller's locked -> buyer's pending) and a fund
    transaction of its fees (clearing -> fee income), and the holdings and balances move once
    per account, product and bucket by their sum (the same end as posting them one by one;
    statements read every entry from the event, :meth:`TradesSettled.entries`). Then the
    trades leave the day's unsettled trades."""
    sent: defaultdict[tuple[str, str], int] = defaultdict(int)
    received: defaultdict[tuple[str, str], int] = defaultdict(int)
    for seller, buyer, product, qty in zip(
        ev.sellers, ev.buyers, ev.products, ev.quantities, strict=True
    ):
        sent[seller, product] -= qty
        received[buyer, product] += qty
    fees = sum(ev.fees)

    def transactions() -> Iterator[tuple[str, TxRecord]]:
        delivery, locked, pending = TxType.DELIVERY, Bucket.LOCKED, Bucket.PENDING
        return (
            (
                tx_id,
                TxRecord(
                    delivery,
                    (Posting(seller, product, locked, -qty), Posting(buyer, product, pending, qty)),
                    trade_id,
                ),
            )
            for tx_id, trade_id, seller, buyer, product, qty in zip(
                ev.tx_ids,
                ev.trade_ids,
                ev.sellers,
                ev.buyers,
                ev.products,
                ev.quantities,
                strict=True,
            )
        )

    net = {Bucket.LOCKED: sent, Bucket.PENDING: received}
    registry_port.post_settlement(m, net, len(ev.tx_ids), transactions)
    if fees:
        m.funds.post(
            (
                FundPosting(ev.clearing_account, FundBucket.AVAILABLE, -fees),
                FundPosting(ev.fee_account, FundBucket.AVAILABLE, fees),
            )
        )
    trading_port.mark_settled(m, ev.trade_ids)


def finish_day(m: MarketState, cmd: FinishDay, ctx: Ctx) -> Result:
    phase, day = trading_port.session_phase(m), trading_port.trading_day(m)
    if phase == "idle":
        return ()
    if phase != "closed":
        return Rejection(Code.INVALID_STATE, f"close the day {day} before finishing it", None)
    left_trades = trading_port.unsettled_count(m)
    if left_trades:
        return Rejection(
            Code.INVALID_STATE, f"{left_trades} trades of {day} are not settled yet", None
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
        for acct, prod, qty in registry_port.pending_holdings(m)
        for p in (
            Posting(acct, prod, Bucket.PENDING, -qty),
            Posting(acct, prod, Bucket.AVAILABLE, qty),
        )
    )
    if roll:
        events.append(
            LedgerPosted(
                ctx.ids.next("TX"),
                TxType.ROLL,
                roll,
                day,
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
        events.append(FundsPosted(ctx.ids.next("F"), "settled_proceeds", recv, day))
    events.append(DayFinished(day))
    return tuple(events)


def register(handlers: HandlerTable, appliers: ApplierTable) -> None:
    handlers[SettleTrades] = settle_trades
    handlers[FinishDay] = finish_day
    appliers[TradesSettled] = apply_settled
