"""The sweep's report: scenarios side by side across seeds, with plots and Parquet.

``write_sweep(outcome, out_dir)`` writes ``report.md``, ``report.html``, ``summary.json``,
``runs.parquet`` (every run's daily figures: scenario, seed, day, close, volume, cumulative
surrender) and two plots: ``price_paths.png`` (each scenario's closing price, the median across
seeds with the band from the lowest to the highest) and ``comparison.png`` (volume, compliance
and fines per scenario, every seed a point).
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import orjson

from openets.sim.report import _bn, _html, _mt, _pct, _table, _yuan
from openets.sim.sweep import RunResult, SweepOutcome


def _spread(values: Sequence[int], fmt: Callable[[int], str]) -> str:
    """Median [lowest – highest] across the seeds."""
    if not values:
        return "–"
    med = int(statistics.median_low(values))
    if len(values) == 1:
        return fmt(med)
    return f"{fmt(med)} [{fmt(min(values))} – {fmt(max(values))}]"


def _by_scenario(outcome: SweepOutcome) -> dict[str, list[RunResult]]:
    out: dict[str, list[RunResult]] = {s.name: [] for s in outcome.scenarios}
    for r in outcome.results:
        out[r.scenario].append(r)
    return out


def _tonnes(t: int) -> str:
    return f"{t:,} t"


def scenario_rows(outcome: SweepOutcome) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for name, runs in _by_scenario(outcome).items():
        rows.append(
            (
                name,
                str(len(runs)),
                _spread([r.volume_t for r in runs], _mt),
                _spread([r.average_fen or 0 for r in runs], _yuan),
                _spread([r.close_fen or 0 for r in runs], _yuan),
                _spread([r.compliance_ppm for r in runs], _pct),
                _spread([r.non_compliant for r in runs], str),
                _spread([r.fines_min_fen for r in runs], _bn),
                _spread([r.reserve_out_t for r in runs], _tonnes),
                _spread([r.reserve_in_t for r in runs], _tonnes),
            )
        )
    return rows


def summary_doc(outcome: SweepOutcome) -> dict[str, Any]:
    return {
        "seeds": list(outcome.seeds),
        "seconds": round(outcome.seconds, 3),
        "scenarios": [
            {"name": s.name, "changes": {k: v for k, v in s.changes}} for s in outcome.scenarios
        ],
        "runs": [
            {
                "scenario": r.scenario,
                "seed": r.seed,
                "seconds": round(r.seconds, 3),
                "volume_t": r.volume_t,
                "value_fen": r.value_fen,
                "average_fen": r.average_fen,
                "close_fen": r.close_fen,
                "compliance_ppm": r.compliance_ppm,
                "non_compliant": r.non_compliant,
                "fines_min_fen": r.fines_min_fen,
                "fines_max_fen": r.fines_max_fen,
                "reserve_out_t": r.reserve_out_t,
                "reserve_in_t": r.reserve_in_t,
                "reserve_refused": r.reserve_refused,
                "state_hash": r.state_hash,
                "attempts": r.attempts,
            }
            for r in outcome.results
        ],
        "failures": [
            {"scenario": f.scenario, "seed": f.seed, "error": f.error, "attempts": f.attempts}
            for f in outcome.failures
        ],
    }


def markdown(outcome: SweepOutcome, plots: Sequence[str]) -> str:
    changes: list[tuple[str, ...]] = [
        (s.name, "; ".join(f"`{k}` = {v}" for k, v in s.changes) or "(the baseline)")
        for s in outcome.scenarios
    ]
    base = outcome.scenarios[0].config
    parts = [
        "# Scenario sweep",
        "",
        f"{len(outcome.scenarios)} scenarios × {len(outcome.seeds)} seeds "
        f"({', '.join(map(str, outcome.seeds))}); baseline: year {base.year}, "
        f"{base.entities} entities, preset `{base.preset}`"
        + (f", first {base.days} trading days" if base.days else "")
        + f". {len(outcome.results)} runs in {outcome.seconds:.1f} s.",
        "",
        "## Scenarios",
        "",
        _table(("Scenario", "Changes from the baseline"), changes),
        "",
        "## Outcomes (median [lowest – highest] across seeds)",
        "",
        _table(
            (
                "Scenario",
                "Runs",
                "Volume",
                "Average price",
                "Last close",
                "Compliance",
                "Non-compliant entities",
                "Fines (lowest of the range)",
                "Reserve released",
                "Reserve taken in",
            ),
            scenario_rows(outcome),
        ),
        "",
    ]
    if outcome.failures:
        parts += [
            "## Runs that failed (after one retry)",
            "",
            _table(
                ("Scenario", "Seed", "Error"),
                [(f.scenario, str(f.seed), f.error) for f in outcome.failures],
            ),
            "",
        ]
    parts += [*[f"![{p}]({p})" for p in plots], ""]
    return "\n".join(parts)


def write_parquet(outcome: SweepOutcome, path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    cols: dict[str, list[Any]] = {
        k: [] for k in ("scenario", "seed", "day", "close_fen", "volume_t", "surrendered_t")
    }
    for r in outcome.results:
        for d in r.days:
            cols["scenario"].append(r.scenario)
            cols["seed"].append(r.seed)
            cols["day"].append(d.day)
            cols["close_fen"].append(d.close_fen)
            cols["volume_t"].append(d.volume_t)
            cols["surrendered_t"].append(d.surrendered_t)
    pq.write_table(pa.table(cols), path)


def plot(outcome: SweepOutcome, out_dir: Path) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    paths = []
    groups = _by_scenario(outcome)
    fig, ax = plt.subplots(figsize=(10, 5))
    for name, runs in groups.items():
        if not runs:
            continue
        n = min(len(r.days) for r in runs)
        per_day = [[r.days[i].close_fen / 100 for r in runs] for i in range(n)]
        xs = range(n)
        (line,) = ax.plot(xs, [statistics.median(v) for v in per_day], label=name)
        ax.fill_between(
            xs, [min(v) for v in per_day], [max(v) for v in per_day],
            color=line.get_color(), alpha=0.2,
        )  # fmt: skip
    ax.set_xlabel("trading day of the cycle")
    ax.set_ylabel("close, RMB/t")
    ax.set_title("Closing price: median across seeds, band from lowest to highest")
    ax.legend()
    ax.grid(alpha=0.3)
    fig.tight_layout()
    paths.append(out_dir / "price_paths.png")
    fig.savefig(paths[-1], dpi=100)
    plt.close(fig)

    names = list(groups)
    fig, axes = plt.subplots(1, 3, figsize=(12, 4))
    figures: tuple[tuple[str, Callable[[RunResult], float]], ...] = (
        ("volume, Mt", lambda r: r.volume_t / 1e6),
        ("compliance, %", lambda r: r.compliance_ppm / 10_000),
        ("fines (lowest), RMB M", lambda r: r.fines_min_fen / 1e8),
    )
    for ax, (label, value) in zip(axes, figures, strict=True):
        for i, name in enumerate(names):
            ys = [value(r) for r in groups[name]]
            ax.scatter([i] * len(ys), ys, alpha=0.7)
            if ys:
                ax.hlines(statistics.median(ys), i - 0.3, i + 0.3, color="black")
        ax.set_xticks(range(len(names)), names, rotation=20, ha="right")
        ax.set_xlabel("scenario")
        ax.set_title(label)
        ax.grid(alpha=0.3)
    fig.tight_layout()
    paths.append(out_dir / "comparison.png")
    fig.savefig(paths[-1], dpi=100)
    plt.close(fig)
    return paths


def write_sweep(outcome: SweepOutcome, out_dir: Path) -> list[Path]:
    """Write the sweep's report files into ``out_dir``; returns their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    plots = plot(outcome, out_dir)
    md = markdown(outcome, [p.name for p in plots])
    files = [
        out_dir / "report.md",
        out_dir / "report.html",
        out_dir / "summary.json",
        out_dir / "runs.parquet",
    ]
    files[0].write_text(md, encoding="utf-8")
    files[1].write_text(_html(md), encoding="utf-8")
    files[2].write_bytes(orjson.dumps(summary_doc(outcome), option=orjson.OPT_INDENT_2))
    write_parquet(outcome, files[3])
    return [*files, *plots]
