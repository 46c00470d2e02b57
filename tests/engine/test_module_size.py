"""House rule (issue 13): no module is longer than about 500 lines; a larger one is split by
responsibility (values, algorithm, reads; routes by role). The check walks the package and the
benchmarks and names every file over the limit with its length."""

from pathlib import Path

import pytest

pytestmark = pytest.mark.db_free  # never opens a database (no market, no journal on disk)


ROOT = Path(__file__).resolve().parents[2]
CHECKED = ("openets", "benchmarks")
MAX_LINES = 500


def _too_long() -> list[str]:
    found = []
    for folder in CHECKED:
        for path in sorted((ROOT / folder).rglob("*.py")):
            lines = len(path.read_text(encoding="utf-8").splitlines())
            if lines > MAX_LINES:
                found.append(f"{path.relative_to(ROOT)}: {lines} lines")
    return found


def test_no_module_is_longer_than_500_lines() -> None:
    assert _too_long() == [], f"split these modules by responsibility (at most {MAX_LINES} lines)"
