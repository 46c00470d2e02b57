"""Surrender rules and compliance audits as small functions, listed in ``RULES`` and ``AUDITS``.

- A surrender rule takes a :class:`SurrenderCheck` (everything the rule may look at) and returns
  a :class:`~openets.domain.rejection.Rejection` or None. :func:`validate_surrender` runs
  ``RULES`` in order and returns the first rejection: a refused surrender changes nothing.
- An audit takes a plan, a :class:`~openets.compliance.obligations.Position` and a date, and
  returns findings (shortfall after the deadline, late surrender, CCER over the cap). Reports
  and ``openets verify`` run ``AUDITS``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from openets.compliance.obligations import (
    Position,
    borrowing_vintage,
    ccer_limit_t,
    eligible_vintages,
    is_carried_vintage,
    is_late,
)
from openets.compliance.plans import CarryOver, Plan
from openets.domain.clock import BEIJING
from openets.domain.products import (
    CCER_PRE_2017,
    LEGACY_CCER_FILED_BEFORE,
    ProductCodeError,
    is_ccer,
    product,
)
from openets.domain.rejection import Code, Rejection


@dataclass(frozen=True, slots=True)
class SurrenderItem:
    """A quantity of one product surrendered: a CEA vintage, or CCER as an offset."""

    product: str
    quantity: int


@dataclass(frozen=True, slots=True)
class SurrenderCheck:
    """A proposed surrender and the entity's position before it."""

    plan: Plan
    year: int
    items: tuple[SurrenderItem, ...]
    at: datetime
    obligation_t: int | None
    surrendered_t: int = 0
    surrendered_ccer_t: int = 0
    borrowed_t: int = 0
    """Allowances borrowed for this year (Plan 21-22)."""
    borrowed_used_t: int = 0
    """Of the borrowed vintage, already surrendered for this year."""
    carry_over: CarryOver | None = None
    carry_over_quota_t: int = 0
    carry_over_used_t: int = 0
    """Old vintages already surrendered under the carry-over quota."""

    def quantity_of(self, pred: Callable[[str], bool]) -> int:
        return sum(i.quantity for i in self.items if pred(i.product))


@dataclass(frozen=True, slots=True)
class Finding:
    """Something a regulator should see about an entity's compliance."""

    rule: str
    entity_id: str
    year: int
    message: str


def check_items_well_formed(c: SurrenderCheck) -> Rejection | None:
    if not c.items:
        return Rejection(Code.INVALID_QUANTITY, "a surrender needs at least one item", "items")
    seen: set[str] = set()
    for i, item in enumerate(c.items):
        try:
            product(item.product)
        except ProductCodeError as exc:
            return Rejection(Code.UNKNOWN_PRODUCT, str(exc), f"items[{i}].product")
        if item.product in seen:
            return Rejection(
                Code.DUPLICATE, f"product {item.product} appears twice", f"items[{i}].product"
            )
        seen.add(item.product)
        if item.quantity <= 0:
            return Rejection(
                Code.INVALID_QUANTITY,
                f"quantity must be a positive number of tonnes, was {item.quantity}",
                f"items[{i}].quantity",
            )
    return None


def check_obligation_determined(c: SurrenderCheck) -> Rejection | None:
    if c.obligation_t is None:
        return Rejection(
            Code.INVALID_STATE,
            f"the {c.year} obligation is not determined yet (report approval and final "
            "allocation come first)",
            "compliance_year",
        )
    return None


def check_eligible_vintage(c: SurrenderCheck) -> Rejection | None:
    """Vintages up to the end of the year's cycle; the borrowed vintage only if borrowed;
    CCER, the pre-2017 class only within its window (:func:`check_legacy_ccer_window`)."""
    legacy = check_legacy_ccer_window(c)
    if legacy is not None:
        return legacy
    allowed = eligible_vintages(c.plan, c.year)
    borrowed = borrowing_vintage(c.plan) if c.borrowed_t > 0 else None
    for i, item in enumerate(c.items):
        if is_ccer(item.product) or item.product in allowed or item.product == borrowed:
            continue
        return Rejection(
            Code.INELIGIBLE_VINTAGE,
            f"{item.product} cannot be surrendered for {c.year}; eligible: {', '.join(allowed)}"
            + (f", and {borrowed} up to the borrowed quantity" if borrowed else ""),
            f"items[{i}].product",
        )
    return None


def check_borrowing_limit(c: SurrenderCheck) -> Rejection | None:
    """Borrowed-vintage allowances may serve this year only up to the quantity borrowed."""
    vintage = borrowing_vintage(c.plan)
    if vintage is None or c.borrowed_t == 0:
        return None
    qty = c.quantity_of(lambda p: p == vintage)
    if c.borrowed_used_t + qty > c.borrowed_t:
        return Rejection(
            Code.CAP_EXCEEDED,
            f"{vintage} for {c.year} would total {c.borrowed_used_t + qty} t, "
            f"borrowed {c.borrowed_t} t",
            "items",
        )
    return None


def check_carry_over_limit(c: SurrenderCheck) -> Rejection | None:
    """Old vintages (up to CEA24) serve 2025+ obligations only within the carry-over quota."""
    rule = c.carry_over
    if rule is None or c.year <= rule.last_vintage_year:
        return None
    qty = c.quantity_of(lambda p: is_carried_vintage(rule, p))
    if qty and c.carry_over_used_t + qty > c.carry_over_quota_t:
        return Rejection(
            Code.CAP_EXCEEDED,
            f"vintages up to {rule.last_vintage_year} would total {c.carry_over_used_t + qty} t "
            f"for {c.year}, the carry-over quota is {c.carry_over_quota_t} t",
            "items",
        )
    return None


def check_ccer_cap(c: SurrenderCheck) -> Rejection | None:
    """CCER offsets (of either class) at most 5% of the obligation (rounded down)."""
    qty = c.quantity_of(is_ccer)
    if not qty or c.obligation_t is None:
        return None
    limit = ccer_limit_t(c.plan, c.obligation_t)
    if c.surrendered_ccer_t + qty > limit:
        return Rejection(
            Code.CCER_CAP,
            f"CCER for {c.year} would total {c.surrendered_ccer_t + qty} t, the limit is "
            f"{limit} t ({c.plan.ccer_cap * 100}% of the obligation {c.obligation_t} t)",
            "items",
        )
    return None


def check_legacy_ccer_window(c: SurrenderCheck) -> Rejection | None:
    """CCER filed before 2017-03-14 offsets only surrenders made by 2024-12-31 (Beijing)."""
    until = c.plan.legacy_ccer_until
    if until is None:
        return None
    day = c.at.astimezone(BEIJING).date()
    for i, item in enumerate(c.items):
        if item.product == CCER_PRE_2017 and day > until:
            return Rejection(
                Code.INELIGIBLE_VINTAGE,
                f"{CCER_PRE_2017} (CCER filed before {LEGACY_CCER_FILED_BEFORE.isoformat()}) "
                f"offsets surrenders made by {until.isoformat()} only; this one is on "
                f"{day.isoformat()}",
                f"items[{i}].product",
            )
    return None


def check_within_obligation(c: SurrenderCheck) -> Rejection | None:
    """No surrender beyond what is owed: the surplus stays usable in the holder's account."""
    if c.obligation_t is None:
        return None
    total = c.surrendered_t + c.quantity_of(lambda p: True)
    if total > c.obligation_t:
        return Rejection(
            Code.QUANTITY_OUT_OF_RANGE,
            f"surrendered for {c.year} would total {total} t, the obligation is "
            f"{c.obligation_t} t ({c.obligation_t - c.surrendered_t} t outstanding)",
            "items",
        )
    return None


def check_deadline(c: SurrenderCheck) -> Rejection | None:
    """After the deadline a surrender counts as late, or is refused if the plan says so."""
    if not c.plan.accept_late_surrender and is_late(c.at, c.plan.deadline_at):
        return Rejection(
            Code.DEADLINE_PASSED,
            f"the {c.year} deadline was {c.plan.deadline_text}, it is {c.at.isoformat()}",
            "compliance_year",
        )
    return None


SurrenderRule = Callable[[SurrenderCheck], Rejection | None]

RULES: tuple[SurrenderRule, ...] = (
    check_items_well_formed,
    check_obligation_determined,
    check_deadline,
    check_eligible_vintage,
    check_borrowing_limit,
    check_carry_over_limit,
    check_ccer_cap,
    check_within_obligation,
)


def validate_surrender(c: SurrenderCheck) -> Rejection | None:
    for rule in RULES:
        rejection = rule(c)
        if rejection is not None:
            return rejection
    return None


def check_shortfall_after_deadline(plan: Plan, p: Position, as_of: date) -> list[Finding]:
    if as_of > p.deadline and p.shortfall_t > 0:
        return [
            Finding(
                "shortfall_after_deadline",
                p.entity_id,
                p.year,
                f"{p.shortfall_t} t of {p.obligation_t} t unsurrendered after {p.deadline}",
            )
        ]
    return []


def check_late_surrender(plan: Plan, p: Position, as_of: date) -> list[Finding]:
    if p.late_t > 0:
        return [
            Finding(
                "late_surrender",
                p.entity_id,
                p.year,
                f"{p.late_t} t surrendered after the deadline {p.deadline}",
            )
        ]
    return []


def check_ccer_within_cap(plan: Plan, p: Position, as_of: date) -> list[Finding]:
    limit = ccer_limit_t(plan, p.obligation_t)
    if p.ccer_t > limit:
        return [Finding("ccer_cap", p.entity_id, p.year, f"CCER {p.ccer_t} t > limit {limit} t")]
    return []


Audit = Callable[[Plan, Position, date], list[Finding]]

AUDITS: tuple[Audit, ...] = (
    check_shortfall_after_deadline,
    check_late_surrender,
    check_ccer_within_cap,
)


def audit(plan: Plan, position: Position, as_of: date) -> list[Finding]:
    return [f for rule in AUDITS for f in rule(plan, position, as_of)]
