"""Sweep parallel efficiency: 16 runs of a 200-entity cycle on the process pool.

    python benchmarks/sweep.py [--quick] [--runs 16] [--entities 200] [--days D] [--workers W]

One run is made in this process first (it loads every module and cache the workers
inherit), a second one is timed, then ``--runs`` runs (one scenario, seeds 1..N) go through
``run_sweep``. The parallel efficiency is one run's time × the number of runs ÷ the sweep's
wall time: on a 2-core machine the target is at least 1.7×. ``--quick`` runs 4 runs of 40
entities for 10 days. A run whose state hash differs from the same seed run in this process
is a wrong result (exit status 3).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._bench import MISMATCH, bench
from openets.sim.scenarios import Scenario
from openets.sim.simulate import SimConfig
from openets.sim.sweep import run_one, run_sweep


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="4 runs, 40 entities, 10 days")
    ap.add_argument("--runs", type=int, default=16)
    ap.add_argument("--entities", type=int, default=200)
    ap.add_argument("--days", type=int, default=None)
    ap.add_argument("--workers", type=int, default=None)
    args = ap.parse_args(argv)
    runs, entities, days = (4, 40, 10) if args.quick else (args.runs, args.entities, args.days)
    config = SimConfig(entities=entities, year=2021, days=days)
    first = run_one("baseline", config, 1)  # warm: imports and the trading calendar
    t0 = time.perf_counter()
    run_one("baseline", config, 2)
    one = time.perf_counter() - t0
    outcome = run_sweep([Scenario("baseline", config, ())], runs, args.workers)
    bench(f"sweep_one_run_{entities}_entities", one, "s")
    bench(f"sweep_{runs}_runs_wall", outcome.seconds, "s")
    bench("sweep_parallel_efficiency", one * runs / outcome.seconds, "x")
    bench("sweep_failed_runs", len(outcome.failures), "runs")
    same = next(r for r in outcome.results if r.seed == 1).state_hash == first.state_hash
    if not same or outcome.failures:
        print("error: a pool run differs from the same run in-process, or failed", file=sys.stderr)
        return MISMATCH
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
