"""Text that goes into files others open: no control characters in, no formulas out.

``control_error`` finds what a one-line field must not hold (NUL, line breaks — CR, LF, NEL,
U+2028/U+2029 — and other control characters). ``name_error`` adds what a *name* must not
hold: bidirectional controls (U+202A-U+202E, U+2066-U+2069), which can make one name display as
another, and zero-width characters (U+200B-U+200D, U+2060, U+FEFF), which make two names look
alike. ``safe_cell`` neutralises a cell a spreadsheet
would run as a formula (leading ``=``, ``+``, ``-``, ``@``, tab or CR) by prefixing ``'``;
plain numbers such as ``-1.50`` are left as they are.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NAMED = {"\x00": "NUL", "\n": "a line feed", "\r": "a carriage return", "\x85": "NEL"}


def control_error(value: str) -> str | None:
    """Why ``value`` is not a one-line field (None when it is)."""
    for i, ch in enumerate(value):
        if unicodedata.category(ch) == "Cc" or ch in "\u2028\u2029":
            what = _NAMED.get(ch, f"U+{ord(ch):04X}")
            return f"must not contain control characters or line breaks ({what} at {i + 1})"
    return None


_BIDI = frozenset(chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)])
_ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff")


def name_error(value: str) -> str | None:
    """Why ``value`` is not a name (None when it is): a control character or line break, a
    bidirectional control or a zero-width character."""
    bad = control_error(value)
    if bad is not None:
        return bad
    for i, ch in enumerate(value):
        if ch in _BIDI or ch in _ZERO_WIDTH:
            what = "a bidirectional control" if ch in _BIDI else "a zero-width character"
            return (
                "must not contain bidirectional controls or zero-width characters "
                f"({what} U+{ord(ch):04X} at {i + 1})"
            )
    return None


def safe_cell(value: object) -> object:
    """``value``, with a leading formula character made harmless (text only)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def safe_row(row: Iterable[object]) -> list[object]:
    return [safe_cell(v) for v in row]


def safe_header(header: Sequence[str]) -> list[str]:
    return [str(safe_cell(h)) for h in header]
