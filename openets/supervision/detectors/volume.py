"""Where the volume goes: trades pinned at the price limit, and one participant's share.

- **Pinned at the band**: trades at the day's upper limit (attributed to the buyer, who pays
  the highest price allowed) or lower limit (attributed to the seller). An account fires with
  at least ``band_min_trades`` such trades or ``band_min_qty`` tonnes at one limit.
- **Concentration**: one account's share of an instrument's day volume (all methods) on one
  side, at least ``conc_min_share_bps``, on a day of at least ``conc_min_day_qty`` tonnes.
"""

from __future__ import annotations

from openets.domain.money import format_yuan
from openets.supervision.model import (
    Alert,
    DayData,
    Evidence,
    Params,
    Severity,
    TradeRec,
    pct,
    share_bps,
)


def _at_limit(t: TradeRec, band: tuple[int, int]) -> tuple[str, str] | None:
    """(the account the trade is attributed to, which limit), if it traded at one."""
    if t.price >= band[1]:
        return t.buyer, "upper"
    if t.price <= band[0]:
        return t.seller, "lower"
    return None


def pinned_at_band(d: DayData, p: Params) -> list[Alert]:
    bands = d.band_of()
    if not bands:
        return []
    day_vol: dict[str, int] = {}
    hits: dict[tuple[str, str, str], list[int]] = {}  # -> [trades, tonnes]
    for t in d.trades:
        day_vol[t.instrument] = day_vol.get(t.instrument, 0) + t.quantity
        band = bands.get((t.instrument, t.method))
        at = _at_limit(t, band) if band is not None else None
        if at is None:
            continue
        h = hits.get((t.instrument, *at))
        if h is None:
            h = hits[(t.instrument, *at)] = [0, 0]
        h[0] += 1
        h[1] += t.quantity
    alerts = []
    for (inst, acct, edge), (n, qty) in sorted(hits.items()):
        many, large = n >= p.band_min_trades, qty >= p.band_min_qty
        if not (many or large):
            continue
        ev = Evidence(p.max_evidence)
        limits: set[int] = set()
        for t in d.trades:
            band = bands.get((t.instrument, t.method))
            if t.instrument == inst and band is not None and _at_limit(t, band) == (acct, edge):
                ev.trade(t.trade_id)
                limits.add(t.price)
                if t.maker_id:
                    ev.order(t.maker_id)
        share = share_bps(qty, day_vol[inst])
        side = "bought" if edge == "upper" else "sold"
        at_prices = ", ".join(format_yuan(x) for x in sorted(limits))
        summary = (
            f"{acct} {side} {qty} t of {inst} in {n} trades at the {edge} price limit "
            f"({at_prices}), {pct(share)} of the day's volume"
        )
        sev = Severity.HIGH if many and large else Severity.MEDIUM
        metrics = {"trades": n, "quantity": qty, "share_bps": share}
        alerts.append(ev.alert("pinned_at_band", d.day, inst, (acct,), sev, summary, metrics))
    return alerts


def concentration(d: DayData, p: Params) -> list[Alert]:
    day_vol: dict[str, int] = {}
    sides: dict[tuple[str, str, int], int] = {}
    for t in d.trades:
        inst, q = t.instrument, t.quantity
        day_vol[inst] = day_vol.get(inst, 0) + q
        kb, ks = (inst, t.buyer, 0), (inst, t.seller, 1)
        sides[kb] = sides.get(kb, 0) + q
        sides[ks] = sides.get(ks, 0) + q
    flagged = {
        k: q
        for k, q in sides.items()
        if day_vol[k[0]] >= p.conc_min_day_qty
        and share_bps(q, day_vol[k[0]]) >= p.conc_min_share_bps
    }
    alerts = []
    for (inst, acct, side), qty in sorted(flagged.items()):
        ev = Evidence(p.max_evidence)
        for t in d.trades:
            if t.instrument == inst and (t.buyer if side == 0 else t.seller) == acct:
                ev.trade(t.trade_id)
        share = share_bps(qty, day_vol[inst])
        sev = Severity.HIGH if share >= p.conc_high_share_bps else Severity.MEDIUM
        summary = (
            f"{acct} {'bought' if side == 0 else 'sold'} {qty} t of {inst}, {pct(share)} of "
            f"the day's {day_vol[inst]} t"
        )
        metrics = {"quantity": qty, "day_quantity": day_vol[inst], "share_bps": share, "side": side}
        alerts.append(ev.alert("concentration", d.day, inst, (acct,), sev, summary, metrics))
    return alerts
