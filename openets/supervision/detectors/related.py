"""Trades between accounts that should not trade with each other.

- **Wash / self trades**: a trade whose buyer and seller are the same account, or two accounts
  linked into one group (same owner): no change of beneficial ownership, only fake volume.
- **Circular trading**: a quantity that goes round a ring of accounts (A sells to B, B to C,
  C back to A) within a short time, leaving every member where it started. Honest markets
  make such rings by chance, so a ring is flagged only if it goes round at least
  ``circular_min_rounds`` times in the day, or its members are a declared group.
"""

from __future__ import annotations

from bisect import bisect_right

from openets.supervision.model import (
    BPS,
    US,
    Alert,
    DayData,
    Evidence,
    Params,
    Severity,
    TradeRec,
)


def wash_trades(d: DayData, p: Params) -> list[Alert]:
    group = d.group_of()
    hits: dict[tuple[str, str], list[TradeRec]] = {}
    for t in d.trades:
        if t.buyer == t.seller:
            key = (t.instrument, t.buyer)
        else:
            g = group.get(t.buyer)
            if g is None or g != group.get(t.seller):
                continue
            key = (t.instrument, f"group {g}")
        hits.setdefault(key, []).append(t)
    alerts = []
    for (inst, who), trades in sorted(hits.items()):
        qty = sum(t.quantity for t in trades)
        selfs = sum(1 for t in trades if t.buyer == t.seller)
        accounts = tuple(sorted({a for t in trades for a in (t.buyer, t.seller)}))
        ev = Evidence(p.max_evidence)
        for t in trades:
            ev.trade(t.trade_id)
            if t.maker_id:
                ev.order(t.maker_id)
        sev = Severity.HIGH if selfs or qty >= p.wash_high_qty else Severity.MEDIUM
        what = "self trades of one account" if who in accounts else f"trades within {who}"
        summary = (
            f"{len(trades)} {what} in {inst}, {qty} t between {', '.join(accounts)}: "
            "no change of beneficial owner"
        )
        metrics = {"trades": len(trades), "quantity": qty, "self_trades": selfs}
        alerts.append(ev.alert("wash_trade", d.day, inst, accounts, sev, summary, metrics))
    return alerts


class _Rings:
    """Finds rings trade by trade: each trade starts a bounded depth-first search."""

    def __init__(self, d: DayData, p: Params) -> None:
        self.trades = d.trades
        self.p = p
        self.window = p.circular_window_s * US
        self.exact = p.circular_qty_tolerance_bps == 0
        # trades by who sells (and, for exact quantities, what): their indexes in time order
        self.index: dict[tuple[str, str, int], list[int]] = {}
        for i, t in enumerate(d.trades):
            if t.buyer != t.seller:
                q = t.quantity if self.exact else 0
                self.index.setdefault((t.instrument, t.seller, q), []).append(i)
        self.used: set[int] = set()

    def qty_ok(self, q: int, q0: int) -> bool:
        return abs(q - q0) * BPS <= self.p.circular_qty_tolerance_bps * q0

    def find(self, i: int) -> list[int]:
        """The trades of a ring that trade ``i`` starts, or [] if none."""
        t = self.trades[i]
        return self._dfs([i], t.buyer, {t.seller, t.buyer}, t)

    def _dfs(self, path: list[int], holder: str, members: set[str], first: TradeRec) -> list[int]:
        if len(path) >= self.p.circular_max_legs:
            return []
        key = (first.instrument, holder, first.quantity if self.exact else 0)
        ids = self.index.get(key)
        if not ids:
            return []
        end = first.ts + self.window
        scanned = 0
        for k in range(bisect_right(ids, path[-1]), len(ids)):
            j = ids[k]
            tj = self.trades[j]
            if tj.ts > end or scanned == self.p.circular_max_scan:
                break
            scanned += 1
            if j in self.used or (not self.exact and not self.qty_ok(tj.quantity, first.quantity)):
                continue
            if tj.buyer == first.seller:
                return [*path, j]
            if tj.buyer in members:
                continue
            found = self._dfs([*path, j], tj.buyer, members | {tj.buyer}, first)
            if found:
                return found
        return []


def circular_trading(d: DayData, p: Params) -> list[Alert]:
    rings = _Rings(d, p)
    found: dict[tuple[str, tuple[str, ...]], list[list[int]]] = {}
    for i, t in enumerate(d.trades):
        if i in rings.used or t.buyer == t.seller:
            continue
        cycle = rings.find(i)
        if cycle:
            rings.used.update(cycle)
            members = tuple(sorted({d.trades[j].seller for j in cycle}))
            found.setdefault((t.instrument, members), []).append(cycle)
    group = d.group_of()
    alerts = []
    for (inst, members), cycles in sorted(found.items()):
        groups = {group.get(a) for a in members}
        declared = len(groups) == 1 and None not in groups
        rounds = len(cycles)
        if rounds < p.circular_min_rounds and not declared:
            continue
        legs = [j for c in cycles for j in c]
        qty = sum(d.trades[j].quantity for j in legs)
        ev = Evidence(p.max_evidence)
        for j in legs:
            ev.trade(d.trades[j].trade_id)
            if d.trades[j].maker_id:
                ev.order(d.trades[j].maker_id)
        sev = Severity.HIGH if declared or rounds >= 2 * p.circular_min_rounds else Severity.MEDIUM
        summary = (
            f"{rounds} round(s) of {inst} through the ring {' -> '.join(members)} "
            f"({len(legs)} trades, {qty} t): each member ends where it started"
            + (f"; the accounts are linked as {groups.pop()}" if declared else "")
        )
        metrics = {"rounds": rounds, "trades": len(legs), "quantity": qty, "ring": len(members)}
        alerts.append(ev.alert("circular_trading", d.day, inst, members, sev, summary, metrics))
    return alerts
