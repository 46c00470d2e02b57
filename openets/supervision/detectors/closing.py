"""Marking the close: trades late in the day that move the closing price.

The close is the quantity-weighted average of the day's listing trades (reference §4), so a
participant who trades a large share of the day's listing volume in the last minutes moves it.
For each participant with at least ``close_min_share_bps`` of an instrument's listing volume in
the last ``close_window_s`` seconds, the close is recomputed without those trades; if it moves
by more than ``close_min_move_bps`` in the direction of the participant's net trading in the
window (a net buyer lifting the close, a net seller depressing it), the detector fires.
"""

from __future__ import annotations

from openets.domain.money import format_yuan, round_half_up_div
from openets.supervision.model import (
    BPS,
    US,
    Alert,
    DayData,
    Evidence,
    Params,
    Severity,
    pct,
    share_bps,
)


def _late(
    d: DayData, start: int
) -> tuple[dict[str, int], dict[str, int], dict[tuple[str, str], list[int]]]:
    """Listing volume and turnover per instrument; per (instrument, account) from ``start``:
    [volume, turnover, net bought]."""
    day_vol: dict[str, int] = {}
    day_turn: dict[str, int] = {}
    late: dict[tuple[str, str], list[int]] = {}
    for t in d.trades:
        if t.method != "listing":
            continue
        inst, q = t.instrument, t.quantity
        day_vol[inst] = day_vol.get(inst, 0) + q
        day_turn[inst] = day_turn.get(inst, 0) + q * t.price
        if t.ts < start:
            continue
        for acct, sign in ((t.buyer, 1), (t.seller, -1)):
            w = late.get((inst, acct))
            if w is None:
                w = late[(inst, acct)] = [0, 0, 0]
            w[0] += q
            w[1] += q * t.price
            w[2] += sign * q
    return day_vol, day_turn, late


def marking_the_close(d: DayData, p: Params) -> list[Alert]:
    if not d.session_end:
        return []
    start = d.session_end - p.close_window_s * US
    day_vol, day_turn, late = _late(d, start)
    prev = dict(d.prev_close)
    alerts = []
    for (inst, acct), (vol, turn, net) in sorted(late.items()):
        share = share_bps(vol, day_vol[inst])
        if share < p.close_min_share_bps or net == 0:
            continue
        close = round_half_up_div(day_turn[inst], day_vol[inst])
        rest = day_vol[inst] - vol
        without = round_half_up_div(day_turn[inst] - turn, rest) if rest else prev.get(inst, close)
        move = round_half_up_div((close - without) * BPS, without)
        if abs(move) <= p.close_min_move_bps or (move > 0) != (net > 0):
            continue
        ev = Evidence(p.max_evidence)
        for t in d.trades:
            if (
                t.method == "listing"
                and t.instrument == inst
                and t.ts >= start
                and acct in (t.buyer, t.seller)
            ):
                ev.trade(t.trade_id)
                if t.maker_id:
                    ev.order(t.maker_id)
        sev = Severity.HIGH if abs(move) >= 3 * p.close_min_move_bps else Severity.MEDIUM
        summary = (
            f"{acct} traded {vol} t of {inst} ({pct(share)} of the day's listing volume) in the "
            f"last {p.close_window_s // 60} minutes, net {'bought' if net > 0 else 'sold'} "
            f"{abs(net)} t; without these trades the close would be {format_yuan(without)} "
            f"instead of {format_yuan(close)} ({pct(move)})"
        )
        metrics = {
            "share_bps": share,
            "move_bps": move,
            "close": close,
            "close_without": without,
            "quantity": vol,
            "net": net,
        }
        alerts.append(ev.alert("marking_the_close", d.day, inst, (acct,), sev, summary, metrics))
    return alerts
