"""Position limits (最大持仓量限制) and large-holder reporting (大户报告), per participant type.

The national market's numbers are not published (reference §6, §11: [U]), so the ``cn`` preset
enforces none (the reference's default). The **Beijing pilot analogue** is a named option, the
preset ``cn-pilot-limits``, for configuration only: a covered entity may hold its annual
allocation + 1,000,000 t, any other participant 1,000,000 t; reporting starts at allocation +
500,000 t or 500,000 t. Limits apply per product (a vintage is one year's allocation), to the
*position*: everything held in every bucket, plus today's unsettled purchases less today's
unsettled sales, plus what open buy orders may still buy.
"""

from __future__ import annotations

from dataclasses import dataclass

from openets.domain.rejection import Code, Rejection


@dataclass(frozen=True, slots=True)
class Limit:
    """``base_t`` tonnes, plus the account's allocation of the product if ``plus_allocation``."""

    subject_type: str
    """entity | institution | individual."""
    base_t: int
    plus_allocation: bool

    def of(self, allocation: int) -> int:
        return self.base_t + (allocation if self.plus_allocation else 0)

    def describe(self, allocation: int) -> str:
        if self.plus_allocation:
            return f"allocation {allocation} t + {self.base_t} t"
        return f"{self.base_t} t"


@dataclass(frozen=True, slots=True)
class RiskRules:
    name: str
    position: tuple[Limit, ...]
    reporting: tuple[Limit, ...]
    source: str
    """Where the numbers come from, shown in every rejection and report obligation."""

    def position_limit(self, subject_type: str) -> Limit | None:
        for x in self.position:  # a loop, not next(generator): asked by every buy order
            if x.subject_type == subject_type:
                return x
        return None

    def reporting_threshold(self, subject_type: str) -> Limit | None:
        for x in self.reporting:
            if x.subject_type == subject_type:
                return x
        return None

    def errors(self) -> list[str]:
        out = []
        for what, limits in (("position", self.position), ("reporting", self.reporting)):
            seen: set[str] = set()
            for x in limits:
                if x.subject_type not in SUBJECT_TYPES:
                    out.append(f"{what} limit for unknown participant type {x.subject_type!r}")
                if x.subject_type in seen:
                    out.append(f"two {what} limits for {x.subject_type}")
                seen.add(x.subject_type)
                if isinstance(x.base_t, bool) or not isinstance(x.base_t, int) or x.base_t < 0:
                    out.append(f"{what} limit of {x.subject_type} must be >= 0 t, was {x.base_t!r}")
        return out


SUBJECT_TYPES = ("entity", "institution", "individual")

CN_PILOT_ANALOGUE = RiskRules(
    "cn-pilot-analogue",
    position=(
        Limit("entity", 1_000_000, True),
        Limit("institution", 1_000_000, False),
        Limit("individual", 1_000_000, False),
    ),
    reporting=(
        Limit("entity", 500_000, True),
        Limit("institution", 500_000, False),
        Limit("individual", 500_000, False),
    ),
    source="Beijing pilot analogue [U]: the national limits are not published",
)
NO_LIMITS = RiskRules("none", (), (), source="no position limits in this preset")
CN_UNPUBLISHED = RiskRules(
    "none",
    (),
    (),
    source="the national limits are not published [U]: none enforced "
    "(preset cn-pilot-limits carries the Beijing pilot analogue)",
)


@dataclass(frozen=True, slots=True)
class Position:
    """One account's position in one product, and what it is made of."""

    held: int
    bought_unsettled: int
    sold_unsettled: int
    open_buys: int

    @property
    def total(self) -> int:
        return self.held + self.bought_unsettled - self.sold_unsettled + self.open_buys


def check_position(
    account_id: str,
    product: str,
    pos: Position,
    extra: int,
    limit: Limit,
    allocation: int,
    source: str,
    what: str = "this order",
) -> Rejection | None:
    """POSITION_LIMIT if buying (or receiving: ``what``) ``extra`` more tonnes would take the
    position over the limit."""
    cap = limit.of(allocation)
    after = pos.total + extra
    if after <= cap:
        return None
    return Rejection(
        Code.POSITION_LIMIT,
        f"account {account_id} would hold {after} t of {product} (holds {pos.held} t, "
        f"unsettled {pos.bought_unsettled - pos.sold_unsettled:+d} t, open buys "
        f"{pos.open_buys} t, {what} {extra} t), over its position limit of {cap} t "
        f"({limit.describe(allocation)}; {source})",
        "quantity",
    )
