"""Allocation and obligations at national scale: 3,500 entities with 10,000 power units.

Parses a generated units file, allocates every unit under a plan preset, writes the output
file, then computes each entity's obligation from synthetic verified emissions.

    python benchmarks/allocation.py [--quick] [--plan 2021] [--entities 3500] [--units 10000]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from openets.compliance.allocation import allocate
from openets.compliance.obligations import UnitPosition, compute_obligation
from openets.compliance.plans import PRESETS, Category
from openets.compliance.units_csv import COLUMNS, read_units, write_allocations

try:
    from benchmarks._bench import bench
except ImportError:  # the shared helper is missing: print the line ourselves
    import json

    def bench(figure: str, value: float | int, unit: str) -> None:
        print("BENCH " + json.dumps({"figure": figure, "value": value, "unit": unit}))


T = TypeVar("T")
_CATEGORIES = (
    (Category.COAL_300_PLUS, 45),
    (Category.COAL_300_BELOW, 35),
    (Category.COAL_UNCONVENTIONAL, 8),
    (Category.GAS, 12),
)


def units_file(entities: int, units: int, seed: int) -> str:
    """A deterministic units file: every entity has at least one unit."""
    rng = random.Random(seed)
    cats = [c for c, w in _CATEGORIES for _ in range(w)]
    lines = [",".join(COLUMNS)]
    for i in range(units):
        entity = i if i < entities else rng.randrange(entities)
        cat = rng.choice(cats)
        capacity = rng.choice((135, 200, 300, 330, 350, 600, 660, 1000))
        hours = rng.randint(3_000, 6_000)
        supply = capacity * hours * rng.randint(900, 950) // 1000
        heat_ratio = rng.choice((0, 0, 0, rng.randint(1, 600)))  # thousandths
        heat = supply * 36 * heat_ratio // (10 * (1000 - heat_ratio))  # 3.6 GJ/MWh
        load = rng.randint(550, 950)
        prior = supply * rng.randint(850, 1150) // 1000
        prior_heat = heat * rng.randint(850, 1150) // 1000
        lines.append(
            f"E{entity:05d},U{i:06d},{cat},{capacity},{rng.choice(('water', 'air'))},"
            f"{supply}.{rng.randint(0, 999):03d},{heat},0.{heat_ratio:03d},0.{load:03d},"
            f"{prior},{prior_heat}"
        )
    return "\n".join(lines) + "\n"


def timed(fn: Callable[[], T], repeats: int) -> tuple[T, float]:
    """Best wall time of ``repeats`` runs, in seconds, and the last result."""
    best = float("inf")
    result: T
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return result, best


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="one run instead of best of five")
    ap.add_argument("--plan", default="2021", choices=sorted(PRESETS))
    ap.add_argument("--entities", type=int, default=3_500)
    ap.add_argument("--units", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    repeats = 1 if args.quick else 5
    plan = PRESETS[args.plan]
    text = units_file(args.entities, args.units, args.seed)

    (parsed, errors), t_parse = timed(lambda: read_units(text), repeats)
    if parsed is None:
        raise SystemExit(f"generated file is invalid: {errors[:3]}")
    allocations, t_alloc = timed(lambda: allocate(plan, parsed.units), repeats)
    _, t_write = timed(lambda: write_allocations(parsed, allocations), repeats)

    rng = random.Random(args.seed + 1)
    by_entity: dict[str, list[UnitPosition]] = {}
    for u, a in zip(parsed.units, allocations, strict=True):
        verified = a.final_allocation_t * rng.randint(850, 1300) // 1000
        pos = UnitPosition(u.unit_id, u.category is Category.GAS, verified, a.final_allocation_t)
        by_entity.setdefault(u.entity_id, []).append(pos)

    def obligations() -> int:
        return sum(compute_obligation(plan, ps).obligation_t for ps in by_entity.values())

    total_obligation, t_obl = timed(obligations, repeats)
    n = len(parsed.units)
    bench(f"allocation_parse_{n}_units_ms", t_parse * 1000, "ms")
    bench(f"allocation_allocate_{n}_units_ms", t_alloc * 1000, "ms")
    bench("allocation_units_per_s", n / t_alloc, "units/s")
    bench(f"allocation_write_{n}_units_ms", t_write * 1000, "ms")
    bench(f"obligations_{len(by_entity)}_entities_ms", t_obl * 1000, "ms")
    bench(
        f"allocate_and_obligations_{len(by_entity)}_entities_{n}_units_ms",
        (t_parse + t_alloc + t_write + t_obl) * 1000,
        "ms",
    )
    bench("allocation_total_obligation_t", total_obligation, "t")


if __name__ == "__main__":
    main()
