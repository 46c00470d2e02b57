"""The simulator headless: a full trading year (242 days) of 2,162 compliance-driven entities.

    python benchmarks/simulate.py [--quick] [--year 2024] [--entities 2162] [--days D]

Runs ``run_simulation`` on an in-memory journal (the 2024 cycle: the 2023 vintage due by
2024-12-31, 242 trading days) and reports the wall time, events per second, commands, trades,
and the market's outcome (volume, average price, close, compliance). Target: under 120 s.
``--quick`` runs 40 entities for 10 days.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._bench import bench
from openets.sim.report import summary
from openets.sim.simulate import SimConfig, run_simulation


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="40 entities, 10 days")
    ap.add_argument("--year", type=int, default=2024)
    ap.add_argument("--entities", type=int, default=2162)
    ap.add_argument("--days", type=int, default=None)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    entities, days = (40, 10) if args.quick else (args.entities, args.days)
    result = run_simulation(SimConfig(entities=entities, year=args.year, seed=args.seed, days=days))
    s = summary(result)
    n_days = s["trading_days"]
    bench(f"simulate_{entities}_entities_{n_days}_days", result.seconds, "s")
    bench("simulate_events_per_second", round(result.events / result.seconds), "events/s")
    bench("simulate_commands", result.commands, "commands")
    bench("simulate_events", result.events, "events")
    bench("simulate_trades", s["trades"], "trades")
    bench("simulate_volume", round(s["volume_t"] / 1e6, 2), "Mt")
    bench("simulate_average_price", (s["average_fen"] or 0) / 100, "RMB/t")
    bench("simulate_close", (s["close_fen"] or 0) / 100, "RMB/t")
    bench("simulate_block_share", s["block_share_ppm"] / 10_000, "%")
    bench("simulate_compliance", s["compliance_ppm"] / 10_000, "%")
    return 0 if not result.violations else 1


if __name__ == "__main__":
    raise SystemExit(main())
