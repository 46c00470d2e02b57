"""The calibration table of the simulation report: simulated figures beside the published ones.

Every cycle with published figures (reference §8.4, §9.2, §13) gets a row per figure: the real
value, the band the calibration aims at (volume and average price ± 25%, the block share 70-90%,
compliance 99-100%, the deadline month the busiest) and, for the cycle this run simulated,
the simulated value and whether it lands in the band. A run smaller than the cycle's roster has
its volume scaled to the roster (× roster / entities simulated): the agents trade in proportion
to their entities. Below it, the fitted parameters and the figure each was fitted to
(:mod:`openets.sim.calibration`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from openets.sim.calibration import fits_for

ROSTERS: dict[int, int] = {2021: 2162, 2024: 2096, 2025: 3378, 2026: 3378}
"""Covered entities of each simulated cycle's roster (§8.4, §9.2, §7.5)."""

REAL: dict[int, dict[str, int]] = {
    # cycle 1 (§8.4, §9.2 [V]), block share since launch about 83% (§13 [V])
    2021: {"volume_t": 179_000_000, "average_fen": 4285, "compliance_ppm": 995_000},
    # 2024 (§9.2 [V]): 189 Mt, RMB 18.114 bn, so 95.84 on average
    2024: {"volume_t": 189_000_000, "average_fen": 9584},
    # 2025 (§13 [V-secondary]): 235 Mt at 62.36
    2025: {"volume_t": 235_000_000, "average_fen": 6236},
}


@dataclass(frozen=True, slots=True)
class Target:
    figure: str
    real: str
    band: str
    test: Callable[[int], bool]
    key: str


def _within(real: int, pct: int) -> Callable[[int], bool]:
    return lambda v: abs(v - real) * 100 <= real * pct


def targets(year: int) -> list[Target]:
    """What the calibration aims at in ``year``'s cycle (empty: nothing published)."""
    real = REAL.get(year)
    if real is None:
        return []
    out = [
        Target("volume", f"{real['volume_t'] / 1e6:,.0f} Mt", "± 25%",
               _within(real["volume_t"], 25), "scaled_volume_t"),
    ]  # fmt: skip
    if year != 2021:
        out.append(
            Target("average price", f"{real['average_fen'] / 100:.2f}", "± 25%",
                   _within(real["average_fen"], 25), "average_fen")
        )  # fmt: skip
    else:
        out += [
            Target("block share of volume", "about 83% since launch", "70-90%",
                   lambda v: 700_000 <= v <= 900_000, "block_share_ppm"),
            Target("compliance by quantity", "99.5%", "99-100%",
                   lambda v: 990_000 <= v <= 1_000_000, "compliance_ppm"),
            Target("busiest month", "December (the deadline's)", "the deadline month",
                   lambda v: v == 1, "deadline_busiest"),
        ]  # fmt: skip
    return out


def simulated(s: dict[str, Any]) -> dict[str, int]:
    """The run's figures the targets read: volume scaled to the roster, and the others."""
    roster = ROSTERS.get(s["year"], s["entities"])
    entities = max(1, s.get("covered_entities") or s["entities"])
    months = s["monthly_volume_t"]
    totals = {m: sum(v.values()) for m, v in months.items()}
    deadline_month = s["last_day"][:7]
    busiest = max(totals, key=lambda m: totals[m]) if totals else ""
    return {
        "scaled_volume_t": s["volume_t"] * roster // entities,
        "average_fen": s["average_fen"] or 0,
        "block_share_ppm": s["block_share_ppm"],
        "compliance_ppm": s["compliance_ppm"],
        "deadline_busiest": int(busiest == deadline_month),
    }


def _show(key: str, v: int) -> str:
    if key == "scaled_volume_t":
        return f"{v / 1e6:,.1f} Mt"
    if key == "average_fen":
        return f"{v / 100:.2f}"
    if key == "deadline_busiest":
        return "yes" if v else "no"
    return f"{v / 10_000:.2f}%"


def calibration_rows(s: dict[str, Any]) -> list[tuple[str, ...]]:
    """(cycle, figure, real, band, simulated, in band) for every cycle with published figures;
    only this run's cycle has simulated values."""
    rows: list[tuple[str, ...]] = []
    mine = simulated(s)
    for year in sorted(REAL):
        for t in targets(year):
            if year == s["year"]:
                v = mine[t.key]
                rows.append((str(year), t.figure, t.real, t.band, _show(t.key, v),
                             "yes" if t.test(v) else "no"))  # fmt: skip
            else:
                rows.append((str(year), t.figure, t.real, t.band, "–", f"run --year {year}"))
    return rows


def fitted_rows(year: int) -> list[tuple[str, str, str]]:
    """(parameter, value, fitted to) of ``year``'s cycle."""
    return [(f.param, str(f.value), f.fitted_to) for f in fits_for(year)]


def markdown_section(s: dict[str, Any], table: Callable[..., str]) -> list[str]:
    roster = ROSTERS.get(s["year"], s["entities"])
    scaled = (
        f"The run's volume is scaled to the cycle's roster ({roster:,} entities; "
        f"{s.get('covered_entities') or s['entities']:,} simulated)."
    )
    return [
        "## Calibration against the published figures",
        "",
        scaled,
        "",
        table(("Cycle", "Figure", "Real", "Aim", "Simulated", "In the aim"), calibration_rows(s)),
        "",
        f"Parameters fitted for the {s['year']} cycle, and the figure each was fitted to:",
        "",
        table(("Parameter", "Value", "Fitted to"), fitted_rows(s["year"])),
        "",
    ]
