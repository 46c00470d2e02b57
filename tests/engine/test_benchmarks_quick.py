"""Every benchmark `benchmarks/run_all.py` finds takes ``--quick``: the quick run of CI passes it
to each, and a benchmark that refuses it prints no figure."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from sources import parse

pytestmark = pytest.mark.db_free  # never opens a database (no market, no journal on disk)

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def _options(path: Path) -> set[str]:
    """The option strings of every ``add_argument`` call in the script."""
    found: set[str] = set()
    for node in ast.walk(parse(path.read_text())):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "add_argument":
            found |= {a.value for a in node.args if isinstance(a, ast.Constant)}
    return found


def test_every_benchmark_run_all_finds_takes_quick() -> None:
    scripts = [p for p in BENCHMARKS.glob("*.py") if not p.stem.startswith("_")]
    scripts = [p for p in scripts if p.stem != "run_all"]
    assert len(scripts) > 5
    refusing = [p.name for p in scripts if "--quick" not in _options(p)]
    assert refusing == [], f"benchmarks without --quick: {refusing}"
