"""A surveillance run: one trading day from the journal through the pure detectors, journaled.

The run drives the engine (it reads the journal and submits
:class:`~openets.supervision.messages.RecordAlerts`), so it lives beside the end of day that
calls it, not in supervision's service.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from openets.domain.clock import to_utc_micros
from openets.domain.messages import Result
from openets.engine.core import Engine
from openets.supervision import messages as sm
from openets.supervision.detectors import DETECTORS, run_all
from openets.supervision.feed import Row, day_data, rows_of
from openets.supervision.model import DayData, Params
from openets.supervision.port import sup
from openets.trading.bands import price_band


def surveillance_input(engine: Engine, day: str, rows: Iterable[Row] | None = None) -> DayData:
    """One trading day for the detectors, from the journal (or ``rows`` a Collector kept)."""
    m = engine.state
    mr = m.rules
    tr = mr.trading
    bps = {"listing": tr.listing_band_bps, "block": mr.block.band_bps}

    def band(inst: str, prev_close: int, method: str) -> tuple[int, int] | None:
        b = bps.get(method)
        return price_band(prev_close, b, tr.tick_fen) if b is not None and prev_close > 0 else None

    end = max(e for _, e in tr.listing_sessions)
    closes = datetime.combine(date.fromisoformat(day), end, tzinfo=mr.calendar.tz)
    src = rows if rows is not None else rows_of(engine.journal.read())
    return day_data(
        src,
        day,
        band=band,
        session_end=to_utc_micros(closes),
        groups=sup(m).groups.items(),
    )


def run_surveillance(
    engine: Engine,
    day: str,
    *,
    params: Params | None = None,
    only: Iterable[str] | None = None,
    actor: str = "surveillance",
    rows: Iterable[Row] | None = None,
) -> Result:
    """Run the detectors over ``day`` and journal the run and its new alerts."""
    names = tuple(DETECTORS) if only is None else tuple(only)
    alerts = run_all(surveillance_input(engine, day, rows), params, names)
    return engine.submit(sm.RecordAlerts(day, names, alerts), actor)
