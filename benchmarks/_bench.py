"""The one output format of benchmarks: ``BENCH {"figure": ..., "value": ..., "unit": ...}``."""

from __future__ import annotations

import json

MISMATCH = 3
"""Exit status of a benchmark whose results differ from its reference (a wrong answer, not a
slow one): ``run_all.py`` passes it on and CI fails on it; speed figures never fail a run."""


def bench(figure: str, value: float | int, unit: str) -> None:
    """Print one figure as a BENCH line (integers stay integers, floats get 3 decimals)."""
    if isinstance(value, float):
        value = round(value, 3)
    print("BENCH " + json.dumps({"figure": figure, "value": value, "unit": unit}), flush=True)
