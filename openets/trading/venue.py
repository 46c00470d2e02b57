"""What a trading venue offers and to whom: its trading methods, the subjects that may trade
and the products it lists (a preset's ``venue``).

China's national market offers listing, block and one-way bidding for CEA. The CCER market
(Beijing Green Exchange, reference §13) offers listing-agreement trading only ("block and
one-way bidding when ripe"), to legal persons only (covered entities and institutions, no
individuals), for CCER.
"""

from __future__ import annotations

from dataclasses import dataclass

from openets.trading.rules import TradingMethod


@dataclass(frozen=True, slots=True)
class VenueRules:
    methods: frozenset[TradingMethod]
    """The trading methods the venue offers."""
    subjects: frozenset[str]
    """The registry subject types (``entity``, ``institution``, ``individual``) that may trade."""
    products: frozenset[str] | None = None
    """The products the venue lists; None: any product the registry knows."""

    def __post_init__(self) -> None:
        if TradingMethod.LISTING not in self.methods:
            raise ValueError("a venue offers at least its on-screen (listing) market")
        unknown = self.subjects - {"entity", "institution", "individual"}
        if unknown or not self.subjects:
            raise ValueError(f"subjects must be entity, institution or individual, were {unknown}")

    def offers(self, method: TradingMethod) -> bool:
        return method in self.methods

    def method_refusal(self, method: TradingMethod, market: str) -> str | None:
        """Why ``method`` cannot be used on this venue, or None."""
        if method in self.methods:
            return None
        offered = ", ".join(sorted(m.value for m in self.methods))
        return f"the {market} market does not offer {method.value} trading (it offers: {offered})"


CN_VENUE = VenueRules(
    methods=frozenset(TradingMethod),  # listing, block, one-way bidding [V]
    subjects=frozenset({"entity", "institution", "individual"}),  # Regs-2024 Art. 7 [V]
)
"""China's national market: every method; entities, institutions and individuals that meet the
rules may trade (in practice only covered entities so far, §1.2)."""

CCER_VENUE = VenueRules(
    methods=frozenset({TradingMethod.LISTING}),  # listing agreement only [V]
    subjects=frozenset({"entity", "institution"}),  # legal persons only [V]
    products=frozenset({"CCER"}),
)
"""The CCER market: listing-agreement trading of CCER by legal persons (reference §13)."""
