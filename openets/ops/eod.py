"""Run the end of day: the three engine commands in order (and, for a market with an automatic
band reserve, its check), then the settlement statements.

Rerunning after a crash continues where the journal stopped: each step is idempotent.
"""

from __future__ import annotations

import csv
import gc
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from openets.clearing.settlement import TradesSettled
from openets.clearing.settlement_service import FinishDay, SettleTrades
from openets.domain.cells import safe_cell
from openets.domain.money import format_yuan
from openets.domain.rejection import Code, Rejection
from openets.engine.core import Engine
from openets.supervision.reserve_messages import CheckBandReserve, ReserveRuleApplied
from openets.trading.day_service import CloseDay
from openets.trading.events import TradeExecuted


@dataclass
class EodReport:
    day: str
    expired: int = 0
    settled: int = 0
    reserve: list[str] = field(default_factory=list)
    """What the band reserve's step decided (``release``, ``buy_back``; none most days)."""
    statements: list[Path] = field(default_factory=list)


class EodError(RuntimeError):
    def __init__(self, step: str, rejection: Rejection) -> None:
        super().__init__(f"{step}: {rejection}")
        self.rejection = rejection


def run_end_of_day(
    engine: Engine,
    *,
    actor: str = "eod",
    batch: int = 5_000,
    out_dir: Path | None = None,
    force: bool = False,
    surveillance: bool = False,
    rows: Any = None,
) -> EodReport:
    """Close, settle in batches, finish; optionally write statements under ``out_dir``.

    With ``surveillance`` the detectors then run over the day (``rows``: the day's records
    from a live collector; None reads them from the journal) and positions are scanned for
    large holders.
    """
    t = engine.state.trading
    close_due_auctions(engine, actor)
    r = engine.submit(CloseDay(force=force), actor)
    if isinstance(r, Rejection):
        raise EodError("close", r)
    report = EodReport(day=t.day)
    report.expired = sum(1 for e in r if type(e).__name__ == "ListingCancelled")
    day_trades = list(t.unsettled.values())
    # Settlement adds a ledger entry per trade to the state and frees nothing: the cyclic
    # garbage collector, run between batches, would walk the whole state after each one
    # (a third of the end of day's time at 200,000 trades). It runs once, after the last.
    paused = gc.isenabled()
    gc.disable()
    # Each batch is written to the journal while the next one is prepared (on PostgreSQL the
    # server's work, on the other core, no longer waits for the client's): the end of day is
    # durable when the loop is left, before the day finishes.
    try:
        with engine.commits_behind():
            while t.unsettled:
                r = engine.submit(SettleTrades(batch), actor)
                if isinstance(r, Rejection):
                    raise EodError("settle", r)
                report.settled += sum(len(e.tx_ids) for e in r if isinstance(e, TradesSettled))
    finally:
        if paused:
            gc.enable()
    r = engine.submit(FinishDay(), actor)
    if isinstance(r, Rejection):
        raise EodError("finish", r)
    band = engine.state.rules.reserves.band
    if band is not None and band.automatic:
        r = engine.submit(CheckBandReserve(), actor)
        if isinstance(r, Rejection):
            raise EodError("band reserve", r)
        report.reserve = [e.decision for e in r if isinstance(e, ReserveRuleApplied)]
    if surveillance:
        from openets.ops.surveillance import run_surveillance
        from openets.supervision.messages import ScanPositions

        run_surveillance(engine, report.day, actor=actor, rows=rows)
        engine.submit(ScanPositions(), actor)
    if out_dir is not None:
        report.statements = write_statements(report.day, day_trades, out_dir)
    return report


def close_due_auctions(engine: Engine, actor: str = "eod") -> int:
    """Close every auction whose bidding window has ended (before the day closes).

    An auction whose instrument is suspended cannot clear: it is cancelled (every lock
    released) with the suspension as its journaled reason, so that one suspended instrument
    does not keep the rest of the market from settling and the next day from starting.
    """
    from openets.trading.auction_messages import CancelAuction, CloseAuction
    from openets.trading.auction_service import auction_book, due_auctions

    n = 0
    for auction_id in due_auctions(engine.state, engine.clock.now()):
        r = engine.submit(CloseAuction(auction_id), actor)
        if isinstance(r, Rejection) and r.code is Code.INSTRUMENT_SUSPENDED:
            code = auction_book(engine.state).auctions[auction_id].spec.instrument
            r = engine.submit(CancelAuction(auction_id, _suspended_reason(engine, code)), actor)
        if isinstance(r, Rejection):
            raise EodError(f"close auction {auction_id}", r)
        n += 1
    return n


def _suspended_reason(engine: Engine, code: str) -> str:
    order = engine.state.supervision.suspensions.get(code)
    why = f" by the {order.authority.value}: {order.reason}" if order is not None else ""
    return f"instrument {code} suspended at the auction's close{why}; cancelled at the end of day"


def statement_rows(trades: list[TradeExecuted]) -> dict[str, list[dict[str, object]]]:
    """Each participant's settled trades of the day, as its settlement statement lines."""
    rows: dict[str, list[dict[str, object]]] = {}
    for t in trades:
        for acct, side, fee in ((t.buyer, "buy", t.buyer_fee), (t.seller, "sell", t.seller_fee)):
            notional = t.price * t.quantity
            cash = -(notional + fee) if side == "buy" else notional - fee
            rows.setdefault(acct, []).append(
                {
                    "trade_id": t.trade_id,
                    "instrument": t.instrument,
                    "method": t.method,
                    "side": side,
                    "price": format_yuan(t.price),
                    "quantity": t.quantity,
                    "amount": format_yuan(notional),
                    "fee": format_yuan(fee),
                    "net_cash": format_yuan(cash),
                    "time": t.time,
                }
            )
    return rows


def write_statements(day: str, trades: list[TradeExecuted], out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for acct, rows in sorted(statement_rows(trades).items()):
        base = out_dir / f"settlement-{day}-{acct}"
        (base.with_suffix(".json")).write_bytes(
            orjson.dumps(
                {"day": day, "account_id": acct, "trades": rows}, option=orjson.OPT_INDENT_2
            )
        )
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows({k: safe_cell(v) for k, v in r.items()} for r in rows)
        base.with_suffix(".csv").write_text(buf.getvalue(), encoding="utf-8")
        paths += [base.with_suffix(".json"), base.with_suffix(".csv")]
    return paths
