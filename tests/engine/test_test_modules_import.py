"""The suite runs without the project root on sys.path (as `make test` runs it on a fresh
clone), so a test module must not import another through the `tests` package."""

import ast
from pathlib import Path

import pytest
from sources import parse as parse_source

pytestmark = pytest.mark.db_free  # never opens a database (no market, no journal on disk)


TESTS = Path(__file__).resolve().parents[1]


def _imports_of(path: Path) -> list[str]:
    tree = parse_source(path.read_text(encoding="utf-8"))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
        elif isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
    return names


def test_no_test_module_imports_through_the_tests_package() -> None:
    offenders = [
        f"{path.relative_to(TESTS)}: {name}"
        for path in sorted(TESTS.rglob("*.py"))
        for name in _imports_of(path)
        if name == "tests" or name.startswith("tests.")
    ]
    assert offenders == []
