"""The vintages (年度配额) as instruments, and the composite price (综合价格, ``COMCEA``), as data.

Each vintage is its own instrument with its own previous close, bands and daily bar (the
trading context keeps them per instrument). This module holds what is specific to vintages:

- :class:`Vintage`: when a vintage was listed (reference §13 and §2). ``confirmed`` False marks
  a date that the reference does not give to the day.
- :class:`CompositeStage`: which vintages the composite averages from a date on, and with which
  weights. From 2025-04-29 it is the equal-weighted average of CEA19-20 to CEA24 (1/5 each)
  [V] (沪环境交〔2025〕13号). Before that the definition is not published [U]: the default
  stage pools every listed vintage's listing trades (open = the first of them, high and low
  over all, close = their quantity-weighted average), the rule of a single instrument applied
  across vintages. Whether CEA25 joins (and when) is [U]: the default adds it on its listing
  date with an equal sixth.

The composite is computed at the end of the day from the vintages' bars (:func:`weighted_bar`),
in integer fen: each of open, high, low and close is ``Σ parts_i × price_i / Σ parts_i`` over
the stage's listed vintages, rounded half-up to the tick. A vintage without a listing trade
that day counts with its carried close (its open, high and low are its close). A stage vintage
that is not listed is left out and the others' weights are renormalised; when none of a
weighted stage's vintages is listed the composite falls back to pooling.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from openets.domain.money import round_half_up_div

COMPOSITE_CODE = "COMCEA"


class CompositeMethod(StrEnum):
    POOLED = "pooled"
    """The day's listing trades of every listed vintage as one instrument's [U]."""
    WEIGHTED = "weighted"
    """A weighted average of the stage's vintages' daily prices (from 2025-04-29: equal) [V]."""


@dataclass(frozen=True, slots=True)
class Vintage:
    code: str
    listed_on: date
    confirmed: bool
    note: str = ""


@dataclass(frozen=True, slots=True)
class CompositeStage:
    since: date
    method: CompositeMethod
    weights: tuple[tuple[str, int], ...] = ()
    """(vintage, parts) for a weighted stage: the weight of each is parts / Σ parts."""
    confirmed: bool = False
    note: str = ""

    def __post_init__(self) -> None:
        if self.method is CompositeMethod.WEIGHTED:
            if not self.weights:
                raise ValueError(f"the composite stage of {self.since} weighs no vintage")
            bad = [(c, p) for c, p in self.weights if isinstance(p, bool) or p <= 0]
            if bad:
                raise ValueError(f"weights must be positive parts, were {bad}")
            codes = [c for c, _ in self.weights]
            if len(set(codes)) != len(codes):
                raise ValueError(f"a vintage is weighed twice in the stage of {self.since}")


@dataclass(frozen=True, slots=True)
class VintageRules:
    vintages: tuple[Vintage, ...]
    composite: tuple[CompositeStage, ...]
    """Stages in date order; the one in force on a day is the last that began by then."""
    composite_code: str = COMPOSITE_CODE

    def __post_init__(self) -> None:
        if not self.composite:
            raise ValueError("the composite needs at least one stage")
        days = [s.since for s in self.composite]
        if days != sorted(days) or len(set(days)) != len(days):
            raise ValueError(f"composite stages must begin on increasing dates, were {days}")

    def stage_on(self, day: date) -> CompositeStage:
        """The composition in force on ``day`` (the first stage before it begins)."""
        current = self.composite[0]
        for s in self.composite:
            if s.since <= day:
                current = s
        return current

    def due(self, day: date, listed: Sequence[str]) -> tuple[Vintage, ...]:
        """The vintages whose listing date has come by ``day`` and that are not listed yet."""
        return tuple(v for v in self.vintages if v.listed_on <= day and v.code not in listed)

    def rule_rows(self, prefix: str = "vintages") -> list[tuple[str, object]]:
        """Each vintage's listing date and each composite stage as (dotted name, value)."""
        out: list[tuple[str, object]] = [
            (f"{prefix}.{v.code}.listed_on", v.listed_on) for v in self.vintages
        ]
        for s in self.composite:
            parts = " ".join(f"{c}:{p}" for c, p in s.weights)
            out.append(
                (f"{prefix}.composite.{s.since}.weights", f"{s.method.value} {parts}".strip())
            )
        return out

    def unconfirmed(self, prefix: str = "vintages") -> tuple[str, ...]:
        """The dotted names (as :meth:`rule_rows` gives them) the reference does not confirm."""
        return tuple(
            [f"{prefix}.{v.code}.listed_on" for v in self.vintages if not v.confirmed]
            + [f"{prefix}.composite.{s.since}.weights" for s in self.composite if not s.confirmed]
        )


_FIVE = tuple((c, 1) for c in ("CEA19-20", "CEA21", "CEA22", "CEA23", "CEA24"))

CN_VINTAGES = VintageRules(
    vintages=(
        Vintage("CEA19-20", date(2021, 7, 16), True, "listed as 碳排放配额; renamed 2023-08-28"),
        Vintage("CEA21", date(2023, 8, 28), True),
        Vintage("CEA22", date(2023, 8, 28), True),
        Vintage("CEA23", date(2024, 11, 1), False, "tradable from early November 2024 [V]"),
        Vintage("CEA24", date(2025, 4, 29), True),
        Vintage("CEA25", date(2026, 4, 29), False, "listed in 2026 [V]; the day by analogy"),
    ),
    composite=(
        CompositeStage(date(2021, 7, 16), CompositeMethod.POOLED, note="definition [U]"),
        CompositeStage(
            date(2025, 4, 29),
            CompositeMethod.WEIGHTED,
            _FIVE,
            True,
            "沪环境交〔2025〕13号: CEA19-20 to CEA24, 1/5 each",
        ),
        CompositeStage(
            date(2026, 4, 29),
            CompositeMethod.WEIGHTED,
            (*_FIVE, ("CEA25", 1)),
            False,
            "CEA25 joining with an equal weight is [U]",
        ),
    ),
)
"""China's vintages and composite as the reference gives them (§13); [U] parts marked."""


@dataclass(frozen=True, slots=True)
class Ohlc:
    """A day's prices in fen; ``open`` None: no listing trade (the previous close carried)."""

    open: int | None
    high: int | None
    low: int | None
    close: int


def weighted_average(values: Sequence[tuple[int, int]], tick: int = 1) -> int:
    """``Σ parts × fen / Σ parts`` rounded half-up to the tick: [(parts, fen), ...]."""
    total = sum(p for p, _ in values)
    if total <= 0:
        raise ValueError("a weighted average needs positive weights")
    return round_half_up_div(sum(p * v for p, v in values), total * tick) * tick


def weighted_bar(
    weights: Sequence[tuple[str, int]], bars: Mapping[str, Ohlc], tick: int = 1
) -> Ohlc | None:
    """The composite of the weighted vintages that have a bar (the others left out and the
    weights renormalised); None if none has. A vintage without a listing trade counts with its
    close for open, high and low. Without any listing trade the composite has no open."""
    present = [(bars[c], p) for c, p in weights if c in bars]
    if not present:
        return None
    close = weighted_average([(p, b.close) for b, p in present], tick)
    if all(b.open is None for b, _ in present):
        return Ohlc(None, None, None, close)

    def field(get: str) -> int:
        vals = [(p, b.close if getattr(b, get) is None else getattr(b, get)) for b, p in present]
        return weighted_average(vals, tick)

    return Ohlc(field("open"), field("high"), field("low"), close)
