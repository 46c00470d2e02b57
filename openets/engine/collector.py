"""The cyclic garbage collector in a process that hosts the engine.

Python collects its youngest generation after every 700 new container objects by default. An
order through the engine builds a few dozen (its command, events, postings, records, the
answer), so the collector ran every dozen orders or so and took about a tenth of the order
path's time (``docs/benchmarks.md``). Nearly all of those objects are freed by reference
counting at once; what survives is the market's state, which only grows. A larger young
generation (``DEFAULT_GEN0``) keeps that work to a few percent at the cost of at most that many
objects awaiting a collection, and a cycle is still found and freed by the next one.

The recovered market itself is frozen (moved to the permanent generation) so the collector's
full passes never walk it again: those would otherwise pause the server now and then.
"""

from __future__ import annotations

import gc

DEFAULT_GEN0 = 10_000
"""Container objects allocated (net) between two collections of the youngest generation."""


def settle(gen0: int = DEFAULT_GEN0) -> None:
    """Collect once, freeze what is alive (the recovered market), and set the youngest
    generation's threshold to ``gen0`` (0 keeps Python's own; the older two are unchanged).

    Called once a server or the demo has recovered its market, before it serves; the order
    benchmark calls it at the same point so that it measures the engine as served."""
    gc.collect()
    gc.freeze()
    if gen0 > 0:
        _, gen1, gen2 = gc.get_threshold()
        gc.set_threshold(gen0, gen1, gen2)


__all__ = ["DEFAULT_GEN0", "settle"]
