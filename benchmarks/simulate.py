"""The simulator headless: the current cycle, a full trading year of 3,378 entities.

    python benchmarks/simulate.py [--quick] [--year 2026] [--entities 2087] [--days D]

Runs ``run_simulation`` on an in-memory journal (the 2026 cycle: the 2025 obligations of power,
steel, cement and aluminium due by 2026-12-31, 242 trading days, every listed vintage trading;
2,087 power entities and the industrial sectors in the 2025 roster's proportions, 3,378 in
all) and reports the wall time, events per second, commands, trades, and the market's outcome
(volume, average price, close, compliance). Target: under 60 s. ``--quick`` runs 40 power
entities for 10 days.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._bench import bench
from openets.sim import CURRENT_YEAR
from openets.sim.report import summary
from openets.sim.seed_market import default_entities
from openets.sim.simulate import SimConfig, run_simulation


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="40 entities, 10 days")
    ap.add_argument("--year", type=int, default=CURRENT_YEAR)
    ap.add_argument("--entities", type=int, default=None, help="power entities (the roster's)")
    ap.add_argument("--days", type=int, default=None)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    entities = args.entities or default_entities(args.year)
    days = args.days
    if args.quick:
        entities, days = 40, 10
    cpu = time.process_time()
    result = run_simulation(SimConfig(entities=entities, year=args.year, seed=args.seed, days=days))
    cpu = time.process_time() - cpu
    s = summary(result)
    n_days = s["trading_days"]
    total = len(result.outcomes)
    bench(f"simulate_{args.year}_{total}_entities_{n_days}_days", result.seconds, "s")
    bench("simulate_cpu_seconds", cpu, "s")
    bench("simulate_vintages_traded", len(result.vintage_volume), "vintages")
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
