"""Allocation plan presets of the national market: benchmarks, correction factors, caps, deadlines.

Values come from the reference (cn-ets-rules.md §7.2-§7.5, §8.2-§8.6); each carries the
reference's confidence tag. Values tagged ``[U]`` could not be confirmed: they are placeholders
that a caller may replace (:func:`dataclasses.replace` on a preset, or a custom :class:`Plan`)
and are listed in :attr:`Plan.unconfirmed` so that tools can say when they were used.

Every number is an exact :class:`~fractions.Fraction` built from a decimal string: a float never
enters the plan.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum
from fractions import Fraction as Q

from openets.compliance.calendar import (
    ENTITY,
    REGISTRY,
    REGULATOR,
    Enforcement,
    Step,
    StepKind,
    final_step,
    moment,
    notice_step,
    preallocation_step,
    report_step,
)


class Category(StrEnum):
    """Power-unit categories of the benchmark table (the CSV's ``category`` column)."""

    COAL_300_PLUS = "coal_300_plus"  # 300MW等级以上常规燃煤机组
    COAL_300_BELOW = "coal_300_below"  # 300MW等级及以下常规燃煤机组
    COAL_UNCONVENTIONAL = "coal_unconventional"  # 燃煤矸石、煤泥、水煤浆等非常规燃煤机组
    GAS = "gas"  # 燃气机组


class Cooling(StrEnum):
    WATER = "water"
    AIR = "air"


class Sector(StrEnum):
    """Covered sectors: power from 2019, steel, cement and aluminium from the 2024 vintage."""

    POWER = "power"
    STEEL = "steel"
    CEMENT = "cement"
    ALUMINIUM = "aluminium"


class PenaltyRegime(StrEnum):
    MEASURES_2021 = "measures-2021"  # MEE Decree No. 19, cycles 2019-2022
    REGS_2024 = "regs-2024"  # State Council Decree No. 775, from 2024-05-01


COAL = frozenset({Category.COAL_300_PLUS, Category.COAL_300_BELOW, Category.COAL_UNCONVENTIONAL})
CONVENTIONAL_COAL = frozenset({Category.COAL_300_PLUS, Category.COAL_300_BELOW})
INDUSTRY = frozenset({Sector.STEEL, Sector.CEMENT, Sector.ALUMINIUM})


@dataclass(frozen=True, slots=True)
class Benchmark:
    """Benchmarks of one unit category: tCO2/MWh supplied and tCO2/GJ of heat supplied."""

    electricity: Q
    heat: Q


@dataclass(frozen=True, slots=True)
class Borrowing:
    """Advance from a later allocation (Plan 21-22, §7.4): gap > threshold × allocation."""

    gap_threshold: Q = Q(1, 10)  # gap must exceed 10% of the allocation [V]
    max_share_of_gap: Q = Q(1, 2)  # borrow at most 50% of the gap [V]
    from_vintage_year: int = 2023  # borrowed from the 2023 allocation [V]


@dataclass(frozen=True, slots=True)
class CarryOver:
    """Banking limit of Plan 23-24 (§7.4): vintages up to ``last_vintage_year`` may serve
    later obligations only up to ``base_t + sales_multiple × net sales 2019-2024``."""

    last_vintage_year: int = 2024
    base_t: int = 10_000  # [V]
    sales_multiple: Q = Q(3, 2)  # 1.5 × net allowance sales 2019-2024 [V]


@dataclass(frozen=True, slots=True)
class Plan:
    """One allocation plan preset: the formula's parameters and the compliance rules."""

    name: str
    years: tuple[int, ...]
    """Compliance years this plan allocates (2019-2020 covers two)."""
    cycle_years: tuple[int, ...]
    """Years surrendered together by one deadline; vintages of the cycle are interchangeable."""
    deadline: date
    """Last day (Beijing time) to surrender all of the cycle's obligations."""
    benchmarks: tuple[tuple[Category, Benchmark], ...]
    air_cooling_factor: Q = Q("1.05")  # [M]
    air_cooling_categories: frozenset[Category] = COAL  # gas units: 1 [M]
    heat_supply_slopes: tuple[tuple[Category, Q], ...] = ()
    """F_r = 1 − slope × heat ratio per category; empty when the factor is removed."""
    load_factor_categories: frozenset[Category] = CONVENTIONAL_COAL
    load_factor_pure_condensing_only: bool = True
    """The 2019-2020 plan corrects only pure-condensing units (heat ratio 0)."""
    preallocation_share: Q = Q(7, 10)  # [V]
    gas_obligation_capped_at_allocation: bool = True
    shortfall_cap: Q | None = Q(1, 5)
    """Non-gas obligation ≤ allocation + this share of verified emissions; None: no cap."""
    ccer_cap: Q = Q(1, 20)  # ≤ 5% of the obligation [V]
    legacy_ccer_until: date | None = date(2024, 12, 31)
    """CCER filed before 2017-03-14 (``CCER-PRE17``) offsets surrenders made up to this day
    (Beijing) only [V] (§13); None: no end."""
    borrowing: Borrowing | None = None
    carry_over: CarryOver | None = None
    equal_allocation_sectors: frozenset[Sector] = frozenset()
    """Sectors whose final allocation equals verified emissions."""
    emission_preallocation_sectors: frozenset[Sector] = frozenset()
    """Sectors pre-allocated ``preallocation_share`` of the previous year's verified emissions
    (steel, cement and aluminium in 2025); other industrial sectors get no pre-allocation."""
    intensity_benchmarks: tuple[tuple[Sector, Q], ...] = ()
    """Final allocation = output (t of product) × this benchmark (tCO2/t), for sectors not in
    ``equal_allocation_sectors``: the intensity method a plan may choose instead."""
    penalty_regime: PenaltyRegime = PenaltyRegime.MEASURES_2021
    accept_late_surrender: bool = True
    """A surrender after the deadline still counts (status ``late``); False rejects it."""
    deadline_time: time | None = None
    """The clock time (Beijing) the deadline day ends at; None: the end of the day."""
    interim_deadline: date | None = None
    """A milestone before the deadline: ``interim_share`` of the entities by then."""
    interim_share: Q | None = None
    calendar: tuple[Step, ...] = ()
    """The year's dated steps before the surrender (reports, pre-allocation per sector, final
    issuance, entity lists); :attr:`steps` adds the surrender, its interim milestone and the
    carry-over from the fields above (:mod:`openets.compliance.calendar`)."""
    unconfirmed: tuple[str, ...] = field(default=())
    """Parameters whose value is a [U] placeholder, e.g. ``benchmark.coal_unconventional``."""

    @property
    def steps(self) -> tuple[Step, ...]:
        """Every dated step of the plan's cycle, in the order they fall due."""
        out = list(self.calendar)
        both = (ENTITY, REGULATOR)
        if self.interim_deadline is not None:
            out.append(Step("interim", StepKind.INTERIM, self.interim_deadline,
                            self.deadline_time, Enforcement.NOTICE, both))  # fmt: skip
        late = Enforcement.LATE if self.accept_late_surrender else Enforcement.REFUSE_AFTER
        out.append(Step("surrender", StepKind.SURRENDER, self.deadline, self.deadline_time,
                        late, both))  # fmt: skip
        if self.carry_over is not None and self.carry_over.last_vintage_year in self.years:
            out.append(Step("carry_over", StepKind.CARRY_OVER, self.deadline, self.deadline_time,
                            Enforcement.REFUSE_BEFORE, (*both, REGISTRY)))  # fmt: skip
        return tuple(sorted(out, key=lambda s: (s.due_at, s.key)))

    def step(
        self, kind: StepKind, year: int | None = None, sector: str | None = None
    ) -> Step | None:
        """The first step of ``kind`` for compliance ``year`` concerning ``sector`` (a
        pre-allocation step names its sectors; an entity of several sectors gets the first)."""
        for s in self.steps:
            if (
                s.kind is kind
                and (year is None or s.year in (None, year))
                and s.concerns_sector(sector)
            ):
                return s
        return None

    @property
    def deadline_at(self) -> datetime:
        """The last moment (Beijing) a surrender counts as on time."""
        return _moment(self.deadline, self.deadline_time)

    @property
    def interim_at(self) -> datetime | None:
        if self.interim_deadline is None:
            return None
        return _moment(self.interim_deadline, self.deadline_time)

    @property
    def deadline_text(self) -> str:
        """``2021-12-31 17:00`` (Beijing), or the date alone when the whole day counts."""
        if self.deadline_time is None:
            return self.deadline.isoformat()
        return f"{self.deadline.isoformat()} {self.deadline_time.strftime('%H:%M')}"

    def benchmark(self, category: Category) -> Benchmark:
        for cat, bench in self.benchmarks:
            if cat == category:
                return bench
        raise KeyError(f"plan {self.name} has no benchmark for {category}")

    def intensity_benchmark(self, sector: Sector) -> Q | None:
        for sec, bench in self.intensity_benchmarks:
            if sec == sector:
                return bench
        return None

    @property
    def covered_sectors(self) -> frozenset[Sector]:
        """The sectors this plan can allocate: power, and the industrial ones it names."""
        industry = {s for s, _ in self.intensity_benchmarks}
        return frozenset(
            {Sector.POWER, *self.equal_allocation_sectors, *self.emission_preallocation_sectors,
             *industry}
        )  # fmt: skip

    def heat_supply_slope(self, category: Category) -> Q | None:
        for cat, slope in self.heat_supply_slopes:
            if cat == category:
                return slope
        return None


def _moment(day: date, at: time | None) -> datetime:
    return moment(day, at)


def _b(electricity: str, heat: str) -> Benchmark:
    return Benchmark(Q(electricity), Q(heat))


_HEAT_SLOPES_19_22: tuple[tuple[Category, Q], ...] = (
    (Category.COAL_300_PLUS, Q("0.22")),  # [M]
    (Category.COAL_300_BELOW, Q("0.22")),  # [M]
    (Category.COAL_UNCONVENTIONAL, Q("0.22")),  # [M]
    (Category.GAS, Q("0.6")),  # [M]
)

PLAN_2019_2020 = Plan(
    name="2019-2020",
    years=(2019, 2020),
    cycle_years=(2019, 2020),
    deadline=date(2021, 12, 31),  # 95% by 2021-12-15, 100% by 2021-12-31 [V]
    deadline_time=time(17, 0),  # 17:00 Beijing, as the registry closes the day [M]
    interim_deadline=date(2021, 12, 15),  # [V]
    interim_share=Q(95, 100),  # [V]
    benchmarks=(
        (Category.COAL_300_PLUS, _b("0.877", "0.126")),  # [V]
        (Category.COAL_300_BELOW, _b("0.979", "0.126")),  # [V]
        (Category.COAL_UNCONVENTIONAL, _b("1.146", "0.126")),  # [V]
        (Category.GAS, _b("0.392", "0.059")),  # [V]
    ),
    heat_supply_slopes=_HEAT_SLOPES_19_22,
    load_factor_pure_condensing_only=True,  # [M]
    penalty_regime=PenaltyRegime.MEASURES_2021,
    calendar=(
        report_step(2019, date(2020, 3, 31)),  # 31 March (Measures-2021) [M]
        report_step(2020, date(2021, 3, 31)),  # [M]
        preallocation_step(date(2021, 1, 29), ()),  # provinces pre-allocate by 2021-01-29 [V]
        final_step(date(2021, 9, 30)),  # final allocations planned by 30 Sep 2021 [V]
    ),
)

_BORROW_21_22 = Borrowing()  # [V]

_CALENDAR_21_22 = (
    report_step(2021, date(2022, 3, 31)),  # [M]
    report_step(2022, date(2023, 3, 31)),  # [M]
    preallocation_step(date(2023, 4, 30), ()),  # pre-allocation by 30 Apr 2023 [V]
    notice_step("verification", StepKind.VERIFICATION, date(2023, 6, 30), (REGULATOR,)),  # [V]
    Step(
        "final_quantities",
        StepKind.FINAL_QUANTITIES,
        date(2023, 7, 15),
        None,
        Enforcement.LATE,
        (REGULATOR, REGISTRY, ENTITY),
    ),  # final by 15 Jul 2023 [V]
)
"""The 2021-2022 cycle's steps, one calendar for both of its plans."""

PLAN_2021 = Plan(
    name="2021",
    years=(2021,),
    cycle_years=(2021, 2022),
    deadline=date(2023, 12, 31),  # 95% by 2023-11-15, 100% by 2023-12-31 [V]
    interim_deadline=date(2023, 11, 15),  # [V]
    interim_share=Q(95, 100),  # [V]
    benchmarks=(
        (Category.COAL_300_PLUS, _b("0.8218", "0.1111")),  # [V*] / heat [M]
        (Category.COAL_300_BELOW, _b("0.8773", "0.1111")),  # [V*] / heat [M]
        (Category.COAL_UNCONVENTIONAL, _b("0.9350", "0.1111")),  # [I] −18.41% / heat [M]
        (Category.GAS, _b("0.3920", "0.0560")),  # [V*] / heat [M]
    ),
    heat_supply_slopes=_HEAT_SLOPES_19_22,
    # Plan 21-22 extended the load-factor correction [V partial]; the exact scope is [U].
    load_factor_pure_condensing_only=False,
    borrowing=_BORROW_21_22,
    penalty_regime=PenaltyRegime.MEASURES_2021,
    calendar=_CALENDAR_21_22,
    unconfirmed=("load_factor_scope",),
)

PLAN_2022 = Plan(
    name="2022",
    years=(2022,),
    cycle_years=(2021, 2022),
    deadline=date(2023, 12, 31),
    interim_deadline=date(2023, 11, 15),  # [V]
    interim_share=Q(95, 100),  # [V]
    benchmarks=(
        (Category.COAL_300_PLUS, _b("0.8177", "0.1105")),  # [V*] / heat [M]
        (Category.COAL_300_BELOW, _b("0.8729", "0.1105")),  # [V*] / heat [M]
        (Category.COAL_UNCONVENTIONAL, _b("0.9303", "0.1105")),  # [M] / heat [M]
        (Category.GAS, _b("0.3901", "0.0557")),  # [V*] / heat [M]
    ),
    heat_supply_slopes=_HEAT_SLOPES_19_22,
    load_factor_pure_condensing_only=False,  # [V partial] / [U]
    borrowing=_BORROW_21_22,
    penalty_regime=PenaltyRegime.MEASURES_2021,
    calendar=_CALENDAR_21_22,
    unconfirmed=("load_factor_scope",),
)

_CARRY_23_24 = CarryOver()  # [V]

# 2023 and 2024: no heat-supply factor [V]; cooling and load-factor corrections carried over [M];
# gas cap and 20% cap retained by default [U]. Placeholders [U]: unconventional coal scaled
# from 2022 by the change of the ≤300 MW benchmark; heat benchmarks carried from 2022 (ICAP
# reports cuts of 3.8%-6.1% in the draft).
_U_23_24 = (
    "benchmark.coal_unconventional.electricity",
    "benchmark.coal_300_plus.heat",
    "benchmark.coal_300_below.heat",
    "benchmark.coal_unconventional.heat",
    "benchmark.gas.heat",
    "gas_obligation_capped_at_allocation",
    "shortfall_cap",
    "load_factor_scope",
)

PLAN_2023 = Plan(
    name="2023",
    years=(2023,),
    cycle_years=(2023,),
    deadline=date(2024, 12, 31),  # [V]
    benchmarks=(
        (Category.COAL_300_PLUS, _b("0.7861", "0.1105")),  # [V*] / heat [U]
        (Category.COAL_300_BELOW, _b("0.7984", "0.1105")),  # [V*] / heat [U]
        (Category.COAL_UNCONVENTIONAL, _b("0.8509", "0.1105")),  # [U] / heat [U]
        (Category.GAS, _b("0.3305", "0.0557")),  # [V*] / heat [U]
    ),
    heat_supply_slopes=(),  # removed in Plan 23-24 [V]
    load_factor_pure_condensing_only=False,  # [U]
    carry_over=_CARRY_23_24,
    penalty_regime=PenaltyRegime.REGS_2024,
    calendar=(report_step(2023, date(2024, 3, 31)),),  # [M]
    unconfirmed=_U_23_24,
)

PLAN_2024 = Plan(
    name="2024",
    years=(2024,),
    cycle_years=(2024,),
    deadline=date(2025, 12, 31),  # [V]
    benchmarks=(
        (Category.COAL_300_PLUS, _b("0.7822", "0.1105")),  # [V*] / heat [U]
        (Category.COAL_300_BELOW, _b("0.7944", "0.1105")),  # [V*] / heat [U]
        (Category.COAL_UNCONVENTIONAL, _b("0.8466", "0.1105")),  # [U] / heat [U]
        (Category.GAS, _b("0.3288", "0.0557")),  # [V*] / heat [U]
    ),
    heat_supply_slopes=(),  # [V]
    load_factor_pure_condensing_only=False,  # [U]
    carry_over=_CARRY_23_24,
    # Plan SCA 24-25: the 2024 vintage of steel, cement and aluminium equals verified 2024
    # emissions (等量分配), no pre-allocation, surrender within 2025 [V].
    equal_allocation_sectors=INDUSTRY,
    penalty_regime=PenaltyRegime.REGS_2024,
    calendar=(report_step(2024, date(2025, 3, 31)),),  # [M]
    unconfirmed=_U_23_24,
)

# 2025 (MEE notice 2026-02-09 [V]): reports by 2026-03-31, steel/cement/aluminium
# pre-allocated by 2026-04-10 at 70% of their verified 2024 emissions [V-sec], power by
# 2026-06-30, final quantities issued by 2026-09-30, surrender complete by 2026-12-31.
# The final 2025 method of the industrial sectors ("盈余平衡", intensity-based) is not
# published [U]: by default it equals verified emissions, as for 2024; a caller may choose the
# intensity method with :func:`dataclasses.replace` (``equal_allocation_sectors=frozenset()``,
# ``intensity_benchmarks=((Sector.STEEL, Q("…")), …)``). The power benchmarks of 2025 are not
# in the reference [U]: the 2024 values carry over.
PLAN_2025 = Plan(
    name="2025",
    years=(2025,),
    cycle_years=(2025,),
    deadline=date(2026, 12, 31),  # [V]
    deadline_time=time(17, 0),  # [U]: the registry's close of day, as in cycle 1 [V]
    benchmarks=PLAN_2024.benchmarks,  # [U]: 2024's
    heat_supply_slopes=(),  # [V]
    load_factor_pure_condensing_only=False,  # [U]
    carry_over=_CARRY_23_24,
    equal_allocation_sectors=INDUSTRY,  # the final 2025 method [U]
    emission_preallocation_sectors=INDUSTRY,  # 70% of verified 2024 emissions [V-sec]
    penalty_regime=PenaltyRegime.REGS_2024,
    calendar=(  # MEE notice 2026-02-09 [V]; the steps' clock times are not given
        report_step(2025, date(2026, 3, 31), "V"),
        preallocation_step(date(2026, 4, 10), (Sector.STEEL, Sector.CEMENT, Sector.ALUMINIUM)),
        preallocation_step(date(2026, 6, 30), (Sector.POWER,)),
        Step(
            "final_quantities",
            StepKind.FINAL_QUANTITIES,
            date(2026, 9, 20),
            None,
            Enforcement.LATE,
            (REGULATOR, REGISTRY),
        ),
        final_step(date(2026, 9, 30)),
        notice_step(
            "entity_list.2027", StepKind.ENTITY_LIST, date(2026, 10, 31), (REGULATOR, REGISTRY)
        ),
    ),
    unconfirmed=(
        "calendar.surrender.time",
        "benchmark.coal_300_plus.electricity",
        "benchmark.coal_300_below.electricity",
        "benchmark.gas.electricity",
        *_U_23_24,
        "industry_final_method",
    ),
)

PRESETS: dict[str, Plan] = {
    p.name: p for p in (PLAN_2019_2020, PLAN_2021, PLAN_2022, PLAN_2023, PLAN_2024, PLAN_2025)
}
"""The plan presets by name, as ``openets allocate --plan`` takes them."""


def get_plan(name: str, plans: dict[str, Plan] | None = None) -> Plan | None:
    return (plans if plans is not None else PRESETS).get(name)


def plan_for_year(year: int, plans: dict[str, Plan] | None = None) -> Plan | None:
    """The plan that allocates compliance year ``year``."""
    for plan in (plans if plans is not None else PRESETS).values():
        if year in plan.years:
            return plan
    return None


def carry_over_for(year: int, plans: dict[str, Plan] | None = None) -> CarryOver | None:
    """The carry-over limit binding old vintages when surrendering for ``year`` (2025 on)."""
    for plan in (plans if plans is not None else PRESETS).values():
        if plan.carry_over is not None and year > plan.carry_over.last_vintage_year:
            return plan.carry_over
    return None
