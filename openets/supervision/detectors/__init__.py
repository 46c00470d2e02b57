"""Surveillance detectors: pure functions ``(DayData, Params) -> list[Alert]``.

Each detector returns its findings with the orders and trades involved and a severity; none
has side effects, so the same day gives the same alerts, in the same order, every time.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from openets.supervision.detectors.closing import marking_the_close
from openets.supervision.detectors.layering import layering
from openets.supervision.detectors.related import circular_trading, wash_trades
from openets.supervision.detectors.volume import concentration, pinned_at_band
from openets.supervision.model import Alert, DayData, Params

Detector = Callable[[DayData, Params], list[Alert]]

DETECTORS: dict[str, Detector] = {
    "wash_trade": wash_trades,
    "circular_trading": circular_trading,
    "marking_the_close": marking_the_close,
    "layering": layering,
    "pinned_at_band": pinned_at_band,
    "concentration": concentration,
}


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Detectors build millions of small acyclic objects next to a day of millions more; the
    cycle collector would rescan them all again and again (doubling the run time). Reference
    counting frees them as usual; the collector is back on afterwards."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def run_all(
    day: DayData, params: Params | None = None, only: Iterable[str] | None = None
) -> tuple[Alert, ...]:
    """Every detector (or those named in ``only``) over one day, in a fixed order."""
    p = params or Params()
    names = list(DETECTORS) if only is None else list(only)
    unknown = [n for n in names if n not in DETECTORS]
    if unknown:
        raise ValueError(f"unknown detector(s) {unknown}; known: {sorted(DETECTORS)}")
    out: list[Alert] = []
    with _no_cycle_collection():
        for name in names:
            out += DETECTORS[name](day, p)
    return tuple(out)


__all__ = [
    "DETECTORS",
    "Detector",
    "circular_trading",
    "concentration",
    "layering",
    "marking_the_close",
    "pinned_at_band",
    "run_all",
    "wash_trades",
]
