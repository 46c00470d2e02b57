"""Identity codes of market subjects.

- Unified social credit code (统一社会信用代码), GB 32100-2015: 18 characters from a 31-symbol
  alphabet; the last is a check character over the first 17 (weights 3^i mod 31).
- Resident identity number (居民身份证号码), GB 11643-1999: 17 digits, then a check digit
  (ISO 7064 MOD 11-2, ``X`` for 10).
"""

from __future__ import annotations

from datetime import date

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE = {c: i for i, c in enumerate(USCC_ALPHABET)}
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_RID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_RID_CHECK = "10X98765432"


def uscc_check_char(first17: str) -> str:
    """The GB 32100 check character for the first 17 characters of a credit code."""
    total = sum(_USCC_VALUE[c] * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def uscc_error(code: str) -> str | None:
    """Why ``code`` is not a valid unified social credit code, or None if it is."""
    if len(code) != 18:
        return f"must have 18 characters, has {len(code)}"
    bad = [c for c in code if c not in _USCC_VALUE]
    if bad:
        return f"character {bad[0]!r} is not allowed (GB 32100 excludes I, O, Z, S, V)"
    if not code[2:8].isdigit():
        return f"characters 3-8 must be an administrative division code, were {code[2:8]!r}"
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        return f"check character is {code[17]!r}, GB 32100 gives {expected!r}"
    return None


def resident_id_check_char(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits of a resident ID number."""
    total = sum(int(c) * w for c, w in zip(first17, _RID_WEIGHTS, strict=True))
    return _RID_CHECK[total % 11]


def resident_id_error(code: str) -> str | None:
    """Why ``code`` is not a valid resident identity number, or None if it is."""
    if len(code) != 18:
        return f"must have 18 characters, has {len(code)}"
    if not code[:17].isdigit():
        return "the first 17 characters must be digits"
    try:
        date(int(code[6:10]), int(code[10:12]), int(code[12:14]))
    except ValueError:
        return f"birth date {code[6:14]!r} is not a calendar date"
    expected = resident_id_check_char(code[:17])
    if code[17].upper() != expected:
        return f"check digit is {code[17]!r}, GB 11643 gives {expected!r}"
    return None


def make_uscc(body17: str) -> str:
    """Complete 17 characters into a valid credit code (used by the simulator and tests)."""
    return body17 + uscc_check_char(body17)


def make_resident_id(body17: str) -> str:
    """Complete 17 digits into a valid resident ID number (used by tests)."""
    return body17 + resident_id_check_char(body17)
