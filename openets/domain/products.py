"""Product codes: CEA by vintage (``CEA19-20``, ``CEA21`` …) and CCER offsets."""

from __future__ import annotations

import re
from datetime import date
from typing import NewType

ProductCode = NewType("ProductCode", str)

CCER = ProductCode("CCER")
CCER_PRE_2017 = ProductCode("CCER-PRE17")
"""CCER whose project was filed (registered) before 2017-03-14, when the old CCER filings were
suspended: usable for surrender only until 2024-12-31 (reference §13). The registry issues CCER
given a registration date before :data:`LEGACY_CCER_FILED_BEFORE` under this code, so that the
holding keeps its class through trades and transfers; ``CCER`` is every later credit (and every
CCER issued without a date)."""
LEGACY_CCER_FILED_BEFORE = date(2017, 3, 14)
COMPOSITE = "COMCEA"
"""The non-tradable composite of all CEA vintages, used for statistics only."""

_CEA_RE = re.compile(r"CEA([0-9]{2})(?:-([0-9]{2}))?", re.ASCII)
"""ASCII digits only, matched in full (``CEA２２`` or ``CEA22\\n`` is no product code)."""


class ProductCodeError(ValueError):
    """A product code that is not CEA by vintage or CCER."""


_VALID: set[str] = set()
"""Codes found valid (at most the 80-odd there are): most commands name one, checked again."""


def product(code: str) -> ProductCode:
    """Validate a product code: ``CEA19-20`` (the first, two-year vintage), ``CEA21``…, ``CCER``."""
    if type(code) is str and code in _VALID:
        return ProductCode(code)
    if not isinstance(code, str):
        raise ProductCodeError(f"product code must be text, was {type(code).__name__}")
    if code in (CCER, CCER_PRE_2017):
        return ProductCode(code)
    m = _CEA_RE.fullmatch(code)
    if not m:
        raise ProductCodeError(
            f"product must be CEA<yy> (e.g. CEA21), CEA19-20, CCER or CCER-PRE17, was {code!r}"
        )
    first, second = m.group(1), m.group(2)
    if second is not None and (first, second) != ("19", "20"):
        raise ProductCodeError(f"only CEA19-20 spans two years, was {code!r}")
    if second is None and int(first) < 21:
        raise ProductCodeError(f"vintages before 2021 are CEA19-20, was {code!r}")
    if type(code) is str:
        _VALID.add(code)
    return ProductCode(code)


def is_ccer(code: str) -> bool:
    """True for CCER of either class (filed before 2017-03-14 or not)."""
    return code in (CCER, CCER_PRE_2017)


def is_cea(code: str) -> bool:
    """True for any CEA vintage."""
    return code.startswith("CEA") and code != COMPOSITE


def vintage_years(code: ProductCode) -> tuple[int, ...]:
    """The compliance years a CEA vintage belongs to: CEA19-20 -> (2019, 2020)."""
    m = _CEA_RE.fullmatch(code)
    if not m:
        return ()
    if m.group(2):
        return (2000 + int(m.group(1)), 2000 + int(m.group(2)))
    return (2000 + int(m.group(1)),)


def cea_for_year(year: int) -> ProductCode:
    """The CEA vintage of a compliance year: 2019 and 2020 -> CEA19-20, 2023 -> CEA23."""
    if year in (2019, 2020):
        return ProductCode("CEA19-20")
    if year < 2019:
        raise ProductCodeError(f"no CEA vintage before 2019, was {year}")
    return ProductCode(f"CEA{year % 100:02d}")
