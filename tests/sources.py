"""Parsing the project's sources in tests, safe from another thread's parsing.

CPython 3.11 keeps the AST builder's recursion counter per interpreter, not per thread: when
another thread builds an AST at the same moment (3.11's ``traceback`` parses the failing line
to place its carets, e.g. a connection pool logging a connection lost in teardown), the parse
here fails with ``SystemError: AST constructor recursion depth mismatch``. The tree itself is
never wrong, so a parse that meets that race is simply done again.
"""

from __future__ import annotations

import ast

ATTEMPTS = 5


def parse(source: str) -> ast.Module:
    """``ast.parse(source)``, again when another thread's parse raced with it."""
    for attempt in range(ATTEMPTS):
        try:
            return ast.parse(source)
        except (SystemError, RecursionError):
            if attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")
