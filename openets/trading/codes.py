"""Instrument codes, checked against their product.

A code is an ASCII letter followed by up to 15 ASCII letters, digits or ``-`` (no ``/``, ``.``
or spaces: a code appears in paths, file names and reports). A code that reads as a product
code (``CEA…`` or ``CCER…``, in any case) names that product, so it must be exactly the
instrument's own product code: product CEA22 lists as ``CEA22``, never as ``CEA99`` or
``cea22``. Other codes (a test book such as ``T001``) are free within the syntax.
"""

from __future__ import annotations

import re

from openets.domain.rejection import Code, Rejection

INSTRUMENT_CODE_RE = re.compile(r"[A-Za-z][A-Za-z0-9-]{0,15}", re.ASCII)
PRODUCT_PREFIXES = ("CEA", "CCER")


def instrument_code_problem(code: object, product: str) -> Rejection | None:
    """Why ``code`` cannot be listed for ``product`` (None when it can)."""
    if not isinstance(code, str) or not INSTRUMENT_CODE_RE.fullmatch(code):
        return Rejection(
            Code.INVALID_FIELD,
            f"code must be 1-16 ASCII letters, digits or '-' starting with a letter, was {code!r}",
            "code",
        )
    if code.upper().startswith(PRODUCT_PREFIXES) and code != product:
        return Rejection(
            Code.INVALID_FIELD,
            f"code {code} reads as a product code, so it must be its product's own code {product}",
            "code",
        )
    return None
