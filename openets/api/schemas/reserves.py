"""Request and response bodies of the market stability mechanisms (``/supervision/reserves``)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from openets.api.schemas.common import MAX_QUANTITY, InModel, IsoTime, OutModel, ProductCode, Year
from openets.api.schemas.trading import InstrumentCode
from openets.domain.rejection import Code


def _tonnes(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_QUANTITY:
        raise PydanticCustomError(
            str(Code.INVALID_FIELD),
            "must be whole allowances from 0 to 10^12, was {value}",
            {"value": repr(value)[:40]},
        )
    return value


Tonnes = Annotated[
    int,
    PlainValidator(_tonnes),
    WithJsonSchema({"type": "integer", "minimum": 0, "maximum": MAX_QUANTITY}, mode="validation"),
]
"""Whole allowances, zero allowed (a TNAC, an auction volume)."""


class ReserveRuleIn(InModel):
    """Apply one stability mechanism of the market's rules.

    ``msr``: ``year`` (the intake year) and ``tnac``; ``msr_invalidation``: ``year`` and
    ``previous_auction_volume``; ``band`` and ``pcr``: ``instrument`` and ``closes_at`` of the
    one-way bidding that sells the release.
    """

    rule: Literal["msr", "msr_invalidation", "band", "pcr"]
    product: ProductCode
    year: Year | None = None
    tnac: Tonnes = 0
    previous_auction_volume: Tonnes = 0
    instrument: InstrumentCode | None = None
    closes_at: IsoTime | None = None


class ReserveActionOut(OutModel):
    rule: str
    product: str
    year: int
    decision: str
    decided: int
    """Tonnes the rule decided."""
    moved: int
    """Tonnes moved (an intake at most what the auction account holds)."""
    tx_id: str | None
    auction_id: str | None
    day: str | None
    """The market's date when the rule was applied."""
    note: str | None
    """Why a decided operation did not happen (the end of day's band step, refused)."""


class ReserveRuleOut(OutModel):
    name: str
    value: Any
    unconfirmed: bool


class ReserveHoldingOut(OutModel):
    product: str
    available: int
    locked: int


class BandStatusOut(OutModel):
    """The band reserve's trigger: how many composite closes it has counted."""

    low: str
    high: str
    days: int
    """Closes outside the band that trigger an operation."""
    automatic: bool
    """The end of day acts on the trigger (else only the regulator)."""
    closes: int
    """Composite closes since the last operation."""
    above: int
    """The last of them running above the band."""
    below: int
    """The last of them running below the band."""
    last_close: str | None
    last_operation: str | None
    """The day of the last release or buy-back."""


class TierOut(OutModel):
    """A price containment tier and what its fixed-price sales sold."""

    price: str
    quantity: int
    sold: int
    on_offer: int
    left: int


class ReservesOut(OutModel):
    preset: str
    rules: list[ReserveRuleOut]
    """The market's stability mechanisms (``none`` when off), unconfirmed values marked."""
    reserve_account: str
    holdings: list[ReserveHoldingOut]
    actions: list[ReserveActionOut]
    band: BandStatusOut | None
    """The band reserve's trigger status (none without a band reserve)."""
    tiers: list[TierOut]
    """The price containment tiers (empty without them)."""
