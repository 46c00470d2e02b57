"""Synthetic population: time to generate the cycle-1 market of 2,162 power entities.

    python benchmarks/population.py [--quick]

Generates the default population (2019, seed 1) a few times and reports the best time in
seconds, then the time to write its units file (the ``openets allocate`` input), and the
population's size: units and covered emissions in Mt. ``--quick`` runs once.
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._bench import bench
from openets.sim.population import DEFAULT_ENTITIES, Population, generate_population
from openets.sim.units_io import write_units_csv


def _best_of(runs: int, n_entities: int) -> tuple[float, Population]:
    best = float("inf")
    population = None
    for _ in range(runs):
        started = time.perf_counter()
        population = generate_population(n_entities)
        best = min(best, time.perf_counter() - started)
    assert population is not None
    return best, population


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one run instead of five")
    args = parser.parse_args(argv)
    runs = 1 if args.quick else 5
    seconds, population = _best_of(runs, DEFAULT_ENTITIES)
    bench(f"population_generate_{DEFAULT_ENTITIES}_entities", seconds, "s")
    started = time.perf_counter()
    rows = write_units_csv(population, io.StringIO())
    bench("population_write_units_csv", time.perf_counter() - started, "s")
    bench("population_units", rows, "units")
    bench("population_emissions", round(population.emissions_t / 1_000_000), "Mt")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
