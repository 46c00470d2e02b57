"""The regulator's command that applies a market stability mechanism, and its event.

The movements themselves are the registry's own postings (``LedgerPosted``) and, for a release
by one-way bidding, the auction's own announcement, journaled with :class:`ReserveRuleApplied`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from openets.domain.messages import Command, Event


class ReserveAction(StrEnum):
    MSR = "msr"  # the year's intake or release, from the TNAC the regulator publishes
    MSR_INVALIDATION = "msr_invalidation"  # the reserve's holding no longer valid on 1 January
    BAND = "band"  # the China-style trigger on the composite closes
    PCR = "pcr"  # the next price containment tier the auction price has reached


@dataclass(frozen=True, slots=True)
class ApplyReserveRule(Command):
    """Apply ``rule`` of the market's reserves to ``product``.

    ``msr``: ``year`` (the intake year) and ``tnac``; ``msr_invalidation``: ``year`` and
    ``previous_auction_volume``; ``band`` and ``pcr``: ``instrument`` and ``closes_at`` of the
    one-way bidding that sells a release (ISO 8601 with an offset).
    """

    rule: str
    product: str
    year: int = 0
    tnac: int = 0
    previous_auction_volume: int = 0
    instrument: str = ""
    closes_at: str = ""


@dataclass(frozen=True, slots=True)
class ReserveRuleApplied(Event):
    """What the rule decided (``decided`` tonnes) and what moved (``moved``): an intake is at
    most what the auction account holds, a release at most what the reserve holds."""

    rule: str
    product: str
    year: int
    decision: str
    decided: int
    moved: int
    tx_id: str
    auction_id: str
    day: str = ""
    """The market's date (ISO) when the rule was applied ('' in journals from before it)."""
    note: str = ""
    """Why a decided operation did not happen (the end of day's band step, refused)."""


@dataclass(frozen=True, slots=True)
class CheckBandReserve(Command):
    """The end of day's step of an automatic band reserve: after ``days`` composite closes
    outside the band since its last operation, release (sell by one-way bidding) or buy back,
    as :class:`ApplyReserveRule` ``band`` would; a refusal is journaled with its reason."""
