"""Run every benchmark and collect their figures into one JSON and one Markdown table.

    python benchmarks/run_all.py [--quick] [--only registry,settlement] [--out benchmarks/results]
                                 [--db-kinds sqlite,postgres]

Each benchmark is its own script printing ``BENCH {...}`` lines; this runs them one after the
other (in child processes, so that one's memory does not weigh on the next) and writes
``<out>/latest.json`` and ``<out>/latest.md``. No thresholds are asserted: the figures are for
people to compare, ratios in one run being the meaningful ones on a shared machine.

Exit status: 3 if a benchmark found a result that differs from its reference (a wrong total,
``MISMATCH`` in ``_bench.py``: CI fails on it), else 1 if a benchmark failed otherwise, else 0.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks._bench import MISMATCH  # noqa: E402

ORDER = [
    "registry", "matching", "settlement", "allocation", "auctions", "detectors", "api",
    "population", "simulate",
]
# Benchmarks that take --db: run once per database kind.
TAKES_DB = {"registry"}


def discover() -> list[str]:
    found = {p.stem for p in HERE.glob("*.py") if not p.stem.startswith("_")} - {"run_all"}
    return [n for n in ORDER if n in found] + sorted(found - set(ORDER))


def run_one(
    name: str, quick: bool, extra: list[str]
) -> tuple[list[dict[str, object]], float, str, int]:
    cmd = [sys.executable, str(HERE / f"{name}.py"), *(["--quick"] if quick else []), *extra]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=3600,
                          env={**os.environ, "PYTHONUNBUFFERED": "1"})
    dt = time.perf_counter() - t0
    figures = []
    for line in proc.stdout.splitlines():
        if line.startswith("BENCH "):
            figures.append(json.loads(line[6:]))
            print(line, flush=True)
    err = "" if proc.returncode == 0 else (proc.stderr.strip().splitlines() or ["failed"])[-1]
    if proc.returncode:
        print(proc.stderr, file=sys.stderr, flush=True)
    return figures, dt, err, proc.returncode


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--only", default="")
    ap.add_argument("--out", default=str(HERE / "results"))
    ap.add_argument("--postgres-url", default="",
                    help="also run the database benchmarks on this PostgreSQL URL")
    args = ap.parse_args()
    names = [n for n in discover() if not args.only or n in args.only.split(",")]
    rows: list[dict[str, object]] = []
    for name in names:
        runs = [("sqlite", [])]
        if name in TAKES_DB and args.postgres_url:
            runs.append(("postgres", ["--db", args.postgres_url]))
        for kind, extra in runs:
            figures, dt, err, rc = run_one(name, args.quick, extra)
            rows.append({"benchmark": name, "db": kind, "seconds": round(dt, 1),
                         "error": err, "mismatch": rc == MISMATCH, "figures": figures})
            status = f"error: {err}" if err else f"{len(figures)} figures"
            print(f"# {name} ({kind}): {status} in {dt:.1f} s", file=sys.stderr, flush=True)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    doc = {"quick": args.quick, "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "runs": rows}
    (out / "latest.json").write_text(json.dumps(doc, indent=2, ensure_ascii=False))
    lines = ["| benchmark | db | figure | value | unit |", "|---|---|---|---:|---|"]
    for r in rows:
        for f in r["figures"]:  # type: ignore[attr-defined]
            lines.append(f"| {r['benchmark']} | {r['db']} | {f['figure']} | {f['value']} | "
                         f"{f['unit']} |")
        if r["error"]:
            lines.append(f"| {r['benchmark']} | {r['db']} | (failed) | | {r['error']} |")
    (out / "latest.md").write_text("\n".join(lines) + "\n")
    print(f"# wrote {out / 'latest.json'} and {out / 'latest.md'}", file=sys.stderr)
    wrong = [str(r["benchmark"]) for r in rows if r["mismatch"]]
    if wrong:
        print(f"# results differ from the reference in: {', '.join(wrong)}", file=sys.stderr)
        sys.exit(MISMATCH)
    if any(r["error"] for r in rows):
        sys.exit(1)


if __name__ == "__main__":
    main()
