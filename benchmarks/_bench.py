"""The one output format of benchmarks: ``BENCH {"figure": ..., "value": ..., "unit": ...}``."""

from __future__ import annotations

import json


def bench(figure: str, value: float | int, unit: str) -> None:
    """Print one figure as a BENCH line (integers stay integers, floats get 3 decimals)."""
    if isinstance(value, float):
        value = round(value, 3)
    print("BENCH " + json.dumps({"figure": figure, "value": value, "unit": unit}), flush=True)
