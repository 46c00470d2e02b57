"""The agents' calibration: which parameter was fitted to which published figure, per cycle.

:class:`~openets.sim.agents.AgentParams` holds the behaviour shared by every cycle (when the
short buy, how the long sell, the holdouts, the block desk). A cycle's market also had its own
mood: how much its entities bought beyond their need (banking), what they carried in from
earlier cycles, how hard the carry-over limit pushed holders to sell (§13) and where their
prices sat. Those values were fitted, cycle by cycle, to the published figures of the
reference (§9.2, §13) and are listed here with the figure each was fitted to; the report
prints this table beside the comparison (:mod:`openets.sim.report_calibration`).

:func:`calibrated` applies a cycle's fitted values to the parameters a caller left at their
defaults: a value a scenario file or a test sets on purpose is never replaced.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from openets.sim.agents import AgentParams


@dataclass(frozen=True, slots=True)
class Fit:
    """One fitted parameter: its value in a cycle and the figure it was fitted to."""

    param: str
    value: object
    fitted_to: str


SHARED: tuple[Fit, ...] = (
    Fit("block_discount_ppm", (10_000, 40_000), "block share of volume 70-90% (§13: about 83%)"),
    Fit("holdout_ppm", 5_000, "compliance 99.5% by quantity in cycle 1 (§8.4)"),
)
"""Values fitted once for every cycle (AgentParams' defaults)."""

_V1 = "cycle 1 volume 179 Mt (§9.2)"
_V24 = "2024 volume 189 Mt (§9.2)"
_P24 = "2024 average price RMB 95.84 (18.114 bn / 189 Mt, §9.2)"
_V25 = "2025 volume 235 Mt (§13)"
_P25 = "2025 average price RMB 62.36 (§13)"
_NONE = "no published figure yet: the 2025 values, by analogy"

FITS: dict[int, tuple[Fit, ...]] = {
    2021: (
        Fit(
            "rush_ppm",
            800_000,
            "cycle 1: the deadline month the busiest (§9.2: 99.83 Mt by "
            "2021-12-14, 179 Mt by 12-31)",
        ),
        Fit("banker_ppm", 800_000, _V1),
        Fit("bank_size_ppm", (30_000, 150_000), _V1),
        Fit("bank_price_ppm", (900_000, 1_150_000), _V1),
        Fit("hoarder_ppm", 300_000, _V1),
        Fit("sell_share_ppm", (400_000, 1_000_000), _V1),
    ),
    2024: (
        Fit("carried_ppm", (50_000, 300_000), _V24),
        Fit("banker_ppm", 900_000, _V24),
        Fit("bank_size_ppm", (100_000, 400_000), _V24),
        Fit("hoarder_ppm", 300_000, _V24),
        Fit("sell_share_ppm", (400_000, 1_000_000), _V24),
        Fit("cap_ppm", (1_150_000, 1_500_000), _P24),
        Fit("floor_ppm", (1_000_000, 1_300_000), _P24),
        Fit("bank_price_ppm", (1_000_000, 1_300_000), _P24),
    ),
    2025: (
        Fit("carried_ppm", (30_000, 200_000), _V25),
        Fit("carry_sell_ppm", (600_000, 1_000_000), _V25),
        Fit("banker_ppm", 900_000, _V25),
        Fit("bank_size_ppm", (60_000, 250_000), _V25),
        Fit("hoarder_ppm", 300_000, _V25),
        Fit("sell_share_ppm", (400_000, 1_000_000), _V25),
        Fit("carry_floor_ppm", (450_000, 700_000), _P25),
        Fit("cap_ppm", (700_000, 1_000_000), _P25),
        Fit("floor_ppm", (550_000, 850_000), _P25),
        Fit("bank_price_ppm", (550_000, 800_000), _P25),
    ),
}
"""Per cycle (trading year): the values that replace AgentParams' defaults."""


def fits_for(year: int) -> tuple[Fit, ...]:
    """Every fitted value that applies to ``year``'s cycle: the shared ones, then its own."""
    return (*SHARED, *FITS.get(year, ()))


def calibrated(params: AgentParams, year: int) -> AgentParams:
    """``params`` with ``year``'s fitted values wherever ``params`` kept the default."""
    default = AgentParams()
    changes = {
        f.param: f.value
        for f in FITS.get(year, ())
        if getattr(params, f.param) == getattr(default, f.param)
    }
    return dataclasses.replace(params, **changes) if changes else params  # type: ignore[arg-type]


_AFTER_2025 = {
    # the holders of more than their quota sold in 2025 (§13): what is carried into 2026 is
    # about what the quotas let them use, and nothing is left to dump
    "carried_ppm": (5_000, 30_000),
    "carry_sell_ppm": (0, 0),
}
_SLIDE_2025 = frozenset({"cap_ppm", "floor_ppm", "bank_price_ppm", "carry_floor_ppm"})
"""2025's price fits: where buyers and sellers put the price against the year's reference (its
first previous close), fitted to 2025's slide from 97.49 to an average of 62.36, which §13
blames on the holders' carry-over sales. Those sales are over in 2026 (``_AFTER_2025``), so
2026 keeps the shared prices, about its own reference (2025's close, 74.63), instead of
another slide by analogy: with 2025's fits every buyer's cap sat at or below that close while
the sellers asked above it: a run of 300 entities traded on no day before late July, one of
1,300 (the demo's) on every other day of January."""

FITS[2026] = (
    *(
        Fit(f.param, _AFTER_2025.get(f.param, f.value), _NONE)
        for f in FITS[2025]
        if f.param not in _SLIDE_2025
    ),
    Fit(
        "early_ppm",
        150_000,
        "a trade on every trading day, as the market until 2025-01-14 (§13); with the shared "
        "6 % the demo's first days had one or two",
    ),
)
