"""The tests' source parser survives CPython 3.11's shared AST recursion counter."""

from __future__ import annotations

import ast

import pytest
from sources import parse

pytestmark = pytest.mark.db_free  # never opens a database (no market, no journal on disk)


def test_a_parse_raced_by_another_threads_parse_is_done_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = ast.parse
    calls: list[str] = []

    def racing(source: str) -> ast.Module:
        calls.append(source)
        if len(calls) == 1:
            raise SystemError("AST constructor recursion depth mismatch (before=141, after=195)")
        return real(source)

    monkeypatch.setattr(ast, "parse", racing)
    tree = parse("x = 1\n")
    assert len(calls) == 2
    assert isinstance(tree.body[0], ast.Assign)


def test_a_parse_that_keeps_failing_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(source: str) -> ast.Module:
        raise SystemError("AST constructor recursion depth mismatch")

    monkeypatch.setattr(ast, "parse", broken)
    with pytest.raises(SystemError):
        parse("x = 1\n")
