"""Run every benchmark and collect their figures into one JSON and one Markdown table.

    python benchmarks/run_all.py [--quick] [--only registry,settlement] [--out benchmarks/results]
                                 [--db-kinds sqlite,postgres] [--postgres-url URL]

Each benchmark is its own script printing ``BENCH {...}`` lines; this runs them one after the
other (in child processes, so that one's memory does not weigh on the next) and writes
``<out>/latest.json`` and ``<out>/latest.md``. No thresholds are asserted: the figures are for
people to compare, ratios in one run being the meaningful ones on a shared machine.

A benchmark that takes ``--db URL`` (it says so in its source) runs once per database kind:
on SQLite (its own temporary file) and on PostgreSQL, a fresh database each time on a throwaway
cluster this runner starts from the local PostgreSQL binaries (``openets.ops.pgcluster``, with
the durable settings: fsync on, synchronous_commit on), or on ``--postgres-url`` when given (a
server where the user may CREATE DATABASE). The Markdown table puts the two side by side.

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
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks._bench import MISMATCH  # noqa: E402

ORDER = [
    "registry", "matching", "journal_floor", "settlement", "allocation", "auctions", "detectors",
    "api", "population", "simulate", "sweep",
]


def takes_db(name: str) -> bool:
    """A benchmark that accepts ``--db URL`` runs once per database kind."""
    return '"--db"' in (HERE / f"{name}.py").read_text()


class Postgres:
    """Fresh databases on a PostgreSQL server: a throwaway local cluster, started on first use,
    or the server at ``url``."""

    def __init__(self, url: str = "") -> None:
        self.url = url
        self.cluster: Any = None
        self.n = 0

    def new_database(self) -> str:
        import psycopg
        from sqlalchemy.engine import make_url

        if not self.url:
            from openets.ops.pgcluster import DURABLE, Cluster

            self.cluster = Cluster.create(name="bench", settings=DURABLE).start()
            self.url = self.cluster.url()
        self.n += 1
        name = f"bench_{os.getpid()}_{self.n}"
        u = make_url(self.url).set(drivername="postgresql+psycopg")
        kw = {k: v for k, v in u.query.items() if isinstance(v, str)}
        with psycopg.connect(host=kw.pop("host", u.host), port=u.port, user=u.username,
                             password=u.password, dbname=u.database or "postgres",
                             autocommit=True, **kw) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return u.set(database=name).render_as_string(hide_password=False)

    def close(self) -> None:
        if self.cluster is not None:
            self.cluster.remove()


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


def markdown(rows: list[dict[str, Any]], kinds: list[str]) -> str:
    """One line per figure, the database kinds side by side (figures of benchmarks without a
    database in the first column)."""
    kinds = ["-", *kinds]
    lines = [
        "| benchmark | figure | no database | " + " | ".join(kinds[1:]) + " | unit |",
        "|---|---|" + "---:|" * len(kinds) + "---|",
    ]
    table: dict[tuple[str, str], dict[str, Any]] = {}
    units: dict[tuple[str, str], str] = {}
    for r in rows:
        for f in r["figures"]:
            key = (r["benchmark"], f["figure"])
            table.setdefault(key, {})[r["db"]] = f["value"]
            units[key] = f["unit"]
        if r["error"]:
            key = (r["benchmark"], "(failed)")
            table.setdefault(key, {})[r["db"]] = r["error"]
            units[key] = ""
    for (bench_name, figure), values in table.items():
        cells = [str(values.get(k, "")) for k in kinds]
        lines.append(f"| {bench_name} | {figure} | " + " | ".join(cells)
                     + f" | {units[(bench_name, figure)]} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--only", default="")
    ap.add_argument("--out", default=str(HERE / "results"))
    ap.add_argument("--db-kinds", default="sqlite,postgres",
                    help="database kinds for the benchmarks that take --db")
    ap.add_argument("--postgres-url", default="",
                    help="run the PostgreSQL figures on this server instead of a throwaway one")
    args = ap.parse_args()
    kinds = [k for k in args.db_kinds.split(",") if k]
    names = [n for n in discover() if not args.only or n in args.only.split(",")]
    pg = Postgres(args.postgres_url)
    rows: list[dict[str, Any]] = []
    try:
        for name in names:
            runs: list[tuple[str, list[str]]] = [("-", [])]
            if takes_db(name):
                runs = [(k, []) for k in kinds if k == "sqlite"]
                if "postgres" in kinds:
                    runs.append(("postgres", []))
            for kind, extra in runs:
                err, rc = "", 0
                figures: list[dict[str, object]] = []
                dt = 0.0
                if kind == "postgres":
                    try:
                        extra = ["--db", pg.new_database()]
                    except Exception as exc:  # no PostgreSQL here: say so, go on
                        err = f"no PostgreSQL: {exc}"
                if not err:
                    figures, dt, err, rc = run_one(name, args.quick, extra)
                rows.append({"benchmark": name, "db": kind, "seconds": round(dt, 1), "error": err,
                             "mismatch": rc == MISMATCH, "figures": figures})
                status = f"error: {err}" if err else f"{len(figures)} figures"
                print(f"# {name} ({kind}): {status} in {dt:.1f} s", file=sys.stderr, flush=True)
    finally:
        pg.close()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    doc = {"quick": args.quick, "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "runs": rows}
    (out / "latest.json").write_text(json.dumps(doc, indent=2, ensure_ascii=False))
    (out / "latest.md").write_text(markdown(rows, kinds))
    print(f"# wrote {out / 'latest.json'} and {out / 'latest.md'}", file=sys.stderr)
    wrong = [str(r["benchmark"]) for r in rows if r["mismatch"]]
    if wrong:
        print(f"# results differ from the reference in: {', '.join(wrong)}", file=sys.stderr)
        sys.exit(MISMATCH)
    if any(r["error"] for r in rows):
        sys.exit(1)


if __name__ == "__main__":
    main()
